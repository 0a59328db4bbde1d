import { beforeAll, describe, expect, it } from "vitest";
import { itRoutesTheDashboardPage } from "./dashboard-page-rules.js";
import { itFollowsTheStackRules } from "./stack-rules.js";
import { platformReady, type Synthesis, synthesize } from "./synth.js";
import { itDeploysTheWebhookPipeline } from "./webhook-rules.js";

// sst.config.ts run for the `dev` stage against SST's real components under Pulumi mocks.
describe.runIf(platformReady("dev stack tests"))("dev stack", () => {
  let stack: Synthesis;
  beforeAll(async () => {
    stack = await synthesize("dev");
  }, 90_000);

  itRoutesTheDashboardPage(() => stack, { dev: false });

  itFollowsTheStackRules(() => stack, {
    customerKey: false,
    dev: false,
    deployment: "CodeDeployDefault.LambdaAllAtOnce",
  });
  itDeploysTheWebhookPipeline(() => stack, { alarms: true, dev: false });

  it("is removable: no protect, removal `remove`", () => {
    expect(stack.app).toMatchObject({
      name: "travel-platform",
      removal: "remove",
      protect: false,
      home: "aws",
    });
  });

  it("runs one AZ behind a single t4g.nano NAT instance, no NAT gateway", () => {
    expect(stack.ofType("aws:ec2/subnet:Subnet")).toHaveLength(2); // one public + one private
    expect(stack.ofType("aws:ec2/natGateway:NatGateway")).toHaveLength(0);
    const nat = stack.one("aws:ec2/instance:Instance");
    expect(nat.inputs).toMatchObject({ instanceType: "t4g.nano", sourceDestCheck: false });
  });

  it("routes DynamoDB traffic from the private subnets through a gateway endpoint", () => {
    const privateRouteTables = stack
      .ofType("aws:ec2/routeTable:RouteTable")
      .filter((t) => t.name.includes("Private"))
      .map((t) => `${t.name}-id`);
    expect(privateRouteTables).toHaveLength(1);
    expect(stack.one("aws:ec2/vpcEndpoint:VpcEndpoint").inputs).toEqual({
      vpcId: "VpcVpc-id",
      serviceName: "com.amazonaws.us-east-1.dynamodb",
      vpcEndpointType: "Gateway",
      routeTableIds: privateRouteTables,
    });
  });

  it("creates the table from the core declaration: keys, indexes, stream, TTL, PITR, KMS", () => {
    const table = stack.one("aws:dynamodb/table:Table").inputs;
    expect(table).toMatchObject({
      billingMode: "PAY_PER_REQUEST",
      hashKey: "pk",
      rangeKey: "sk",
      streamEnabled: true,
      streamViewType: "NEW_AND_OLD_IMAGES",
      ttl: { attributeName: "ttl", enabled: true },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: false,
      globalSecondaryIndexes: [
        { name: "gsi1", hashKey: "gsi1pk", rangeKey: "gsi1sk", projectionType: "ALL" },
        { name: "gsi2", hashKey: "gsi2pk", rangeKey: "gsi2sk", projectionType: "ALL" },
      ],
    });
    expect(stack.ofType("aws:kms/key:Key")).toHaveLength(0); // aws/dynamodb managed key
  });

  it("runs a single-node Valkey with TLS required, no failover", () => {
    expect(stack.one("aws:elasticache/replicationGroup:ReplicationGroup").inputs).toMatchObject({
      engine: "valkey",
      nodeType: "cache.t4g.micro",
      clusterMode: "disabled",
      numCacheClusters: 1,
      multiAzEnabled: false,
      automaticFailoverEnabled: false,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      atRestEncryptionEnabled: true,
    });
  });

  it("runs every Lambda on Node 22 arm64 with X-Ray tracing and the shared environment", () => {
    // The API's releaser (src/stack/release.ts) talks to AWS APIs only, and the live operations
    // page's Lambda serves static files (dashboard-page-rules.ts): no VPC, no app environment.
    const functions = stack
      .ofType("aws:lambda/function:Function")
      .filter((f) => f.name !== "ApiReleaserFunction" && f.name !== "DashboardPageFunction");
    expect(functions.map((f) => f.inputs.handler).sort()).toEqual([
      "packages/api/src/consumer-lambda.handler",
      "packages/api/src/lambda.handler",
      "packages/api/src/reconciler-lambda.handler",
      "packages/api/src/static-lambda.handler",
      "packages/webhooks/src/handlers/delivery.handler",
      "packages/webhooks/src/handlers/producer.handler",
    ]);
    for (const fn of functions) {
      expect(fn.inputs, fn.name).toMatchObject({
        runtime: "nodejs22.x",
        architectures: ["arm64"],
        tracingConfig: { mode: "Active" },
        loggingConfig: { logFormat: "JSON" },
        environment: {
          variables: {
            STAGE: "dev",
            LOG_LEVEL: "DEBUG",
            TABLE_NAME: expect.stringMatching(/^travel-platform-dev-TableTable-/),
            POWERTOOLS_SERVICE_NAME: "travel-api",
            POWERTOOLS_METRICS_NAMESPACE: "TravelPlatform",
          },
        },
      });
    }
  });

  it("serves the API from the Hono Lambda in the VPC with the stage's size", () => {
    const api = stack
      .ofType("aws:lambda/function:Function")
      .find((f) => f.name === "ApiHandlerFunction");
    expect(api?.inputs).toMatchObject({
      memorySize: 512,
      timeout: 10,
      vpcConfig: { subnetIds: ["VpcPrivateSubnet1-id"], securityGroupIds: ["VpcSecurityGroup-id"] },
    });
    const routes = stack.ofType("aws:apigatewayv2/route:Route");
    expect(routes.find((r) => r.inputs.routeKey === "$default")).toBeDefined();
  });

  it("serves the pages' static files from their own function, so the API's package has none", () => {
    const routes = stack.ofType("aws:apigatewayv2/route:Route");
    expect(routes.map((route) => route.inputs.routeKey).sort()).toEqual([
      "$default",
      "GET /dashboard",
      "GET /dashboard/{proxy+}",
      "GET /docs/{asset}",
    ]);
    const integrations = stack.ofType("aws:apigatewayv2/integration:Integration");
    const docsTarget = routes.find((route) => route.inputs.routeKey === "GET /docs/{asset}")?.inputs
      .target as string;
    const integration = integrations.find((i) => docsTarget.includes(i.name));
    expect(String(integration?.inputs.integrationUri)).toContain("StaticAssets");
    const fn = stack.one("aws:lambda/function:Function", "StaticAssetsFunction");
    expect(fn.inputs.vpcConfig).toBeUndefined();
    expect(fn.inputs).toMatchObject({ memorySize: 256, runtime: "nodejs22.x" });
  });

  it("throttles the HTTP API stage at 10,000 rps / 5,000 burst and writes access logs", () => {
    const stage = stack.one("aws:apigatewayv2/stage:Stage").inputs;
    expect(stage.defaultRouteSettings).toEqual({
      throttlingRateLimit: 10_000,
      throttlingBurstLimit: 5_000,
      detailedMetricsEnabled: false,
    });
    expect(stage.accessLogSettings).toMatchObject({
      destinationArn: expect.stringContaining("ApiAccessLog"),
    });
    expect(stack.one("aws:apigatewayv2/api:Api").inputs.corsConfiguration).toMatchObject({
      allowOrigins: ["*"],
      allowHeaders: expect.arrayContaining(["x-api-key", "idempotency-key"]),
    });
  });

  it("puts every Lambda but the webhook ones, the releaser, the page's and the static files' in the private subnets, so the consumer reaches Valkey as the read model's backstop", () => {
    // The webhook functions need no VPC, and the sender must not be able to reach into it.
    for (const fn of stack
      .ofType("aws:lambda/function:Function")
      .filter(
        (f) =>
          !f.name.includes("Webhook") &&
          f.name !== "ApiReleaserFunction" &&
          f.name !== "DashboardPageFunction" &&
          f.name !== "StaticAssetsFunction",
      )) {
      const vpcConfig = fn.inputs.vpcConfig as { subnetIds?: unknown[] } | undefined;
      expect(vpcConfig?.subnetIds?.length, fn.name).toBeGreaterThan(0);
    }
  });

  it("feeds the consumer from the stream with partial batch failures, bisect, bounds, a DLQ and filters", () => {
    const mapping = stack.one(
      "aws:lambda/eventSourceMapping:EventSourceMapping",
      "TableSubscriberAnalyticsConsumerEventSourceMapping",
    ).inputs;
    expect(mapping).toMatchObject({
      eventSourceArn: expect.stringContaining("/stream/"),
      functionResponseTypes: ["ReportBatchItemFailures"],
      bisectBatchOnFunctionError: true,
      batchSize: 100,
      maximumRetryAttempts: 3,
      maximumRecordAgeInSeconds: 3_600,
      destinationConfig: {
        onFailure: { destinationArn: expect.stringContaining("StreamDeadLetter") },
      },
    });
    const patterns = (mapping.filterCriteria as { filters: { pattern: string }[] }).filters.map(
      (f) => JSON.parse(f.pattern),
    );
    expect(patterns[0]).toEqual({
      dynamodb: {
        NewImage: {
          __edb_e__: {
            S: ["searchEvent", "searchEventBatch", "booking", "flightOffer", "roomNight"],
          },
        },
      },
    });
  });

  it("runs the reconciler every 5 minutes, without reserved concurrency, with a dead-letter queue", () => {
    expect(stack.one("aws:scheduler/schedule:Schedule").inputs).toMatchObject({
      scheduleExpression: "rate(5 minutes)",
      target: {
        retryPolicy: { maximumRetryAttempts: 0 },
        deadLetterConfig: { arn: expect.stringContaining("ReconcilerDeadLetter") },
      },
    });
    const fn = stack
      .ofType("aws:lambda/function:Function")
      .find((f) => f.name.startsWith("BookingReconciler"));
    expect(fn?.inputs).toMatchObject({ timeout: 120, memorySize: 256 });
    // A new account's concurrency quota (10) cannot reserve any: the deploy would fail.
    expect(fn?.inputs.reservedConcurrentExecutions).toBeUndefined();
  });

  it("creates 21 alarms (CPU credits of the t4g node included), all notifying the alert topic, a dashboard and a $100 budget; no email without ALARM_EMAIL", () => {
    const alarms = stack.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
    expect(alarms).toHaveLength(21);
    expect(alarms.find((a) => a.name === "AlarmCacheNode1CpuCredits")?.inputs).toMatchObject({
      metricName: "CPUCreditBalance",
      statistic: "Minimum",
      comparisonOperator: "LessThanThreshold",
      threshold: 30,
    });
    for (const alarm of alarms) {
      expect(alarm.inputs.alarmActions, alarm.name).toEqual([
        expect.stringContaining("AlertsTopic"),
      ]);
    }
    const p99 = alarms.find((a) => a.name === "AlarmApiLatencyP99")?.inputs;
    expect(p99).toMatchObject({
      extendedStatistic: "p99",
      threshold: 500,
      dimensions: { ApiId: "ApiApi-id" },
    });
    expect(stack.ofType("aws:cloudwatch/dashboard:Dashboard")).toHaveLength(1);
    expect(stack.one("aws:budgets/budget:Budget").inputs).toMatchObject({
      limitAmount: "100.00",
      timeUnit: "MONTHLY",
      costFilters: [{ name: "TagKeyValue", values: ["user:sst:stage$dev"] }],
    });
    expect(stack.ofType("aws:sns/topicSubscription:TopicSubscription")).toHaveLength(0);
  });
});
