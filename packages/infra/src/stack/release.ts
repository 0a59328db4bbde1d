import {
  deploymentConfigs,
  LIVE_ALIAS,
  type ReleaseEvent,
  rollbackAlarmKeys,
} from "../release/index.js";
import type { StageConfig } from "../stage.js";

/**
 * Blue/green for the API Lambda. Every deploy publishes a version; API Gateway invokes the
 * `live` alias, never `$LATEST`. A small releaser Lambda, invoked by the deploy whenever the
 * version changes, asks CodeDeploy to shift `live` to it per the stage's deployment config
 * (canary or linear), and CodeDeploy moves it back to the previous version by itself if one of
 * the API's rollback alarms (5xx rate, p99 latency, function errors) fires meanwhile. The alias
 * is CodeDeploy's from then on: the stack sets its version only when creating it.
 */
export function createApiRelease(config: StageConfig, api: sst.aws.Function) {
  const fn = api.nodes.function;
  const alias = new aws.lambda.Alias(
    "ApiLiveAlias",
    {
      name: LIVE_ALIAS,
      functionName: fn.name,
      functionVersion: fn.version,
      description: "The version API Gateway serves; shifted by CodeDeploy",
    },
    { ignoreChanges: ["functionVersion", "routingConfig"] },
  );

  const application = new aws.codedeploy.Application("ApiDeploy", {
    computePlatform: "Lambda",
    name: `${$app.name}-${$app.stage}-api`,
  });
  const role = new aws.iam.Role("ApiDeployRole", {
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "codedeploy.amazonaws.com" }),
    managedPolicyArns: [
      $interpolate`arn:${aws.getPartitionOutput().partition}:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited`,
    ],
  });
  const group = new aws.codedeploy.DeploymentGroup("ApiDeployGroup", {
    appName: application.name,
    deploymentGroupName: "live",
    serviceRoleArn: role.arn,
    deploymentConfigName: deploymentConfigs[config.api.deployment],
    deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
    autoRollbackConfiguration: {
      enabled: true,
      events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"],
    },
    alarmConfiguration: {
      enabled: true,
      // The alarms' names are fixed by createAlarms: `<app>-<stage>-<key>`.
      alarms: rollbackAlarmKeys.map((key) => `${$app.name}-${$app.stage}-${key}`),
    },
  });

  /** Creates the releaser and its invocation; call once the rollback alarms exist. */
  function startAfter(alarms: $util.Input<$util.Resource>[]) {
    const releaser = new sst.aws.Function("ApiReleaser", {
      runtime: "nodejs22.x",
      architecture: "arm64",
      handler: "packages/infra/src/release/handler.handler",
      description: `${$app.name} ${$app.stage} starts the API's CodeDeploy deployments`,
      timeout: "30 seconds",
      memory: "128 MB",
      nodejs: { format: "esm", minify: true },
      permissions: [
        { actions: ["lambda:GetAlias"], resources: [$interpolate`${fn.arn}:${LIVE_ALIAS}`] },
        {
          actions: ["codedeploy:CreateDeployment"],
          resources: [
            $interpolate`arn:${aws.getPartitionOutput().partition}:codedeploy:${aws.getRegionOutput().region}:${aws.getCallerIdentityOutput().accountId}:deploymentgroup:${application.name}/${group.deploymentGroupName}`,
          ],
        },
        {
          actions: ["codedeploy:GetDeploymentConfig"],
          resources: [
            $interpolate`arn:${aws.getPartitionOutput().partition}:codedeploy:${aws.getRegionOutput().region}:${aws.getCallerIdentityOutput().accountId}:deploymentconfig:*`,
          ],
        },
        {
          actions: ["codedeploy:RegisterApplicationRevision", "codedeploy:GetApplicationRevision"],
          resources: [
            $interpolate`arn:${aws.getPartitionOutput().partition}:codedeploy:${aws.getRegionOutput().region}:${aws.getCallerIdentityOutput().accountId}:application:${application.name}`,
          ],
        },
      ],
    });

    const input = $jsonStringify({
      applicationName: application.name,
      deploymentGroupName: group.deploymentGroupName,
      functionName: fn.name,
      alias: LIVE_ALIAS,
      targetVersion: fn.version,
    } satisfies Record<keyof ReleaseEvent, unknown>);
    new aws.lambda.Invocation(
      "ApiRelease",
      { functionName: releaser.name, input, triggers: { version: fn.version } },
      { dependsOn: [alias, group, ...alarms] },
    );
  }

  return { alias, application, group, startAfter };
}
