/**
 * The CodeDeploy AppSpec that shifts the API's live alias from the version it serves to the
 * version a deploy just published (Lambda compute platform, `AppSpecContent` revision).
 */
export function lambdaAppSpec(target: {
  functionName: string;
  alias: string;
  currentVersion: string;
  targetVersion: string;
}) {
  return {
    version: 0.0,
    Resources: [
      {
        api: {
          Type: "AWS::Lambda::Function",
          Properties: {
            Name: target.functionName,
            Alias: target.alias,
            CurrentVersion: target.currentVersion,
            TargetVersion: target.targetVersion,
          },
        },
      },
    ],
  };
}

/** CodeDeploy's predefined Lambda deployment configurations the stage config may name. */
export const deploymentConfigs = {
  canary10Percent10Minutes: "CodeDeployDefault.LambdaCanary10Percent10Minutes",
  canary10Percent5Minutes: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
  linear10PercentEvery1Minute: "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
  allAtOnce: "CodeDeployDefault.LambdaAllAtOnce",
} as const;

export type ApiDeployment = keyof typeof deploymentConfigs;

/** The live alias API Gateway invokes. */
export const LIVE_ALIAS = "live";

/** Alarm keys (see `alarmSpecs`) whose firing during a deploy rolls the API back. */
export const rollbackAlarmKeys = ["Api5xxRate", "ApiLatencyP99", "ApiFunctionErrors"] as const;
