import { beforeAll, describe, expect, it } from "vitest";
import { itRoutesTheDashboardPage } from "./dashboard-page-rules.js";
import { itFollowsTheStackRules } from "./stack-rules.js";
import { platformReady, type Synthesis, synthesize } from "./synth.js";
import { itDeploysTheWebhookPipeline } from "./webhook-rules.js";

// The `staging` stage: production's shape at smaller sizes.
describe.runIf(platformReady("staging stack tests"))("staging stack", () => {
  let stack: Synthesis;
  beforeAll(async () => {
    stack = await synthesize("staging");
  }, 90_000);

  itRoutesTheDashboardPage(() => stack, { dev: false });

  itFollowsTheStackRules(() => stack, {
    customerKey: true,
    dev: false,
    deployment: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
  });
  itDeploysTheWebhookPipeline(() => stack, { alarms: true, dev: false });

  it("is removable, unlike production", () => {
    expect(stack.app).toMatchObject({ removal: "remove", protect: false });
    expect(stack.one("aws:dynamodb/table:Table").inputs.deletionProtectionEnabled).toBe(false);
  });

  it("has production's shape: two AZs, a customer-managed key, a cache replica with failover, no CORS", () => {
    expect(stack.ofType("aws:ec2/subnet:Subnet")).toHaveLength(4);
    expect(stack.one("aws:kms/key:Key").inputs).toMatchObject({ enableKeyRotation: true });
    expect(stack.one("aws:elasticache/replicationGroup:ReplicationGroup").inputs).toMatchObject({
      nodeType: "cache.t4g.micro",
      numCacheClusters: 2,
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
    });
    // SST writes `corsConfiguration: {}` for `cors: false`: no origin, method or header allowed.
    expect(stack.one("aws:apigatewayv2/api:Api").inputs.corsConfiguration ?? {}).toEqual({});
    const api = stack.one("aws:lambda/function:Function", "ApiHandlerFunction");
    expect(api.inputs).toMatchObject({ memorySize: 512 });
    expect(stack.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")).toHaveLength(25);
  });
});
