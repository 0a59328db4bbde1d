import type { StageConfig } from "./stage.js";

/**
 * What to alarm on and what to chart, as plain data.
 *
 * The functions here are generic in the type of a resource identifier `T`: the stack passes
 * Pulumi outputs (`Output<string>`), tests pass plain strings. That keeps every threshold,
 * metric name and dimension testable without AWS, and the stack files thin.
 */

/** Namespace and service dimension of the application's EMF business metrics. */
export const businessMetrics = {
  namespace: "TravelPlatform",
  service: "travel-api",
} as const;

/** Identifiers of the deployed resources the alarms and the dashboard watch. */
export interface MonitoredResources<T> {
  stage: string;
  region: T;
  /** HTTP API id (dimension `ApiId` of `AWS/ApiGateway`). */
  apiId: T;
  /** Lambda function names. */
  functions: { api: T; consumer: T; reconciler: T };
  tableName: T;
  globalIndexNames: readonly string[];
  /**
   * SQS queue names of the dead-letter queues: the analytics stream's, the reconciler's, the
   * webhook deliveries' (FIFO) and the webhook producer's stream failures.
   */
  deadLetterQueues: { stream: T; reconciler: T; webhookDelivery: T; webhookStream: T };
  /** ElastiCache cache cluster ids of every node (primary and replicas). */
  cacheNodeIds: readonly T[];
}

export interface MetricRef<T> {
  namespace: string;
  metricName: string;
  dimensions: Record<string, T>;
  /** `Sum`, `Average`, `Maximum` or a percentile such as `p99`. */
  stat: string;
  periodSeconds: number;
}

export type Comparison =
  | "GreaterThanThreshold"
  | "GreaterThanOrEqualToThreshold"
  | "LessThanThreshold"
  | "LessThanOrEqualToThreshold";

interface AlarmCommon {
  /** Short PascalCase key, unique per stage; the alarm's resource name. */
  key: string;
  /** Heading of this alarm's runbook entry in packages/infra/README.md. */
  runbook: string;
  description: string;
  comparison: Comparison;
  threshold: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: "notBreaching" | "breaching" | "missing" | "ignore";
}

export type AlarmSpec<T> = AlarmCommon &
  (
    | { kind: "metric"; metric: MetricRef<T> }
    | {
        kind: "math";
        expression: string;
        label: string;
        periodSeconds: number;
        metrics: Record<string, MetricRef<T>>;
      }
    | { kind: "insights"; query: string; label: string; periodSeconds: number }
  );

const minute = 60;
const fiveMinutes = 300;

function lambdaMetric<T>(functionName: T, metricName: string, stat: string): MetricRef<T> {
  return {
    namespace: "AWS/Lambda",
    metricName,
    dimensions: { FunctionName: functionName },
    stat,
    periodSeconds: minute,
  };
}

function businessMetric<T>(stage: string, metricName: string): MetricRef<T | string> {
  return {
    namespace: businessMetrics.namespace,
    metricName,
    dimensions: { service: businessMetrics.service, stage },
    stat: "Sum",
    periodSeconds: fiveMinutes,
  };
}

/**
 * Every CloudWatch alarm of a stage.
 *
 * @example
 * ```ts
 * for (const spec of alarmSpecs(config, resources)) new aws.cloudwatch.MetricAlarm(spec.key, …);
 * ```
 */
