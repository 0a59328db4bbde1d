import { expect, it } from "vitest";
import { tableDataActions } from "../src/permissions.js";
import { actionsOf, resourcesOf, roleStatements, type Synthesis } from "./synth.js";

/**
 * The webhook pipeline of sst.config.ts, asserted for every stage (registers `it` blocks in the
 * caller's `describe`): FIFO queue and DLQ, the producer on the table stream, the sender outside
 * the VPC, their IAM, and the dead-letter alarms wired to the alert topic (none under `sst dev`,
 * where nobody is paged).
 */
export function itDeploysTheWebhookPipeline(
  stack: () => Synthesis,
  expected: { alarms: boolean; dev: boolean },
) {
  const fn = (prefix: string) =>
    stack()
      .ofType("aws:lambda/function:Function")
      .find((f) => f.name.startsWith(prefix));
  const queue = (name: string) => stack().one("aws:sqs/queue:Queue", `${name}Queue`);

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
      // `sst dev` deploys its bridge in place of each handler.
      handler: expected.dev ? "bootstrap" : "packages/webhooks/src/handlers/producer.handler",
      runtime: expected.dev ? "provided.al2023" : "nodejs22.x",
      timeout: 60,
    });
    expect(producer?.inputs.vpcConfig).toBeUndefined();
    const mapping = stack()
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
      handler: expected.dev ? "bootstrap" : "packages/webhooks/src/handlers/delivery.handler",
      timeout: 120,
      memorySize: 256,
    });
    // Outside the VPC: nothing private of ours is reachable from it.
    expect(sender?.inputs.vpcConfig).toBeUndefined();
    const mapping = stack()
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
    const statementsOf = (prefix: string) => roleStatements(stack(), fn(prefix)?.name ?? "");
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

  it(
    expected.alarms
      ? "alarms on the webhook dead-letter queues (depth, age of the oldest delivery) through the alert topic"
      : "pages nobody for the webhook queues under `sst dev`",
    () => {
      const alarms = stack()
        .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
        .filter((a) => a.name.startsWith("AlarmWebhook"));
      if (!expected.alarms) {
        expect(alarms).toEqual([]);
        return;
      }
      const byName = Object.fromEntries(alarms.map((a) => [a.name, a.inputs]));
      expect(Object.keys(byName).sort()).toEqual([
        "AlarmWebhookDeliveryDlqAge",
        "AlarmWebhookDeliveryDlqDepth",
        "AlarmWebhookStreamDlqDepth",
      ]);
      const queueName = (name: string) => queue(name).inputs.name ?? queue(name).name;
      expect(byName.AlarmWebhookDeliveryDlqDepth).toMatchObject({
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queueName("WebhookDeadLetter") },
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
      });
      expect(byName.AlarmWebhookDeliveryDlqAge).toMatchObject({
        namespace: "AWS/SQS",
        metricName: "ApproximateAgeOfOldestMessage",
        dimensions: { QueueName: queueName("WebhookDeadLetter") },
        threshold: 3_600,
      });
      expect(byName.AlarmWebhookStreamDlqDepth).toMatchObject({
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queueName("WebhookStreamDeadLetter") },
      });
      for (const [name, inputs] of Object.entries(byName)) {
        expect(inputs.alarmActions, name).toEqual([expect.stringContaining("AlertsTopic")]);
      }
    },
  );
}
