import type { StageConfig } from "../stage.js";
import { dynamoTableArgs } from "../table-args.js";

/**
 * The single-table DynamoDB table, built from the declaration in `@travel/core`.
 *
 * On-demand billing and point-in-time recovery come from SST's `Dynamo`; we add KMS encryption
 * (a rotated customer-managed key in production, the `aws/dynamodb` key otherwise) and deletion
 * protection per stage.
 */
export function createTable(config: StageConfig) {
  const key =
    config.table.encryption === "customer-managed"
      ? new aws.kms.Key(
          "TableKey",
          {
            description: `${$app.name} ${$app.stage} DynamoDB table encryption`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
          },
          // A retained table is unreadable without its key: keep the key whenever data is kept.
          { retainOnDelete: config.removal !== "remove" },
        )
      : undefined;

  const args = dynamoTableArgs();
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
