import { Agent as HttpAgent } from "node:http";
import { Agent } from "node:https";
import { DynamoDBClient, DynamoDBDocumentClient } from "./aws-sdk.js";

export interface DynamoClientOptions {
  /** Override for local engines (dynalite) or VPC endpoints. */
  endpoint?: string;
  region?: string;
  /** Bounded retries: attempts including the first. */
  maxAttempts?: number;
  /** Per-request socket timeout in ms. */
  requestTimeoutMs?: number;
  /** Static credentials, used with local engines that accept any. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * A DynamoDB client with HTTP keep-alive (no TLS handshake per request), bounded retries and a
 * request timeout, plus the document client ElectroDB drives.
 */
export function createDynamoClients(options: DynamoClientOptions = {}) {
  const keepAlive = { keepAlive: true, maxSockets: 64 };
  const raw = new DynamoDBClient({
    region: options.region ?? "us-east-1",
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // The SDK builds its own handler from these options (no `@smithy/*` import of ours, so a
    // Lambda bundle leaves the whole SDK to the runtime's copy).
    requestHandler: {
      httpAgent: new HttpAgent(keepAlive),
      httpsAgent: new Agent(keepAlive),
      requestTimeout: options.requestTimeoutMs ?? 3_000,
      // Without it the handler only logs a warning and the request hangs on.
      throwOnRequestTimeout: true,
      connectionTimeout: 1_000,
    },
  });
  const document = DynamoDBDocumentClient.from(raw, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { raw, document };
}

export type DynamoClients = ReturnType<typeof createDynamoClients>;