export function alarmSpecs<T>(
  config: StageConfig,
  r: MonitoredResources<T>,
): AlarmSpec<T | string>[] {
  const a = config.alarms;
  const specs: AlarmSpec<T | string>[] = [
    {
      key: "ApiLatencyP99",
      runbook: "ApiLatencyP99",
      kind: "metric",
      description: `API p99 latency above ${a.apiP99LatencyMs} ms for 3 of 5 minutes`,
      metric: {
        namespace: "AWS/ApiGateway",
        metricName: "Latency",
        dimensions: { ApiId: r.apiId },
        stat: "p99",
        periodSeconds: minute,
      },
      comparison: "GreaterThanThreshold",
      threshold: a.apiP99LatencyMs,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: "notBreaching",
    },
    {
      key: "Api5xxRate",
      runbook: "Api5xxRate",
      kind: "math",
      description: `API 5xx responses above ${a.api5xxRatePercent}% of requests over 5 minutes (windows with fewer than ${a.api5xxMinRequests} requests are ignored)`,
      // FILL: API Gateway publishes nothing for a minute without requests.
      expression: `IF(FILL(requests, 0) >= ${a.api5xxMinRequests}, 100 * FILL(errors, 0) / requests, 0)`,
      label: "5xx rate (%)",
      periodSeconds: fiveMinutes,
      metrics: {
        errors: {
          namespace: "AWS/ApiGateway",
          metricName: "5xx",
          dimensions: { ApiId: r.apiId },
          stat: "Sum",
          periodSeconds: fiveMinutes,
        },
        requests: {
          namespace: "AWS/ApiGateway",
          metricName: "Count",
          dimensions: { ApiId: r.apiId },
          stat: "Sum",
          periodSeconds: fiveMinutes,
        },
      },
      comparison: "GreaterThanThreshold",
      threshold: a.api5xxRatePercent,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
    },
  ];

  const functions = [
    ["Api", r.functions.api],
    ["Consumer", r.functions.consumer],
    ["Reconciler", r.functions.reconciler],
  ] as const;
  for (const [name, functionName] of functions) {
    specs.push(
      {
        key: `${name}FunctionErrors`,
        runbook: "LambdaErrors",
        kind: "metric",
        description: `${name} Lambda reported errors (unhandled exceptions or timeouts) in 2 of 3 minutes`,
        metric: lambdaMetric(functionName, "Errors", "Sum"),
        comparison: "GreaterThanThreshold",
        threshold: 0,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: "notBreaching",
      },
      {
        key: `${name}FunctionThrottles`,
        runbook: "LambdaThrottles",
        kind: "metric",
        description: `${name} Lambda invocations were throttled (account or reserved concurrency exhausted)`,
        metric: lambdaMetric(functionName, "Throttles", "Sum"),
        comparison: "GreaterThanThreshold",
        threshold: 0,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: "notBreaching",
      },
    );
  }

  const throttleMetrics: Record<string, MetricRef<T | string>> = {};
  const tableTargets: [string, Record<string, T | string>][] = [
    ["table", { TableName: r.tableName }],
    ...r.globalIndexNames.map((index): [string, Record<string, T | string>] => [
      index,
      { TableName: r.tableName, GlobalSecondaryIndexName: index },
    ]),
  ];
  for (const [target, dimensions] of tableTargets) {
    for (const kind of ["Read", "Write"] as const) {
      throttleMetrics[`${target}${kind.toLowerCase()}`] = {
        namespace: "AWS/DynamoDB",
        metricName: `${kind}ThrottleEvents`,
        dimensions,
        stat: "Sum",
        periodSeconds: minute,
      };
    }
  }
  specs.push(
    {
      key: "TableThrottles",
      runbook: "TableThrottles",
      kind: "math",
      description: "DynamoDB throttled reads or writes on the table or one of its indexes",
      // Throttle events are published only when non-zero: a missing term must count as 0, or
      // the sum is missing whenever one index was not throttled.
      expression: Object.keys(throttleMetrics)
        .map((id) => `FILL(${id}, 0)`)
        .join(" + "),
      label: "Throttle events",
      periodSeconds: minute,
      metrics: throttleMetrics,
      comparison: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: "notBreaching",
    },
    {
      key: "StreamIteratorAge",
      runbook: "StreamIteratorAge",
      kind: "metric",
      description: `Change stream consumer is more than ${a.streamIteratorAgeMs / 1000} s behind the table`,
      metric: lambdaMetric(r.functions.consumer, "IteratorAge", "Maximum"),
      comparison: "GreaterThanThreshold",
      threshold: a.streamIteratorAgeMs,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: "notBreaching",
    },
  );

  for (const [name, queueName, runbook] of [
    ["Stream", r.deadLetterQueues.stream, "DlqDepth"],
    ["Reconciler", r.deadLetterQueues.reconciler, "DlqDepth"],
    ["WebhookDelivery", r.deadLetterQueues.webhookDelivery, "WebhookDlq"],
    ["WebhookStream", r.deadLetterQueues.webhookStream, "WebhookDlq"],
  ] as const) {
    specs.push({
      key: `${name}DlqDepth`,
      runbook,
      kind: "metric",
      description: `${name} dead-letter queue has messages: some events were given up on`,
      metric: {
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queueName },
        stat: "Maximum",
        periodSeconds: minute,
      },
      comparison: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
    });
  }

  // A dead-lettered webhook delivery is an event a customer has not received: the depth alarm
  // says it happened, this one that it has waited too long for a re-drive.
  specs.push({
    key: "WebhookDeliveryDlqAge",
    runbook: "WebhookDlq",
    kind: "metric",
    description: `A webhook delivery has waited in the dead-letter queue for more than ${a.webhookDlqMaxAgeMinutes} minutes`,
    metric: {
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      dimensions: { QueueName: r.deadLetterQueues.webhookDelivery },
      stat: "Maximum",
      periodSeconds: fiveMinutes,
    },
    comparison: "GreaterThanThreshold",
    threshold: a.webhookDlqMaxAgeMinutes * 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: "notBreaching",
  });

  const burstable = config.cache.nodeType.startsWith("t4g.");
  r.cacheNodeIds.forEach((nodeId, index) => {
    const node = `CacheNode${index + 1}`;
    const cache = (metricName: string, stat: string): MetricRef<T | string> => ({
      namespace: "AWS/ElastiCache",
      metricName,
      dimensions: { CacheClusterId: nodeId },
      stat,
      periodSeconds: minute,
    });
    specs.push(
      {
        key: `${node}Cpu`,
        runbook: "CacheCpu",
        kind: "metric",
        description: `Cache node ${index + 1} engine CPU above ${a.cacheCpuPercent}% for 5 minutes`,
        metric: cache("EngineCPUUtilization", "Average"),
        comparison: "GreaterThanThreshold",
        threshold: a.cacheCpuPercent,
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        treatMissingData: "missing",
      },
      {
        key: `${node}Memory`,
        runbook: "CacheMemory",
        kind: "metric",
        description: `Cache node ${index + 1} memory use above ${a.cacheMemoryPercent}% of maxmemory`,
        metric: cache("DatabaseMemoryUsagePercentage", "Average"),
        comparison: "GreaterThanThreshold",
        threshold: a.cacheMemoryPercent,
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        treatMissingData: "missing",
      },
      {
        key: `${node}Evictions`,
        runbook: "CacheEvictions",
        kind: "metric",
        description: `Cache node ${index + 1} evicted more than ${a.cacheEvictionsPer5Min} keys in 5 minutes (cache too small)`,
        metric: { ...cache("Evictions", "Sum"), periodSeconds: fiveMinutes },
        comparison: "GreaterThanThreshold",
        threshold: a.cacheEvictionsPer5Min,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: "notBreaching",
      },
    );
    if (burstable) {
      specs.push({
        key: `${node}CpuCredits`,
        runbook: "CacheCpuCredits",
        kind: "metric",
        description: `Cache node ${index + 1} (burstable ${config.cache.nodeType}) has fewer than ${a.cacheCpuCreditsMin} CPU credits left: it will soon be held to its baseline CPU`,
        metric: { ...cache("CPUCreditBalance", "Minimum"), periodSeconds: fiveMinutes },
        comparison: "LessThanThreshold",
        threshold: a.cacheCpuCreditsMin,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: "missing",
      });
    }
  });

  specs.push(
    {
      key: "CacheHitRatio",
      runbook: "CacheHitRatio",
      kind: "math",
      description: `Search cache hit ratio below ${a.cacheHitRatioPercent}% for 15 minutes (windows with fewer than ${a.cacheHitRatioMinSearches} searches are ignored)`,
      expression: `IF(FILL(searches, 0) >= ${a.cacheHitRatioMinSearches}, 100 * FILL(hits, 0) / searches, 100)`,
      label: "Cache hit ratio (%)",
      periodSeconds: fiveMinutes,
      metrics: {
        searches: businessMetric<T>(config.stage, "Searches"),
        hits: businessMetric<T>(config.stage, "CacheHits"),
      },
      comparison: "LessThanThreshold",
      threshold: a.cacheHitRatioPercent,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: "notBreaching",
    },
    {
      key: "BookingFailures",
      runbook: "BookingFailures",
      kind: "insights",
      description: `More than ${a.bookingFailuresPer5Min} failed bookings (all reasons) in 5 minutes`,
      // Metrics Insights sums across every `reason` dimension value without listing them.
      query: `SELECT SUM(BookingFailures) FROM ${businessMetrics.namespace} WHERE service = '${businessMetrics.service}' AND stage = '${config.stage}'`,
      label: "Booking failures",
      periodSeconds: fiveMinutes,
      comparison: "GreaterThanThreshold",
      threshold: a.bookingFailuresPer5Min,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
    },
  );
  return specs;
}

