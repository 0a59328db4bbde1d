import { createServer, type Server, type Socket } from "node:net";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoClients } from "./client.js";

// A DynamoDB endpoint that accepts connections and never answers.
describe("createDynamoClients", () => {
  let server: Server;
  let endpoint: string;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    endpoint = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it("gives up on a request the endpoint never answers after the request timeout", async () => {
    const { raw } = createDynamoClients({
      endpoint,
      maxAttempts: 1,
      requestTimeoutMs: 300,
      credentials: { accessKeyId: "x", secretAccessKey: "y" },
    });
    const started = Date.now();
    await expect(
      raw.send(new GetItemCommand({ TableName: "t", Key: { pk: { S: "a" } } })),
    ).rejects.toThrow(/timeout|timed out/i);
    expect(Date.now() - started).toBeLessThan(5_000);
    raw.destroy();
  });
});
