import { expect, it } from "vitest";
import { tableDataActions, tableKeyUseActions } from "../src/permissions.js";
import {
  actionsOf,
  dashboardWidgets,
  functionResources,
  type IamStatement,
  resourcesOf,
  roleStatements,
  type Synthesis,
} from "./synth.js";

const table = "arn:aws:mock:us-east-1:123456789012:TableTable";

/**
 * Assertions every stage's synthesized stack must pass: least-privilege roles that can still
 * reach the table (and its key), a dashboard CloudWatch accepts, alarm math that survives
 * missing data. Registers `it` blocks in the caller's `describe`.
 */
export function itFollowsTheStackRules(
  stack: () => Synthesis,
  expected: { customerKey: boolean; dev: boolean; deployment?: string },
) {
  const statements = (fn: keyof typeof functionResources) =>
    roleStatements(stack(), functionResources[fn]);

  it("grants every function the table's data-plane actions by name, never dynamodb:* or table administration", () => {
    for (const fn of Object.keys(functionResources) as (keyof typeof functionResources)[]) {
      const all = statements(fn);
      const actions = all.flatMap(actionsOf);
      expect(actions, fn).not.toContain("dynamodb:*");
      expect(
        actions.filter((a) => /^dynamodb:(Delete|Update|Create)Table$|^dynamodb:Scan$/.test(a)),
        fn,
      ).toEqual([]);
      const tableStatement = all.find((s) => resourcesOf(s).includes(table));
      expect(tableStatement, fn).toBeDefined();
      expect(actionsOf(tableStatement as IamStatement).sort(), fn).toEqual(
        [...tableDataActions].sort(),
      );
      expect(resourcesOf(tableStatement as IamStatement), fn).toEqual([table, `${table}/index/*`]);
      expect(
        actions.filter((a) => a.endsWith("*") && !a.startsWith("kms:")),
        fn,
      ).toEqual(expected.dev ? ["appsync:*", "s3:*"] : []);
    }
  });

  it(
    expected.customerKey
      ? "lets the functions (and so the stream mapping, which reads with the consumer's role) use the table key through DynamoDB only"
      : "uses the aws/dynamodb key: no KMS key, no KMS statement",
    () => {
      const keys = stack().ofType("aws:kms/key:Key");
      for (const fn of Object.keys(functionResources) as (keyof typeof functionResources)[]) {
        const kms = statements(fn).filter((s) => actionsOf(s).some((a) => a.startsWith("kms:")));
        if (!expected.customerKey) {
          expect(kms, fn).toEqual([]);
          continue;
        }
        expect(kms, fn).toEqual([
          {
            Effect: "Allow",
            Action: [...tableKeyUseActions],
            Resource: "arn:aws:mock:us-east-1:123456789012:TableKey",
            Condition: { StringEquals: { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" } },
          },
        ]);
      }
      if (!expected.customerKey) {
        expect(keys).toHaveLength(0);
        return;
      }
      const policy = JSON.parse(String(stack().one("aws:kms/key:Key").inputs.policy)) as {
        Statement: IamStatement[];
      };
      const root = "arn:aws:iam::123456789012:root";
      const use = policy.Statement.filter((s) => actionsOf(s).includes("kms:Decrypt"));
      expect(use).toEqual([
        expect.objectContaining({
          Principal: { AWS: root },
          Condition: {
            StringEquals: {
              "kms:ViaService": "dynamodb.us-east-1.amazonaws.com",
              "kms:CallerAccount": "123456789012",
            },
          },
        }),
      ]);
      // Administration never includes using the key.
      const admin = policy.Statement.find((s) => s.Sid === "AccountAdministersKey");
      expect(actionsOf(admin as IamStatement)).toContain("kms:Put*");
      expect(
        actionsOf(admin as IamStatement).filter((a) =>
          /Decrypt|Encrypt|GenerateDataKey|CreateGrant/.test(a),
        ),
      ).toEqual([]);
    },
  );

  it("lets the functions write X-Ray segments, and the consumer send to its DLQ and read only its stream", () => {
    for (const fn of Object.keys(functionResources) as (keyof typeof functionResources)[]) {
      expect(statements(fn).flatMap(actionsOf), fn).toEqual(
        expect.arrayContaining(["xray:PutTraceSegments", "xray:PutTelemetryRecords"]),
      );
    }
    const consumer = statements("consumer");
    expect(consumer).toContainEqual({
      Effect: "Allow",
      Action: "sqs:SendMessage",
      Resource: expect.stringContaining("StreamDeadLetter"),
    });
    expect(consumer).toContainEqual({
      Effect: "Allow",
      Action: [
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
      ],
      Resource: `${table}/stream/2026`,
    });
    expect(statements("api").flatMap(actionsOf)).not.toContain("sqs:SendMessage");
  });

  it("feeds the consumer from the table's stream with partial batch failures and a DLQ", () => {
    const mapping = stack().one(
      "aws:lambda/eventSourceMapping:EventSourceMapping",
      "TableSubscriberAnalyticsConsumerEventSourceMapping",
    ).inputs;
    expect(mapping).toMatchObject({
      eventSourceArn: `${table}/stream/2026`,
      startingPosition: "TRIM_HORIZON",
      functionResponseTypes: ["ReportBatchItemFailures"],
      bisectBatchOnFunctionError: true,
      destinationConfig: {
        onFailure: { destinationArn: expect.stringContaining("StreamDeadLetter") },
      },
    });
  });

  it("builds a dashboard CloudWatch accepts: every widget has metrics, every metric row is well formed", () => {
    const widgets = dashboardWidgets(stack());
    expect(widgets.length).toBeGreaterThan(10);
    for (const widget of widgets) {
      const title = widget.properties.title;
      expect(widget.properties.metrics.length, title).toBeGreaterThan(0);
      for (const row of widget.properties.metrics) {
        const last = row[row.length - 1];
        if (typeof last === "object" && last !== null && "expression" in last) continue;
        // [namespace, metricName, dimension name, value, …, options]
        const names = row.filter((cell) => typeof cell !== "object");
        expect(names.length % 2, `${title}: ${JSON.stringify(row)}`).toBe(0);
        expect(
          names.every((cell) => typeof cell === "string" && cell.length > 0),
          title,
        ).toBe(true);
      }
    }
    const body = JSON.stringify(widgets);
    expect(body).not.toContain("CacheErrors");
  });

  it(
    expected.dev
      ? "creates no alarms under `sst dev`"
      : "alarms email only when they fire, and their math counts missing data as zero",
    () => {
      const alarms = stack().ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
      if (expected.dev) {
        expect(alarms).toEqual([]);
        return;
      }
      for (const alarm of alarms) {
        expect(alarm.inputs.alarmActions, alarm.name).toEqual([
          expect.stringContaining("AlertsTopic"),
        ]);
        expect(alarm.inputs.okActions ?? [], alarm.name).toEqual([]);
        const queries = (alarm.inputs.metricQueries ?? []) as { id: string; expression?: string }[];
        const metricIds = queries.filter((q) => !q.expression).map((q) => q.id);
        const expression = queries.find((q) => q.expression && q.id === "result")?.expression ?? "";
        for (const id of metricIds) {
          // Every metric the expression adds or divides by is FILLed (or only guarded by IF).
          expect(expression, `${alarm.name}: ${id}`).toMatch(new RegExp(`FILL\\(${id}, 0\\)`));
        }
      }
    },
  );

  it(
    expected.dev
      ? "serves `$LATEST` under `sst dev`: no published versions, no CodeDeploy"
      : `serves the API through a live alias that CodeDeploy shifts (${expected.deployment}) and rolls back on the API's alarms`,
    () => {
      const api = stack().one("aws:lambda/function:Function", functionResources.api);
      // The `$default` route's integration (GET /dashboard… has its own: dashboard-page-rules.ts).
      const fallback = stack()
        .ofType("aws:apigatewayv2/route:Route")
        .find((r) => r.inputs.routeKey === "$default");
      const integration = stack().one(
        "aws:apigatewayv2/integration:Integration",
        String(fallback?.inputs.target)
          .replace(/^integrations\//, "")
          .replace(/-id$/, ""),
      ).inputs;
      if (expected.dev) {
        expect(api.inputs.publish).toBe(false);
        expect(stack().ofType("aws:lambda/alias:Alias")).toEqual([]);
        expect(stack().ofType("aws:codedeploy/deploymentGroup:DeploymentGroup")).toEqual([]);
        expect(integration.integrationUri).toBe(
          `arn:aws:mock:us-east-1:123456789012:${functionResources.api}`,
        );
        return;
      }
      expect(api.inputs.publish).toBe(true);
      const alias = stack().one("aws:lambda/alias:Alias").inputs;
      expect(alias).toMatchObject({
        name: "live",
        functionName: api.inputs.name,
        functionVersion: "7",
      });
      const aliasArn = `arn:aws:lambda:us-east-1:123456789012:function:${String(api.inputs.name)}:live`;
      // API Gateway invokes (and may invoke) the alias, never $LATEST.
      expect(integration.integrationUri).toBe(aliasArn);
      const apiPermissions = stack()
        .ofType("aws:lambda/permission:Permission")
        .filter(
          (p) =>
            !String(p.inputs.function).includes("DashboardPage") &&
            !String(p.inputs.function).includes("StaticAssets"),
        );
      expect(apiPermissions).toHaveLength(1);
      expect(apiPermissions[0]?.inputs).toMatchObject({
        function: aliasArn.replace(/:live$/, ""),
        qualifier: "live",
        principal: "apigateway.amazonaws.com",
      });

      const group = stack().one("aws:codedeploy/deploymentGroup:DeploymentGroup").inputs;
      expect(group).toMatchObject({
        deploymentConfigName: expected.deployment,
        deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
        autoRollbackConfiguration: {
          enabled: true,
          events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"],
        },
        alarmConfiguration: { enabled: true },
      });
      expect(stack().one("aws:codedeploy/application:Application").inputs.computePlatform).toBe(
        "Lambda",
      );
      // The rollback alarms are real alarms of this stack: the API's 5xx rate, p99 latency, errors.
      const alarmNames = stack()
        .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
        .map((a) => a.inputs.name);
      const rollback = (group.alarmConfiguration as { alarms: string[] }).alarms;
      expect(rollback.map((name) => name.split("-").pop())).toEqual([
        "Api5xxRate",
        "ApiLatencyP99",
        "ApiFunctionErrors",
      ]);
      for (const name of rollback) expect(alarmNames).toContain(name);

      // Each deploy's new version starts a deployment through the releaser.
      const release = stack().one("aws:lambda/invocation:Invocation").inputs;
      expect(JSON.parse(String(release.input))).toEqual({
        applicationName: expect.stringMatching(/-api$/),
        deploymentGroupName: "live",
        functionName: api.inputs.name,
        alias: "live",
        targetVersion: "7",
      });
      expect(release.triggers).toEqual({ version: "7" });
      const releaser = roleStatements(stack(), "ApiReleaserFunction");
      expect(releaser.flatMap(actionsOf).sort()).toEqual([
        "codedeploy:CreateDeployment",
        "codedeploy:GetApplicationRevision",
        "codedeploy:GetDeploymentConfig",
        "codedeploy:RegisterApplicationRevision",
        "lambda:GetAlias",
      ]);
      expect(releaser.find((s) => actionsOf(s).includes("lambda:GetAlias"))?.Resource).toBe(
        "arn:aws:mock:us-east-1:123456789012:ApiHandlerFunction:live",
      );
    },
  );

  it("updates the consumer and reconciler in place: one unqualified target each, so no record or run is split across versions", () => {
    const mapping = stack().one(
      "aws:lambda/eventSourceMapping:EventSourceMapping",
      "TableSubscriberAnalyticsConsumerEventSourceMapping",
    ).inputs;
    expect(mapping.functionName).toBe(
      `arn:aws:mock:us-east-1:123456789012:${functionResources.consumer}`,
    );
    const schedule = stack().one("aws:scheduler/schedule:Schedule").inputs as {
      target: { arn: string };
    };
    expect(schedule.target.arn).toBe(
      `arn:aws:mock:us-east-1:123456789012:${functionResources.reconciler}`,
    );
    for (const fn of [functionResources.consumer, functionResources.reconciler]) {
      expect(stack().one("aws:lambda/function:Function", fn).inputs.publish, fn).toBeFalsy();
    }
  });
}
