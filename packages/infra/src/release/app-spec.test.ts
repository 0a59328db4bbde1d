import { describe, expect, it } from "vitest";
import { deploymentConfigs, lambdaAppSpec } from "./app-spec.js";

describe("the API's CodeDeploy revision", () => {
  it("shifts the live alias from the version it serves to the new one", () => {
    expect(
      lambdaAppSpec({
        functionName: "travel-api",
        alias: "live",
        currentVersion: "6",
        targetVersion: "7",
      }),
    ).toEqual({
      version: 0,
      Resources: [
        {
          api: {
            Type: "AWS::Lambda::Function",
            Properties: {
              Name: "travel-api",
              Alias: "live",
              CurrentVersion: "6",
              TargetVersion: "7",
            },
          },
        },
      ],
    });
  });

  it("names only CodeDeploy's predefined Lambda configurations", () => {
    for (const name of Object.values(deploymentConfigs)) {
      expect(name).toMatch(
        /^CodeDeployDefault\.Lambda(Canary10Percent(5|10)Minutes|Linear10PercentEvery1Minute|AllAtOnce)$/,
      );
    }
  });
});
