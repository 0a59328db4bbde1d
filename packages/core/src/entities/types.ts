import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** What every entity factory takes: the document client and the deployed table name. */
export interface EntityConfig {
  client: DynamoDBDocumentClient;
  table: string;
}
