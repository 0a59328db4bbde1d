import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startLocalEngine } from "@travel/core/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** `pnpm start` as the root script runs it; resolves with how it failed. */
function failedStart(env: Record<string, string>) {
  return run(
    process.execPath,
    ["--conditions=@travel/source", "--import", "tsx", "packages/api/src/local.ts"],
    { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: "", ...env }, timeout: 60_000 },
  ).then(
    () => {
      throw new Error("pnpm start did not fail");
    },
    (error: { code: number; stderr: string }) => error,
  );
}

describe("pnpm start refusing to start", () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "api-local-start-"));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("names a bad variable in one line; the stack only with LOG_LEVEL=DEBUG", async () => {
    const plain = await failedStart({ LOCAL_DATA_DIR: dataDir, PORT: "eighty" });
    expect(plain.code).toBe(1);
    expect(plain.stderr.trim()).toBe(
      "pnpm start: Invalid configuration: PORT: must be a whole number",
    );
    const debug = await failedStart({
      LOCAL_DATA_DIR: dataDir,
      PORT: "eighty",
      LOG_LEVEL: "debug",
    });
    expect(debug.stderr).toMatch(/at loadConfig/);
  });

  it("says the data directory is in use in one line", async () => {
    const engine = await startLocalEngine({ dataDir: join(dataDir, "dynamo") });
    try {
      const failed = await failedStart({ LOCAL_DATA_DIR: dataDir, PORT: "0" });
      expect(failed.code).toBe(1);
      expect(failed.stderr.trim()).toBe(
        `pnpm start: ${join(dataDir, "dynamo")} is in use by process ${process.pid} (its engine serves ${engine.endpoint}) (is pnpm start already running? stop it, or set LOCAL_DATA_DIR to another directory)`,
      );
    } finally {
      await engine.stop();
    }
  });
});
