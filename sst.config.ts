/// <reference path="./.sst/platform/config.d.ts" />

/**
 * The travel platform on AWS. Infrastructure lives in small files under `packages/infra`; they
 * are imported inside `app()`/`run()` because SST's globals (`sst`, `aws`, `$app`) exist only
 * there. See packages/infra/README.md for deploying, secrets, stages and the alarm runbook.
 */
export default $config({
  async app(input) {
    const { resolveStageConfig } = await import("./packages/infra/src/stage.js");
    const config = resolveStageConfig(input.stage ?? "dev", process.env);
    return {
      name: "travel-platform",
      removal: config.removal,
      protect: config.protect,
      home: "aws",
      // Pinned to the @pulumi/aws version SST's platform is built against.
      providers: { aws: "7.20.0" },
    };
  },
  async run() {
    const { assertDevAllowed, resolveStageConfig } = await import("./packages/infra/src/stage.js");
    const { createNetwork } = await import("./packages/infra/src/stack/network.js");
    const { createTable } = await import("./packages/infra/src/stack/table.js");
    const { createCache } = await import("./packages/infra/src/stack/cache.js");
    const { createSecrets } = await import("./packages/infra/src/stack/secrets.js");
    const { createApi } = await import("./packages/infra/src/stack/api.js");
    const { createStreamConsumer } = await import("./packages/infra/src/stack/consumer.js");
    const { createReconciler } = await import("./packages/infra/src/stack/reconciler.js");
    const { createAlertTopic } = await import("./packages/infra/src/stack/alerts.js");
    const { createAlarms } = await import("./packages/infra/src/stack/alarms.js");
    const { createDashboard } = await import("./packages/infra/src/stack/dashboard.js");
    const { createBudget } = await import("./packages/infra/src/stack/budget.js");
    const { createWebhooks } = await import("./packages/infra/src/stack/webhooks.js");
    const { createDashboardPage } = await import("./packages/infra/src/stack/dashboard-page.js");

    const config = resolveStageConfig($app.stage, process.env);
    if ($dev) assertDevAllowed(config);
    const network = createNetwork(config);
    const { table, globalIndexNames } = createTable(config);
    const { cache, nodeIds } = createCache(config, network);
    const { cursorSigningKey, webhookSecretKey } = createSecrets();
    const { api, handler, release } = createApi(config, {
      vpc: network.vpc,
      table,
      cache,
      cursorSigningKey,
      webhookSecretKey,
    });
    createDashboardPage(config, api);
    const consumer = createStreamConsumer(config, { table, cache, vpc: network.vpc });
    const reconciler = createReconciler(config, { vpc: network.vpc, table, cache });
    const webhooks = createWebhooks(config, { table, webhookSecretKey });

    const monitored = {
      stage: $app.stage,
      region: network.region,
      apiId: api.nodes.api.id,
      functions: {
        api: handler.name,
        consumer: consumer.functionName,
        reconciler: reconciler.functionName,
      },
      tableName: table.name,
      globalIndexNames,
      deadLetterQueues: {
        stream: consumer.deadLetterQueue.nodes.queue.name,
        reconciler: reconciler.deadLetterQueue.nodes.queue.name,
        webhookDelivery: webhooks.deadLetterQueue.nodes.queue.name,
        webhookStream: webhooks.streamDeadLetter.nodes.queue.name,
      },
      cacheNodeIds: nodeIds,
    };
    const alerts = createAlertTopic(config);
    // Nobody is paged for a laptop session: `sst dev` gets the dashboard, not the alarms.
    if (!$dev) {
      const alarms = createAlarms(config, alerts, monitored);
      // Blue/green: CodeDeploy shifts the API's live alias and rolls back on these alarms.
      release?.startAfter(alarms);
    }
    const { url: dashboardUrl } = createDashboard(config, monitored);
    createBudget(config, alerts);

    return { api: api.url, table: table.name, dashboard: dashboardUrl };
  },
});
