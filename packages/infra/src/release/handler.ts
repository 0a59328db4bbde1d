import { CodeDeployClient, CreateDeploymentCommand } from "@aws-sdk/client-codedeploy";
import { GetAliasCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { lambdaAppSpec } from "./app-spec.js";

export interface ReleaseEvent {
  applicationName: string;
  deploymentGroupName: string;
  functionName: string;
  alias: string;
  targetVersion: string;
}

const lambda = new LambdaClient({});
const codeDeploy = new CodeDeployClient({});

/**
 * Invoked by `sst deploy` (an `aws.lambda.Invocation` whose trigger is the API's new version):
 * starts the CodeDeploy deployment that shifts the live alias to that version gradually, and
 * returns its id. CodeDeploy rolls the alias back by itself when a rollback alarm fires.
 */
export async function handler(event: ReleaseEvent) {
  const alias = await lambda.send(
    new GetAliasCommand({ FunctionName: event.functionName, Name: event.alias }),
  );
  const currentVersion = alias.FunctionVersion ?? "";
  if (currentVersion === event.targetVersion) {
    return { deploymentId: null, reason: `alias already serves version ${currentVersion}` };
  }
  const appSpec = lambdaAppSpec({ ...event, currentVersion });
  const created = await codeDeploy.send(
    new CreateDeploymentCommand({
      applicationName: event.applicationName,
      deploymentGroupName: event.deploymentGroupName,
      description: `${event.functionName}:${event.alias} ${currentVersion} → ${event.targetVersion}`,
      revision: {
        revisionType: "AppSpecContent",
        appSpecContent: { content: JSON.stringify(appSpec) },
      },
    }),
  );
  return { deploymentId: created.deploymentId, from: currentVersion, to: event.targetVersion };
}
