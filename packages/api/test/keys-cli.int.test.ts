import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createApiKeyRepository } from "@travel/core";
import { type LocalEngine, startLocalEngine } from "@travel/core/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseKeysCommand, runKeysCommand, UsageError } from "../src/keys-cli.js";

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

describe("pnpm keys (against the embedded engine)", () => {
  let engine: LocalEngine;
  beforeAll(async () => {
    engine = await startLocalEngine({ tableName: "keys-cli" });
  });
  afterAll(async () => {
    await engine.stop();
  });

  it("creates a key from the command line whose plain value authenticates, then lists and revokes it", async () => {
    const { stdout } = await run(
      process.execPath,
      [
        "--conditions=@travel/source",
        "--import",
        "tsx",
        "packages/api/src/keys-cli.ts",
        "create",
        "--tenant",
        "acme",
        "--scopes",
        "search, book",
        "--name",
        "first key",
        "--endpoint",
        engine.endpoint,
        "--table",
        "keys-cli",
      ],
      { cwd: REPO_ROOT, env: { ...process.env, NODE_NO_WARNINGS: "1" } },
    );
    const created = JSON.parse(stdout) as { id: string; key: string; scopes: string[] };
    expect(created.scopes).toEqual(["book", "search"]);
    const record = await createApiKeyRepository(engine.db).findByPlainKey(created.key);
    expect(record).toMatchObject({ keyId: created.id, tenantId: "acme", rateLimitPerMinute: 600 });

    const env = { DYNAMO_ENDPOINT: engine.endpoint, TABLE_NAME: "keys-cli" };
    const listed = (await runKeysCommand(parseKeysCommand(["list", "--tenant", "acme"], env))) as {
      id: string;
    }[];
    expect(listed.map((k) => k.id)).toEqual([created.id]);
    expect(JSON.stringify(listed)).not.toContain(created.key);

    const revoked = (await runKeysCommand(parseKeysCommand(["revoke", created.id], env))) as {
      revokedAt: string;
    };
    expect(revoked.revokedAt).toEqual(expect.any(String));
    expect(
      (await createApiKeyRepository(engine.db).findByPlainKey(created.key))?.revokedAt,
    ).toBeDefined();
  });

  it("explains bad arguments instead of failing later", () => {
    expect(() => parseKeysCommand(["create", "--tenant", "acme", "--scopes", "fly"], {})).toThrow(
      UsageError,
    );
    expect(() => parseKeysCommand(["create", "--tenant", "acme", "--scopes", "fly"], {})).toThrow(
      /--name: is required/,
    );
    expect(() => parseKeysCommand(["revoke", "nope"], {})).toThrow(/key id/);
    expect(() => parseKeysCommand([], {})).toThrow(/Usage/);
  });
});
