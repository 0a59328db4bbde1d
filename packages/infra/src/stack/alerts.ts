import type { StageConfig } from "../stage.js";

/**
 * The SNS topic every alarm and budget alert publishes to, with an email subscription when the
 * stage config has an address (the recipient must confirm AWS's subscription email once).
 */
export function createAlertTopic(config: StageConfig) {
  const topic = new sst.aws.SnsTopic("Alerts");
  const account = aws.getCallerIdentityOutput().accountId;

  new aws.sns.TopicPolicy("AlertsPolicy", {
    arn: topic.arn,
    policy: aws.iam.getPolicyDocumentOutput({
      statements: [
        {
          sid: "AlarmsAndBudgetsPublish",
          actions: ["sns:Publish"],
          resources: [topic.arn],
          principals: [
            { type: "Service", identifiers: ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"] },
          ],
          conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [account] }],
        },
      ],
    }).json,
  });

  if (config.alarms.email) {
    new aws.sns.TopicSubscription("AlertsEmail", {
      topic: topic.arn,
      protocol: "email",
      endpoint: config.alarms.email,
    });
  }
  return topic;
}