type MetricRow = (
  | string
  | { stat?: string; label?: string; id?: string; visible?: boolean; expression?: string }
)[];

interface Widget {
  type: "metric";
  width: number;
  height: number;
  properties: {
    title: string;
    region: string;
    view: "timeSeries";
    stat?: string;
    period: number;
    metrics: MetricRow[];
    annotations?: { horizontal: { label: string; value: number }[] };
    yAxis?: { left: { min: number; max?: number } };
  };
}

function row<T>(
  ref: MetricRef<T>,
  extra: { stat?: string; label?: string; id?: string; visible?: boolean } = {},
) {
  const dims = Object.entries(ref.dimensions).flat();
  return [ref.namespace, ref.metricName, ...dims, { stat: ref.stat, ...extra }];
}

/**
 * The CloudWatch dashboard body (before JSON encoding): one widget per alarmed signal, with the
 * alarm threshold drawn as an annotation.
 */
export function dashboardBody<T>(config: StageConfig, r: MonitoredResources<T>) {
  const a = config.alarms;
  const widget = (
    title: string,
    metrics: (string | T | Record<string, unknown>)[][],
    extra: Partial<Widget["properties"]> = {},
  ) => ({
    type: "metric" as const,
    width: 12,
    height: 6,
    properties: {
      title,
      region: r.region,
      view: "timeSeries" as const,
      period: 60,
      metrics,
      ...extra,
    },
  });
  const threshold = (label: string, value: number) => ({ horizontal: [{ label, value }] });
  const api = (metricName: string, stat: string) =>
    row({
      namespace: "AWS/ApiGateway",
      metricName,
      dimensions: { ApiId: r.apiId },
      stat,
      periodSeconds: 60,
    });
  const fns = Object.entries(r.functions) as [string, T][];
  const lambda = (metricName: string, stat: string) =>
    fns.map(([label, name]) => row(lambdaMetric(name, metricName, stat), { label }));
  const cache = (metricName: string, stat: string) =>
    r.cacheNodeIds.map((id, i) =>
      row(
        {
          namespace: "AWS/ElastiCache",
          metricName,
          dimensions: { CacheClusterId: id },
          stat,
          periodSeconds: 60,
        },
        { label: `node ${i + 1}` },
      ),
    );
  const business = (
    metricName: string,
    extra: { id?: string; visible?: boolean; label?: string } = {},
  ) => row(businessMetric<T>(config.stage, metricName), { ...extra });

  const widgets = [
    widget("API latency (ms)", [api("Latency", "p50"), api("Latency", "p99")], {
      annotations: threshold("p99 alarm", a.apiP99LatencyMs),
    }),
    widget(
      "API 5xx rate (%)",
      [
        [{ expression: "100 * errors / MAX([requests, 1])", label: "5xx %", id: "rate" }],
        row(
          {
            namespace: "AWS/ApiGateway",
            metricName: "5xx",
            dimensions: { ApiId: r.apiId },
            stat: "Sum",
            periodSeconds: 300,
          },
          { id: "errors", visible: false },
        ),
        row(
          {
            namespace: "AWS/ApiGateway",
            metricName: "Count",
            dimensions: { ApiId: r.apiId },
            stat: "Sum",
            periodSeconds: 300,
          },
          { id: "requests", visible: false },
        ),
      ],
      { period: 300, annotations: threshold("alarm", a.api5xxRatePercent) },
    ),
    widget("API requests", [api("Count", "Sum"), api("4xx", "Sum"), api("5xx", "Sum")]),
    widget("Lambda errors", lambda("Errors", "Sum")),
    widget("Lambda throttles", lambda("Throttles", "Sum")),
    widget("Lambda duration p99 (ms)", lambda("Duration", "p99")),
    widget(
      "DynamoDB throttle events",
      [undefined, ...r.globalIndexNames].flatMap((index) =>
        (["ReadThrottleEvents", "WriteThrottleEvents"] as const).map((metricName) =>
          row(
            {
              namespace: "AWS/DynamoDB",
              metricName,
              dimensions:
                index === undefined
                  ? { TableName: r.tableName }
                  : { TableName: r.tableName, GlobalSecondaryIndexName: index },
              stat: "Sum",
              periodSeconds: 60,
            },
            {
              label: `${index ?? "table"} ${metricName === "ReadThrottleEvents" ? "reads" : "writes"}`,
            },
          ),
        ),
      ),
    ),
    widget(
      "Stream iterator age (ms)",
      [row(lambdaMetric(r.functions.consumer, "IteratorAge", "Maximum"))],
      { annotations: threshold("alarm", a.streamIteratorAgeMs) },
    ),
    widget("Dead-letter queue depth", [
      row(
        {
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: r.deadLetterQueues.stream },
          stat: "Maximum",
          periodSeconds: 60,
        },
        { label: "stream" },
      ),
      row(
        {
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: r.deadLetterQueues.reconciler },
          stat: "Maximum",
          periodSeconds: 60,
        },
        { label: "reconciler" },
      ),
      row(
        {
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: r.deadLetterQueues.webhookDelivery },
          stat: "Maximum",
          periodSeconds: 60,
        },
        { label: "webhook deliveries" },
      ),
      row(
        {
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: r.deadLetterQueues.webhookStream },
          stat: "Maximum",
          periodSeconds: 60,
        },
        { label: "webhook producer" },
      ),
    ]),
    widget(
      "Oldest webhook dead letter (s)",
      [
        row(
          {
            namespace: "AWS/SQS",
            metricName: "ApproximateAgeOfOldestMessage",
            dimensions: { QueueName: r.deadLetterQueues.webhookDelivery },
            stat: "Maximum",
            periodSeconds: 300,
          },
          { label: "webhook deliveries" },
        ),
      ],
      { annotations: threshold("alarm", a.webhookDlqMaxAgeMinutes * 60) },
    ),
    widget("Cache engine CPU (%)", cache("EngineCPUUtilization", "Average"), {
      annotations: threshold("alarm", a.cacheCpuPercent),
      yAxis: { left: { min: 0, max: 100 } },
    }),
    widget("Cache memory (%)", cache("DatabaseMemoryUsagePercentage", "Average"), {
      annotations: threshold("alarm", a.cacheMemoryPercent),
      yAxis: { left: { min: 0, max: 100 } },
    }),
    widget("Cache evictions", cache("Evictions", "Sum"), { period: 300 }),
    ...(config.cache.nodeType.startsWith("t4g.")
      ? [
          widget("Cache CPU credit balance", cache("CPUCreditBalance", "Minimum"), {
            period: 300,
            annotations: threshold("alarm", a.cacheCpuCreditsMin),
          }),
        ]
      : []),
    widget(
      "Search cache hit ratio (%)",
      [
        [{ expression: "100 * hits / MAX([searches, 1])", label: "hit ratio %", id: "ratio" }],
        business("Searches", { id: "searches", visible: false }),
        business("CacheHits", { id: "hits", visible: false }),
      ],
      {
        period: 300,
        annotations: threshold("alarm", a.cacheHitRatioPercent),
        yAxis: { left: { min: 0, max: 100 } },
      },
    ),
    widget(
      "Searches and bookings",
      [business("Searches"), business("Bookings"), business("Cancellations")],
      { period: 300 },
    ),
    widget(
      "Booking failures by reason",
      [
        [
          {
            expression: `SEARCH('{${businessMetrics.namespace},reason,service,stage} MetricName="BookingFailures" service="${businessMetrics.service}" stage="${config.stage}"', 'Sum', 300)`,
            label: "",
            id: "failures",
          },
        ],
      ],
      { period: 300, annotations: threshold("alarm (all reasons)", a.bookingFailuresPer5Min) },
    ),
  ];
  // CloudWatch rejects a widget without metrics: under `sst dev` there are no cache nodes.
  return { widgets: widgets.filter((w) => w.properties.metrics.length > 0) };
}
