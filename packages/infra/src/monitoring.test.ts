import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type AlarmSpec,
  alarmSpecs,
  dashboardBody,
  type MonitoredResources,
} from "./monitoring.js";
import { resolveStageConfig } from "./stage.js";

const dev = resolveStageConfig("dev");
const prod = resolveStageConfig("production", { ALARM_EMAIL: "oncall@example.com" });

function resources(stage: string, cacheNodes: number): MonitoredResources<string> {
  return {
    stage,
    region: "us-east-1",
    apiId: "abc123",
    functions: { api: "api-fn", consumer: "consumer-fn", reconciler: "reconciler-fn" },
    tableName: "travel-table",
    globalIndexNames: ["gsi1", "gsi2"],
    deadLetterQueues: {
      stream: "stream-dlq",
      reconciler: "reconciler-dlq",
      webhookDelivery: "webhook-dlq.fifo",
      webhookStream: "webhook-stream-dlq",
    },
    cacheNodeIds: Array.from({ length: cacheNodes }, (_, i) => `cache-00${i + 1}`),
  };
}

const devAlarms = alarmSpecs(dev, resources("dev", 1));
const prodAlarms = alarmSpecs(prod, resources("production", 2));
const byKey = (specs: AlarmSpec<string>[], key: string) => {
  const spec = specs.find((s) => s.key === key);
  if (!spec) throw new Error(`no alarm ${key}`);
  return spec;
};

