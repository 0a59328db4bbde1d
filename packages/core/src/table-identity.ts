import { createHash } from "node:crypto";
import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";

/**
 * A short, stable name of one table *instance*: a hash of what `DescribeTable` says about it
 * (`TableId`, `TableArn`, `CreationDateTime`). A table that is deleted and created again, a
 * point-in-time restore, or local mode over a fresh data directory gets a new identity, while
 * every process over the same table computes the same one. Cached data derived from the
 * table (search's read model, cached results) is kept under a key prefix with it, so data that
 * outlives its table is never read by a process serving the new one.
 *
 * @example
 * const prefix = `${config.redisKeyPrefix}:${await describeTableIdentity(dynamo.raw, table)}:`;
 */
export async function describeTableIdentity(
  client: Pick<DynamoDBClient, "send">,
  tableName: string,
): Promise<string> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (!Table?.TableArn || !Table.CreationDateTime) {
    throw new Error(`DescribeTable ${tableName} answered without TableArn/CreationDateTime`);
  }
  return tableIdentityOf({
    tableId: Table.TableId,
    tableArn: Table.TableArn,
    createdAt: Table.CreationDateTime,
  });
}

/** The identity of a described table (pure: `describeTableIdentity` without the call). */
export function tableIdentityOf(table: {
  tableId?: string | undefined;
  tableArn: string;
  createdAt: Date;
}): string {
  const material = [table.tableId ?? "", table.tableArn, table.createdAt.toISOString()].join("|");
  return `t${createHash("sha256").update(material).digest("hex").slice(0, 12)}`;
}
