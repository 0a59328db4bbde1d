import type { StageConfig } from "../stage.js";

/**
 * A monthly cost budget for the stage (resources carry SST's `sst:stage` tag; activate it as a
 * cost allocation tag once per account), alerting the alert topic on *forecast* spend at each
 * configured percentage and on actual spend above the limit.
 */
export function createBudget(config: StageConfig, topic: sst.aws.SnsTopic) {
  return new aws.budgets.Budget("Budget", {
    name: `${$app.name}-${$app.stage}-monthly`,
    budgetType: "COST",
    timeUnit: "MONTHLY",
    limitAmount: config.budget.monthlyLimitUsd.toFixed(2),
    limitUnit: "USD",
    costFilters: [{ name: "TagKeyValue", values: [`user:sst:stage$${$app.stage}`] }],
    notifications: [
      ...config.budget.forecastAlertPercents.map((percent) => ({
        notificationType: "FORECASTED",
        comparisonOperator: "GREATER_THAN",
        threshold: percent,
        thresholdType: "PERCENTAGE",
        subscriberSnsTopicArns: [topic.arn],
      })),
      {
        notificationType: "ACTUAL",
        comparisonOperator: "GREATER_THAN",
        threshold: 100,
        thresholdType: "PERCENTAGE",
        subscriberSnsTopicArns: [topic.arn],
      },
    ],
  });
}