describe("alarmSpecs", () => {
  it("alarms on every signal the issue lists, per cache node", () => {
    const keys = (specs: AlarmSpec<string>[]) => specs.map((s) => s.key).sort();
    expect(keys(devAlarms)).toEqual(
      [
        "ApiLatencyP99",
        "Api5xxRate",
        "ApiFunctionErrors",
        "ApiFunctionThrottles",
        "ConsumerFunctionErrors",
        "ConsumerFunctionThrottles",
        "ReconcilerFunctionErrors",
        "ReconcilerFunctionThrottles",
        "TableThrottles",
        "StreamIteratorAge",
        "StreamDlqDepth",
        "ReconcilerDlqDepth",
        "WebhookDeliveryDlqDepth",
        "WebhookDeliveryDlqAge",
        "WebhookStreamDlqDepth",
        "CacheNode1Cpu",
        "CacheNode1Memory",
        "CacheNode1Evictions",
        "CacheNode1CpuCredits",
        "CacheHitRatio",
        "BookingFailures",
      ].sort(),
    );
    expect(prodAlarms).toHaveLength(devAlarms.length + 4);
    expect(new Set(prodAlarms.map((s) => s.key)).size).toBe(prodAlarms.length);
  });

  it("fires on API p99 latency above 500 ms", () => {
    const spec = byKey(devAlarms, "ApiLatencyP99");
    expect(spec).toMatchObject({
      kind: "metric",
      comparison: "GreaterThanThreshold",
      threshold: 500,
      metric: {
        namespace: "AWS/ApiGateway",
        metricName: "Latency",
        stat: "p99",
        dimensions: { ApiId: "abc123" },
      },
    });
  });

  it("fires on a 5xx rate above 0.1% computed from 5xx and Count", () => {
    const spec = byKey(prodAlarms, "Api5xxRate");
    if (spec.kind !== "math") throw new Error("expected a math alarm");
    expect(spec.threshold).toBe(0.1);
    expect(spec.comparison).toBe("GreaterThanThreshold");
    expect(spec.metrics.errors?.metricName).toBe("5xx");
    expect(spec.metrics.requests?.metricName).toBe("Count");
    // 2 errors in 1,000 requests is 0.2%: evaluate the expression the way CloudWatch would.
    const rate = evaluate(spec.expression, { errors: 2, requests: 1_000 });
    expect(rate).toBeCloseTo(0.2);
    expect(rate).toBeGreaterThan(spec.threshold);
    expect(evaluate(spec.expression, { errors: 1, requests: 10 })).toBe(0); // too few requests
    // API Gateway publishes nothing without requests; no 5xx datapoint means no 5xx.
    expect(evaluate(spec.expression, { requests: 1_000 })).toBe(0);
    expect(evaluate(spec.expression, {})).toBe(0);
  });

  it("fires on a cache hit ratio below 80% from the app's TravelPlatform metrics of this stage", () => {
    const spec = byKey(prodAlarms, "CacheHitRatio");
    if (spec.kind !== "math") throw new Error("expected a math alarm");
    expect(spec.comparison).toBe("LessThanThreshold");
    expect(spec.threshold).toBe(80);
    expect(spec.metrics.searches).toMatchObject({
      namespace: "TravelPlatform",
      metricName: "Searches",
      dimensions: { service: "travel-api", stage: "production" },
    });
    expect(evaluate(spec.expression, { hits: 70, searches: 100 })).toBe(70);
    expect(evaluate(spec.expression, { hits: 1, searches: 10 })).toBe(100); // too few searches
    expect(evaluate(spec.expression, { searches: 100 })).toBe(0); // no hit datapoint: no hits
  });

  it("sums booking failures over every reason with a Metrics Insights query", () => {
    const spec = byKey(prodAlarms, "BookingFailures");
    expect(spec.kind).toBe("insights");
    if (spec.kind !== "insights") return;
    expect(spec.query).toBe(
      "SELECT SUM(BookingFailures) FROM TravelPlatform WHERE service = 'travel-api' AND stage = 'production'",
    );
  });

  it("watches stream lag over 60 s, both dead-letter queues, table and index throttling", () => {
    expect(byKey(devAlarms, "StreamIteratorAge")).toMatchObject({
      threshold: 60_000,
      metric: {
        metricName: "IteratorAge",
        dimensions: { FunctionName: "consumer-fn" },
        stat: "Maximum",
      },
    });
    expect(byKey(devAlarms, "StreamDlqDepth")).toMatchObject({
      threshold: 0,
      comparison: "GreaterThanThreshold",
      metric: { namespace: "AWS/SQS", dimensions: { QueueName: "stream-dlq" } },
    });
    const throttles = byKey(devAlarms, "TableThrottles");
    if (throttles.kind !== "math") throw new Error("expected a math alarm");
    expect(Object.values(throttles.metrics).map((m) => m.dimensions)).toContainEqual({
      TableName: "travel-table",
      GlobalSecondaryIndexName: "gsi2",
    });
    expect(
      evaluate(
        throttles.expression,
        Object.fromEntries(Object.keys(throttles.metrics).map((k) => [k, 1])),
      ),
    ).toBe(6);
    // Throttle events exist only when non-zero: one throttled index alone must fire the alarm.
    expect(evaluate(throttles.expression, { gsi2read: 3 })).toBe(3);
    expect(evaluate(throttles.expression, {})).toBe(0);
  });

  it("watches the webhook dead-letter queues: any message, and a delivery left there over an hour", () => {
    for (const [key, queue] of [
      ["WebhookDeliveryDlqDepth", "webhook-dlq.fifo"],
      ["WebhookStreamDlqDepth", "webhook-stream-dlq"],
    ] as const) {
      expect(byKey(prodAlarms, key)).toMatchObject({
        runbook: "WebhookDlq",
        comparison: "GreaterThanThreshold",
        threshold: 0,
        treatMissingData: "notBreaching",
        metric: {
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: queue },
        },
      });
    }
    expect(byKey(prodAlarms, "WebhookDeliveryDlqAge")).toMatchObject({
      comparison: "GreaterThanThreshold",
      threshold: 3_600,
      treatMissingData: "notBreaching",
      metric: {
        namespace: "AWS/SQS",
        metricName: "ApproximateAgeOfOldestMessage",
        stat: "Maximum",
        dimensions: { QueueName: "webhook-dlq.fifo" },
      },
    });
  });

  it("watches the CPU credits of burstable cache nodes only", () => {
    expect(byKey(prodAlarms, "CacheNode2CpuCredits")).toMatchObject({
      comparison: "LessThanThreshold",
      threshold: 30,
      metric: { metricName: "CPUCreditBalance", dimensions: { CacheClusterId: "cache-002" } },
    });
    const large = resolveStageConfig("dev");
    const graviton = { ...large, cache: { ...large.cache, nodeType: "r7g.large" } };
    expect(alarmSpecs(graviton, resources("dev", 1)).map((s) => s.key)).not.toContain(
      "CacheNode1CpuCredits",
    );
  });

  it("has a runbook entry in the README for every alarm", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const headings = new Set([...readme.matchAll(/^### (\S+)/gm)].map((m) => m[1]));
    for (const spec of prodAlarms) expect(headings, spec.key).toContain(spec.runbook);
  });
});

describe("dashboardBody", () => {
  it("charts every alarmed metric", () => {
    const body = JSON.stringify(dashboardBody(prod, resources("production", 2)));
    for (const spec of prodAlarms) {
      const names =
        spec.kind === "metric"
          ? [spec.metric.metricName]
          : spec.kind === "math"
            ? Object.values(spec.metrics).map((m) => m.metricName)
            : ["BookingFailures"];
      // Plain metrics appear as "Name", the booking-failure SEARCH expression as MetricName=\"Name\".
      for (const name of names)
        expect(body, `${spec.key} → ${name}`).toMatch(new RegExp(`"${name}"|\\\\"${name}\\\\"`));
    }
    expect(body).toContain('"cache-002"');
    expect(body).toContain('"GlobalSecondaryIndexName","gsi2"');
  });

  it("charts only metrics the platform emits, and leaves out widgets without metrics (no cache nodes under `sst dev`)", () => {
    const body = dashboardBody(dev, resources("dev", 0));
    expect(body.widgets.every((w) => w.properties.metrics.length > 0)).toBe(true);
    expect(body.widgets.map((w) => w.properties.title)).not.toContain("Cache memory (%)");
    expect(JSON.stringify(dashboardBody(prod, resources("production", 2)))).not.toContain(
      "CacheErrors",
    );
  });
});

/**
 * Evaluate the arithmetic subset of CloudWatch metric math these alarms use. A metric absent
 * from `values` has no datapoint (`undefined`): arithmetic on it is missing (NaN) unless FILLed.
 */
function evaluate(expression: string, values: Record<string, number>): number {
  const ids = [...new Set(expression.match(/\b[a-z][a-z0-9]*\b/g) ?? [])];
  const js = expression
    .replace(/FILL\((\w+), (\d+)\)/g, "($1 ?? $2)")
    .replace(/IF\(([^,]+),([^,]+),([^)]+)\)$/, "(($1) ? ($2) : ($3))");
  const result = new Function(...ids, `return ${js};`)(...ids.map((n) => values[n]));
  return Number.isNaN(result) ? Number.NaN : result;
}
