import { dashboardBody, type MonitoredResources } from "../monitoring.js";
import type { StageConfig } from "../stage.js";

/** A CloudWatch dashboard charting every alarmed signal, thresholds drawn in. */
export function createDashboard(
  config: StageConfig,
  resources: MonitoredResources<$util.Input<string>>,
) {
  const dashboard = new aws.cloudwatch.Dashboard("Dashboard", {
    dashboardName: `${$app.name}-${$app.stage}`,
    dashboardBody: $jsonStringify(dashboardBody(config, resources)),
  });
  const url = $interpolate`https://console.aws.amazon.com/cloudwatch/home?region=${resources.region}#dashboards:name=${dashboard.dashboardName}`;
  return { dashboard, url };
}
