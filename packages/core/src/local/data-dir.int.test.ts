import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findRunningLocalEngine, LocalDataDirInUseError, startLocalEngine } from "./engine.js";

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

describe("a local data directory held by another engine", () => {
  let root: string;
  let dataDir: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "core-data-dir-"));
    dataDir = join(root, "dynamo");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("is refused with LocalDataDirInUseError naming the running engine, and announced only while it runs", async () => {
    const engine = await startLocalEngine({ dataDir });
    try {
      expect(findRunningLocalEngine(dataDir)).toEqual({
        endpoint: engine.endpoint,
        tableName: engine.tableName,
        pid: process.pid,
      });
      const second = await startLocalEngine({ dataDir }).catch((error: unknown) => error);
      expect(second).toBeInstanceOf(LocalDataDirInUseError);
      expect((second as LocalDataDirInUseError).message).toBe(
        `${dataDir} is in use by process ${process.pid} (its engine serves ${engine.endpoint})`,
      );
    } finally {
      await engine.stop();
    }
    expect(findRunningLocalEngine(dataDir)).toBeUndefined();
    expect(existsSync(`${dataDir}.endpoint.json`)).toBe(false);
    // Free again: the next engine opens it.
    const again = await startLocalEngine({ dataDir });
    expect(again.reused).toBe(true);
    await again.stop();
  });

  it("makes pnpm seed say so in one line with the --endpoint to use, not an engine stack trace", async () => {
    const engine = await startLocalEngine({ dataDir });
    try {
      const failed = await run(
        process.execPath,
        [
          "--conditions=@travel/source",
          "--import",
          "tsx",
          "packages/core/src/local/seed-cli.ts",
          "--data-dir",
          dataDir,
          "--days",
          "1",
        ],
        { cwd: REPO_ROOT },
      ).catch((error: { code: number; stdout: string; stderr: string }) => error);
      expect(failed).toMatchObject({ code: 2 });
      const { stderr } = failed as { stderr: string };
      expect(stderr.trim()).toBe(
        `pnpm seed: ${dataDir} is in use by process ${process.pid} (pnpm start?); load into its engine with: pnpm seed --endpoint ${engine.endpoint}`,
      );
    } finally {
      await engine.stop();
    }
  });
});
