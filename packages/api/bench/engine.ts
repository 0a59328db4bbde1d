/**
 * The embedded DynamoDB engine in its own process for the benchmark, so its CPU (dynalite +
 * LevelDB) is not billed to the API server — in production DynamoDB is remote too. Prints one
 * JSON line `{ endpoint, tableName }` when ready; stops on SIGTERM.
 */
import { startLocalEngine } from "@travel/core/local";

// The AWS SDK's "node >=22 from 2027" notice is noise in a bench (Lambda runs 22): the SDK's
// own switch silences that one warning and no other (child processes inherit it).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const engine = await startLocalEngine();
process.stdout.write(
  `${JSON.stringify({ endpoint: engine.endpoint, tableName: engine.tableName })}\n`,
);
process.once("SIGTERM", async () => {
  await engine.stop();
  process.exit(0);
});
