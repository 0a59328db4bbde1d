import { beforeAll, describe, expect, it } from "vitest";
import { itRoutesTheDashboardPage } from "./dashboard-page-rules.js";
import { itFollowsTheStackRules } from "./stack-rules.js";
import { dashboardWidgets, platformReady, type Synthesis, synthesize } from "./synth.js";
import { itDeploysTheWebhookPipeline } from "./webhook-rules.js";

// `sst dev --stage alice`: SST's `$dev` path (local Redis instead of Valkey, stub functions).
describe.runIf(platformReady("sst dev stack tests"))("sst dev stack", () => {
  let stack: Synthesis;
  beforeAll(async () => {
    stack = await synthesize("alice", {}, { dev: true });
  }, 90_000);

  itFollowsTheStackRules(() => stack, { customerKey: false, dev: true });
  itDeploysTheWebhookPipeline(() => stack, { alarms: false, dev: true });
  itRoutesTheDashboardPage(() => stack, { dev: true });

  it("deploys no Valkey and charts no cache node (the functions use the local Redis)", () => {
    expect(stack.ofType("aws:elasticache/replicationGroup:ReplicationGroup")).toHaveLength(0);
    const titles = dashboardWidgets(stack).map((w) => w.properties.title);
    expect(titles).not.toContain("Cache engine CPU (%)");
    expect(titles).toContain("API latency (ms)");
  });
});

describe.runIf(platformReady("sst dev refusal"))("sst dev on production", () => {
  it("is refused with a message naming the stage", async () => {
    await expect(
      synthesize("production", { ALARM_EMAIL: "oncall@example.com" }, { dev: true }),
    ).rejects.toThrow(/`sst dev` is refused on the production stage "production"/);
  }, 90_000);
});
