/**
 * The embedded DynamoDB engine in its own process for the benchmark, so its CPU (dynalite +
 * LevelDB) is not billed to the API server — in production DynamoDB is remote too. Prints one
 * JSON line `{ endpoint, tableName }` when ready; stops on SIGTERM.
 */
import { startLocalEngine } from "@travel/core/local";

const engine = await startLocalEngine();
process.stdout.write(
  `${JSON.stringify({ endpoint: engine.endpoint, tableName: engine.tableName })}\n`,
);
process.once("SIGTERM", async () => {
  await engine.stop();
  process.exit(0);
});
