import {
  type AlarmSpec,
  alarmSpecs,
  type MetricRef,
  type MonitoredResources,
} from "../monitoring.js";
import type { StageConfig } from "../stage.js";

type Id = $util.Input<string>;

function metricQuery(id: string, ref: MetricRef<Id>) {
  return {
    id,
    returnData: false,
    metric: {
      namespace: ref.namespace,
      metricName: ref.metricName,
      dimensions: ref.dimensions,
      period: ref.periodSeconds,
      stat: ref.stat,
    },
  };
}

function metricArgs(spec: AlarmSpec<Id>): Partial<aws.cloudwatch.MetricAlarmArgs> {
  switch (spec.kind) {
    case "metric": {
      const { metric } = spec;
      const percentile = /^p\d+(\.\d+)?$/.test(metric.stat);
      return {
        namespace: metric.namespace,
        metricName: metric.metricName,
        dimensions: metric.dimensions,
        period: metric.periodSeconds,
        ...(percentile ? { extendedStatistic: metric.stat } : { statistic: metric.stat }),
      };
    }
    case "math":
      return {
        metricQueries: [
          { id: "result", expression: spec.expression, label: spec.label, returnData: true },
          ...Object.entries(spec.metrics).map(([id, ref]) => metricQuery(id, ref)),
        ],
      };
    case "insights":
      return {
        metricQueries: [
          {
            id: "result",
            expression: spec.query,
            label: spec.label,
            period: spec.periodSeconds,
            returnData: true,
          },
        ],
      };
  }
}

/**
 * One CloudWatch alarm per spec in `alarmSpecs`, notifying the alert topic when it fires (not
 * when it recovers: one email per incident; the dashboard shows the recovery).
 */
export function createAlarms(
  config: StageConfig,
  topic: sst.aws.SnsTopic,
  resources: MonitoredResources<Id>,
) {
  return alarmSpecs(config, resources).map(
    (spec) =>
      new aws.cloudwatch.MetricAlarm(`Alarm${spec.key}`, {
        name: `${$app.name}-${$app.stage}-${spec.key}`,
        alarmDescription: `${spec.description}. Runbook: packages/infra/README.md#${spec.runbook.toLowerCase()}`,
        comparisonOperator: spec.comparison,
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm,
        treatMissingData: spec.treatMissingData,
        alarmActions: [topic.arn],
        ...metricArgs(spec),
      }),
  );
}
