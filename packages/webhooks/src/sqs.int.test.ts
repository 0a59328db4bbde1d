import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { createWebhookRepository, webhookDeliveryId } from "@travel/core";
import { type LocalEngine, startLocalEngine } from "@travel/core/local";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeliveryRef } from "./delivery-ref.js";
import { createSecretBox, generateWebhookSecret } from "./secrets.js";
import { createWebhookSender } from "./sender.js";
import { createSqsDeliveryHandler, createSqsDispatcher } from "./sqs.js";
import { createWebhookTransport } from "./transport.js";
import { createUrlPolicy } from "./url-policy.js";

/** The two SQS calls the code makes, recorded (there is no SQS engine on this machine). */
function recordingSqs() {
  const calls: { name: string; input: Record<string, unknown> }[] = [];
  const client = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      calls.push({ name: command.constructor.name, input: command.input });
      return { Successful: [], Failed: [] };
    },
  } as unknown as SQSClient;
  return { client, calls };
}

function sqsEvent(refs: DeliveryRef[]): SQSEvent {
  return {
    Records: refs.map(
      (ref, i) =>
        ({
          messageId: `m${i}`,
          receiptHandle: `rh-${ref.deliveryId}`,
          body: JSON.stringify(ref),
          attributes: { MessageGroupId: `${ref.endpointId}:${ref.orderKey}` },
          messageAttributes: {},
          md5OfBody: "",
          eventSource: "aws:sqs",
          eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:webhooks.fifo",
          awsRegion: "us-east-1",
        }) as unknown as SQSRecord,
    ),
  };
}

describe("SQS delivery (dynalite, a local receiver, a recording SQS client)", () => {
  let engine: LocalEngine;
  let server: Server;
  let status = 500;
  const received: { body: string; headers: Record<string, string> }[] = [];
  let url = "";

  beforeAll(async () => {
    engine = await startLocalEngine();
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        received.push({ body, headers: req.headers as Record<string, string> });
        res.writeHead(status).end("x".repeat(100_000));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await engine.stop();
  });

  it("queues by ordering group, hides a failed delivery until its retry, and delivers it later", async () => {
    const repository = createWebhookRepository(engine.db);
    const secrets = createSecretBox("s".repeat(40));
    const secret = generateWebhookSecret();
    const now = new Date();
    await repository.createEndpoint({
      endpointId: "whk_SQS0000001",
      tenantId: "t1",
      url,
      events: ["booking.confirmed"],
      secretCiphertext: secrets.seal(secret, "whk_SQS0000001"),
      revision: 0,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
    const refs: DeliveryRef[] = [];
    for (const [i, type] of ["booking.confirmed", "booking.cancelled"].entries()) {
      const eventId = `evt_SQS${i}`;
      const ref = {
        endpointId: "whk_SQS0000001",
        orderKey: "bkg_SQS1",
        occurredAt: new Date(now.getTime() + i).toISOString(),
        deliveryId: webhookDeliveryId(eventId, "whk_SQS0000001"),
      };
      await repository.createDelivery({
        ...ref,
        tenantId: "t1",
        eventId,
        eventType: type,
        payload: JSON.stringify({ id: eventId, type }),
        now,
      });
      refs.push(ref);
    }

    const sqs = recordingSqs();
    await createSqsDispatcher({ client: sqs.client, queueUrl: "q" })(refs);
    expect(sqs.calls).toHaveLength(1);
    expect(sqs.calls[0]?.input.Entries).toEqual(
      refs.map((ref, i) => ({
        Id: String(i),
        MessageBody: JSON.stringify(ref),
        MessageGroupId: "whk_SQS0000001:bkg_SQS1",
        MessageDeduplicationId: ref.deliveryId,
      })),
    );

    let offsetMs = 0;
    const clock = { now: () => new Date(Date.now() + offsetMs) };
    const sender = createWebhookSender({
      repository,
      secrets,
      transport: createWebhookTransport({
        policy: createUrlPolicy({ allowLocalReceivers: true }),
        maxResponseBytes: 1024,
      }),
      clock,
      retry: { baseDelayMs: 30_000, maxDelayMs: 60_000, retryForMs: 3_600_000, jitter: 0 },
    });
    const delivery = createSqsDeliveryHandler({
      sender,
      client: sqs.client,
      queueUrl: "q",
      clock,
    });

    // The receiver fails: the head is retried in ~30 s, the second waits behind it.
    sqs.calls.length = 0;
    const first = await delivery(sqsEvent(refs));
    expect(first.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(["m0", "m1"]);
    expect(received).toHaveLength(1);
    expect(sqs.calls).toEqual([
      {
        name: "ChangeMessageVisibilityCommand",
        input: { QueueUrl: "q", ReceiptHandle: `rh-${refs[0]?.deliveryId}`, VisibilityTimeout: 30 },
      },
    ]);
    const head = await repository.getDelivery(refs[0]!);
    expect(head).toMatchObject({ status: "pending", attemptCount: 1 });
    expect(head?.attempts[0]).toMatchObject({ statusCode: 500, error: "receiver answered 500" });

    // Shown again too early (SQS may): nothing is sent, the message is hidden until due.
    sqs.calls.length = 0;
    await delivery(sqsEvent([refs[0]!]));
    expect(received).toHaveLength(1);
    expect(sqs.calls[0]?.input.VisibilityTimeout).toBeGreaterThan(25);

    // Due now and the receiver is back: both go, in order.
    offsetMs = 31_000;
    status = 200;
    const second = await delivery(sqsEvent(refs));
    expect(second.batchItemFailures).toEqual([]);
    expect(received.map((r) => JSON.parse(r.body).type)).toEqual([
      "booking.confirmed",
      "booking.confirmed",
      "booking.cancelled",
    ]);
    for (const hook of received)
      expect(() => new Webhook(secret).verify(hook.body, hook.headers)).not.toThrow();
    // A redelivered message of a settled delivery sends nothing.
    await delivery(sqsEvent(refs));
    expect(received).toHaveLength(3);
  });
});
