import { beforeAll, describe, expect, it } from "vitest";
import { tableDataActions } from "../src/permissions.js";
import {
  actionsOf,
  platformReady,
  resourcesOf,
  roleStatements,
  type Synthesis,
  synthesize,
} from "./synth.js";

// The webhook pipeline of sst.config.ts (dev stage) against SST's real components.
describe.runIf(platformReady("webhook stack tests"))("webhook stack", () => {
  let stack: Synthesis;
  beforeAll(async () => {
    stack = await synthesize("dev");
  }, 90_000);

  const fn = (prefix: string) =>
    stack.ofType("aws:lambda/function:Function").find((f) => f.name.startsWith(prefix));
  const queue = (name: string) => stack.one("aws:sqs/queue:Queue", `${name}Queue`);

  it("queues deliveries on a FIFO queue with a FIFO dead-letter queue after repeated failures", () => {
    expect(queue("WebhookQueue").inputs).toMatchObject({
      fifoQueue: true,
      contentBasedDeduplication: false,
      visibilityTimeoutSeconds: 240,
      messageRetentionSeconds: 4 * 24 * 3600,
    });
    const redrive = JSON.parse(String(queue("WebhookQueue").inputs.redrivePolicy));
    expect(redrive).toEqual({
      deadLetterTargetArn: expect.stringContaining("WebhookDeadLetter"),
      maxReceiveCount: 50,
    });
    expect(queue("WebhookDeadLetter").inputs).toMatchObject({
      fifoQueue: true,
      messageRetentionSeconds: 14 * 24 * 3600,
    });
  });

  it("runs the producer on the table stream: bookings and new deliveries only, in order, retried, with a DLQ", () => {
    const producer = fn("TableSubscriberWebhookProducer");
    expect(producer?.inputs).toMatchObject({
      handler: "packages/webhooks/src/handlers/producer.handler",
      runtime: "nodejs22.x",
      timeout: 60,
    });
    expect(producer?.inputs.vpcConfig).toBeUndefined();
    const mapping = stack
      .ofType("aws:lambda/eventSourceMapping:EventSourceMapping")
      .find(
        (m) =>
          String(m.inputs.eventSourceArn).includes("/stream/") &&
          JSON.stringify(m.inputs.filterCriteria).includes("webhookDelivery"),
      );
    expect(mapping?.inputs).toMatchObject({
      startingPosition: "TRIM_HORIZON",
      functionResponseTypes: ["ReportBatchItemFailures"],
      bisectBatchOnFunctionError: false,
      maximumRecordAgeInSeconds: 86_400,
      destinationConfig: {
        onFailure: { destinationArn: expect.stringContaining("WebhookStreamDeadLetter") },
      },
    });
    const patterns = (
      mapping?.inputs.filterCriteria as { filters: { pattern: string }[] } | undefined
    )?.filters.map((f) => JSON.parse(f.pattern));
    expect(patterns).toEqual([
      {
        dynamodb: {
          NewImage: {
            __edb_e__: { S: ["booking"] },
            status: { S: ["confirmed", "cancelled"] },
          },
        },
      },
      { eventName: ["INSERT"], dynamodb: { NewImage: { __edb_e__: { S: ["webhookDelivery"] } } } },
    ]);
  });

  it("runs the sender from the queue with partial batch responses, outside the VPC, linked to the secret key", () => {
    const sender = fn("WebhookQueueSubscriber");
    expect(sender?.inputs).toMatchObject({
      handler: "packages/webhooks/src/handlers/delivery.handler",
      timeout: 120,
      memorySize: 256,
    });
    // Outside the VPC: nothing private of ours is reachable from it.
    expect(sender?.inputs.vpcConfig).toBeUndefined();
    const mapping = stack
      .ofType("aws:lambda/eventSourceMapping:EventSourceMapping")
      .find((m) => String(m.inputs.eventSourceArn).includes("WebhookQueue"));
    expect(mapping?.inputs).toMatchObject({
      batchSize: 10,
      functionResponseTypes: ["ReportBatchItemFailures"],
    });
    // The secret travels only as an encrypted SST link, never as a plain variable.
    expect(JSON.stringify(sender?.inputs.environment)).not.toContain("test-webhook-secret-key");
  });

  it("lets the producer send to the webhook queue and the sender re-time its messages, with the table's data actions only", () => {
    const statementsOf = (prefix: string) => roleStatements(stack, fn(prefix)?.name ?? "");
    const producer = statementsOf("TableSubscriberWebhookProducer");
    const sender = statementsOf("WebhookQueueSubscriber");
    for (const [name, statements] of [
      ["producer", producer],
      ["sender", sender],
    ] as const) {
      const tableStatement = statements.find((s) =>
        resourcesOf(s).includes("arn:aws:mock:us-east-1:123456789012:TableTable"),
      );
      expect(actionsOf(tableStatement ?? { Effect: "Allow", Action: [] }).sort(), name).toEqual(
        [...tableDataActions].sort(),
      );
      const onQueue = statements
        .filter((s) => resourcesOf(s).some((r) => r.includes("WebhookQueueQueue")))
        .flatMap(actionsOf);
      expect(onQueue.length, name).toBeGreaterThan(0);
    }
    expect(
      producer
        .filter((s) => resourcesOf(s).some((r) => r.includes("WebhookStreamDeadLetter")))
        .flatMap(actionsOf),
    ).toContain("sqs:SendMessage");
  });
});
