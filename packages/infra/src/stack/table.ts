import {
  dynamoService,
  tableDataActions,
  tableKeyPolicy,
  tableKeyUseActions,
} from "../permissions.js";
import type { StageConfig } from "../stage.js";
import { dynamoTableArgs } from "../table-args.js";

/**
 * The single-table DynamoDB table, built from the declaration in `@travel/core`.
 *
 * On-demand billing and point-in-time recovery come from SST's `Dynamo`; we add KMS encryption
 * (a rotated customer-managed key in production and staging, the `aws/dynamodb` key otherwise)
 * and deletion protection per stage.
 *
 * Linking the table (`link: [table]`) grants the data-plane actions of `tableDataActions` on the
 * table and its indexes (SST's built-in link grants `dynamodb:*`) and, with a customer key, the
 * key's use through DynamoDB only. The key policy lets nobody use the key any other way.
 */
export function createTable(config: StageConfig) {
  const region = aws.getRegionOutput().region;
  const account = aws.getCallerIdentityOutput().accountId;
  const partition = aws.getPartitionOutput().partition;
  const viaDynamo = region.apply(dynamoService);

  const key =
    config.table.encryption === "customer-managed"
      ? new aws.kms.Key(
          "TableKey",
          {
            description: `${$app.name} ${$app.stage} DynamoDB table encryption`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            // Resolved first: the policy document invoke does not wait for invoke outputs nested
            // in principals and conditions (they arrive as null).
            policy: $resolve([account, partition, viaDynamo]).apply(
              ([account, partition, service]) =>
                aws.iam.getPolicyDocumentOutput({
                  statements: tableKeyPolicy({
                    account: String(account),
                    accountRoot: `arn:${partition}:iam::${account}:root`,
                    service: String(service),
                  }),
                }).json,
            ),
          },
          // A retained table is unreadable without its key: keep the key whenever data is kept.
          { retainOnDelete: config.removal !== "remove" },
        )
      : undefined;

  const args = dynamoTableArgs();
  // Replaces SST's built-in Dynamo link (one table per app, so `key` is this table's).
  sst.Linkable.wrap(sst.aws.Dynamo, (linked) => ({
    properties: { name: linked.name },
    include: [
      sst.aws.permission({
        actions: [...tableDataActions],
        resources: [linked.arn, $interpolate`${linked.arn}/index/*`],
      }),
      ...(key
        ? [
            sst.aws.permission({
              actions: [...tableKeyUseActions],
              resources: [key.arn],
              conditions: [
                { test: "StringEquals", variable: "kms:ViaService", values: [viaDynamo] },
              ],
            }),
          ]
        : []),
    ],
  }));

  const table = new sst.aws.Dynamo("Table", {
    ...args,
    deletionProtection: config.table.deletionProtection,
    transform: {
      table: (args) => {
        args.pointInTimeRecovery = { enabled: true };
        args.serverSideEncryption = key ? { enabled: true, kmsKeyArn: key.arn } : { enabled: true };
      },
    },
  });

  return { table, key, globalIndexNames: Object.keys(args.globalIndexes) };
}
