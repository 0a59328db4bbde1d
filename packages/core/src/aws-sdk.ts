import { createRequire } from "node:module";

// Types come from the packages as usual; only the values are loaded below.
type DynamoDBModule = typeof import("@aws-sdk/client-dynamodb");
type DocumentModule = typeof import("@aws-sdk/lib-dynamodb");
type UtilModule = typeof import("@aws-sdk/util-dynamodb");

const require = createRequire(import.meta.url);

/*
 * The AWS SDK's DynamoDB packages, loaded with `require`. They are CommonJS, and before Node's
 * ESM loader runs a CommonJS module it scans the module's source for its export names
 * (cjs-module-lexer over the SDK's large bundled files): a cost every Lambda cold start pays,
 * measured by `pnpm bench:lambda` (BENCHMARKS.md). `require` runs the same files without the
 * scan. Every value of these packages that the domain packages use comes from here.
 */
const dynamodb = require("@aws-sdk/client-dynamodb") as DynamoDBModule;
const documentClient = require("@aws-sdk/lib-dynamodb") as DocumentModule;
const util = require("@aws-sdk/util-dynamodb") as UtilModule;

export const { DynamoDBClient, GetItemCommand } = dynamodb;
export const {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} = documentClient;
export const { unmarshall } = util;
