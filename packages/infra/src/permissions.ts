/**
 * What the stage's roles may do with the table and its KMS key, as plain data (the stack files
 * turn it into IAM statements; tests read it without AWS).
 */

/**
 * DynamoDB data-plane actions the Lambdas use on the table and its indexes (ElectroDB's get,
 * query, put, update, delete, batch and condition checks) plus `DescribeTable`. No table administration
 * (`DeleteTable`, `UpdateTable`, …), no `Scan`. The stream subscriber gets the stream actions
 * from SST's subscriber, scoped to the stream ARN.
 */
export const tableDataActions = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
  // Read-only metadata: the API and the stream consumer bind cached search data to the table
  // instance (`describeTableIdentity` in @travel/core) once per cold start.
  "dynamodb:DescribeTable",
] as const;

/**
 * What a caller of DynamoDB needs on a customer-managed table key. DynamoDB calls KMS on the
 * caller's behalf, so these are granted only with `kms:ViaService` = DynamoDB of the region.
 */
export const tableKeyUseActions = [
  "kms:Decrypt",
  "kms:Encrypt",
  "kms:GenerateDataKey*",
  "kms:ReEncrypt*",
  "kms:DescribeKey",
] as const;

/** Key administration for the account's IAM admins: everything except using the key. */
export const tableKeyAdminActions = [
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:Put*",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Disable*",
  "kms:Get*",
  "kms:Delete*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:RotateKeyOnDemand",
] as const;

interface Condition<T> {
  test: string;
  variable: string;
  values: T[];
}

export interface PolicyStatement<T> {
  sid?: string;
  effect?: "Allow" | "Deny";
  actions: string[];
  resources: T[];
  principals?: { type: string; identifiers: T[] }[];
  conditions?: Condition<T>[];
}

/** `kms:ViaService` value for DynamoDB in a region. */
export const dynamoService = (region: string) => `dynamodb.${region}.amazonaws.com`;

/**
 * The table key's policy. The account's IAM may administer the key but may use it only through
 * DynamoDB in this region (`kms:ViaService`, `kms:CallerAccount`): a role still needs its own IAM
 * grant, which only linking the table gives. DynamoDB itself may describe the key.
 */
export function tableKeyPolicy<T>(key: {
  /** The account id, e.g. `123456789012`. */
  account: T;
  /** The account's root principal, `arn:aws:iam::<account>:root` (delegates to IAM). */
  accountRoot: T;
  /** `dynamoService(region)`. */
  service: T;
}): PolicyStatement<T | string>[] {
  const { account, service } = key;
  const accountRoot = { type: "AWS", identifiers: [key.accountRoot] };
  return [
    {
      sid: "AccountAdministersKey",
      actions: [...tableKeyAdminActions],
      resources: ["*"],
      principals: [accountRoot],
    },
    {
      sid: "UseOnlyThroughDynamoDB",
      actions: [...tableKeyUseActions, "kms:CreateGrant"],
      resources: ["*"],
      principals: [accountRoot],
      conditions: [
        { test: "StringEquals", variable: "kms:ViaService", values: [service] },
        { test: "StringEquals", variable: "kms:CallerAccount", values: [account] },
      ],
    },
    {
      sid: "DynamoDBDescribesKey",
      actions: ["kms:Describe*", "kms:Get*", "kms:List*"],
      resources: ["*"],
      principals: [{ type: "Service", identifiers: ["dynamodb.amazonaws.com"] }],
    },
  ];
}
