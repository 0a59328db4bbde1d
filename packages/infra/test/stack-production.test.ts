import { beforeAll, describe, expect, it } from "vitest";
import { itRoutesTheDashboardPage } from "./dashboard-page-rules.js";
import { itFollowsTheStackRules } from "./stack-rules.js";
import { platformReady, type Synthesis, synthesize } from "./synth.js";
import { itDeploysTheWebhookPipeline } from "./webhook-rules.js";

// sst.config.ts run for the `production` stage against SST's real components under Pulumi mocks.
describe.runIf(platformReady("production stack tests"))("production stack", () => {
  let stack: Synthesis;
  beforeAll(async () => {
    stack = await synthesize("production", { ALARM_EMAIL: "oncall@example.com" });
  }, 90_000);

  itRoutesTheDashboardPage(() => stack, { dev: false });

  itFollowsTheStackRules(() => stack, {
    customerKey: true,
    dev: false,
    deployment: "CodeDeployDefault.LambdaCanary10Percent10Minutes",
  });
  itDeploysTheWebhookPipeline(() => stack, { alarms: true, dev: false });

  it("answers no CORS unless CORS_ALLOW_ORIGINS names the origins", () => {
    // SST writes `corsConfiguration: {}` for `cors: false`: no origin, method or header allowed.
    expect(stack.one("aws:apigatewayv2/api:Api").inputs.corsConfiguration ?? {}).toEqual({});
  });

  it("is protected and retains data", () => {
    expect(stack.app).toMatchObject({ removal: "retain", protect: true });
  });

  it("spans two AZs with a t4g.nano NAT instance in each (no NAT gateway, COST.md)", () => {
    expect(stack.ofType("aws:ec2/subnet:Subnet")).toHaveLength(4);
    expect(stack.ofType("aws:ec2/natGateway:NatGateway")).toHaveLength(0);
    const nats = stack.ofType("aws:ec2/instance:Instance");
    expect(nats.map((n) => n.inputs.instanceType)).toEqual(["t4g.nano", "t4g.nano"]);
    expect(new Set(nats.map((n) => n.inputs.subnetId)).size).toBe(2);
    expect(stack.one("aws:ec2/vpcEndpoint:VpcEndpoint").inputs.routeTableIds).toHaveLength(2);
  });

  it("encrypts the table with a rotated customer-managed key and protects it from deletion", () => {
    const key = stack.one("aws:kms/key:Key");
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(stack.one("aws:dynamodb/table:Table").inputs).toMatchObject({
      deletionProtectionEnabled: true,
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: expect.stringContaining("TableKey") },
    });
  });

  it("runs Valkey with a replica in another AZ and automatic failover", () => {
    expect(stack.one("aws:elasticache/replicationGroup:ReplicationGroup").inputs).toMatchObject({
      engine: "valkey",
      nodeType: "cache.t4g.micro",
      numCacheClusters: 2,
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
      transitEncryptionEnabled: true,
      snapshotRetentionLimit: 1,
    });
  });

  it("sizes the API Lambda at 1 GB and runs the reconciler every 2 minutes", () => {
    const api = stack
      .ofType("aws:lambda/function:Function")
      .find((f) => f.name === "ApiHandlerFunction");
    expect(api?.inputs).toMatchObject({ memorySize: 1_024, timeout: 10 });
    expect(stack.one("aws:scheduler/schedule:Schedule").inputs.scheduleExpression).toBe(
      "rate(2 minutes)",
    );
    expect(
      stack.one(
        "aws:lambda/eventSourceMapping:EventSourceMapping",
        "TableSubscriberAnalyticsConsumerEventSourceMapping",
      ).inputs,
    ).toMatchObject({
      maximumRetryAttempts: 5,
      parallelizationFactor: 2,
    });
  });

  it("alarms per cache node (25 alarms), emails the on-call address, budgets $600 with forecast alerts", () => {
    expect(stack.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")).toHaveLength(25);
    const cpu = stack
      .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
      .find((a) => a.name === "AlarmCacheNode2Cpu");
    expect(cpu?.inputs).toMatchObject({
      metricName: "EngineCPUUtilization",
      dimensions: { CacheClusterId: expect.stringMatching(/-002$/) },
    });
    expect(stack.one("aws:sns/topicSubscription:TopicSubscription").inputs).toMatchObject({
      protocol: "email",
      endpoint: "oncall@example.com",
    });
    const budget = stack.one("aws:budgets/budget:Budget").inputs as {
      limitAmount: string;
      notifications: { notificationType: string; threshold: number }[];
    };
    expect(budget.limitAmount).toBe("600.00");
    expect(budget.notifications.map((n) => `${n.notificationType}:${n.threshold}`)).toEqual([
      "FORECASTED:80",
      "FORECASTED:100",
      "FORECASTED:120",
      "ACTUAL:100",
    ]);
  });
});
