import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKeyRepository } from "../repositories/api-keys.js";
import { type LocalEngine, startLocalEngine } from "./engine.js";
import { parseKeysCommand, runKeysCommand, UsageError } from "./keys-cli.js";

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

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
        "packages/core/src/local/keys-cli.ts",
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
      /--scopes[.0-9]*: /,
    );
    expect(() => parseKeysCommand(["create", "--tenant", "acme"], {})).toThrow(
      /--scopes: is required/,
    );
    expect(() => parseKeysCommand(["revoke", "nope"], {})).toThrow(/key id/);
    // Names are printable only: no ANSI escapes or line breaks into terminals and logs.
    for (const name of ["\u001b[31mred", "two\nlines", "bell\u0007"]) {
      expect(() =>
        parseKeysCommand(["create", "--tenant", "acme", "--scopes", "search", "--name", name], {}),
      ).toThrow(/--name: must be printable/);
    }
    expect(() => parseKeysCommand([], {})).toThrow(/Usage/);
  });

  it("reads the table of the stage inside `sst shell` (the SST link Table)", () => {
    const env = {
      SST_RESOURCE_Table: JSON.stringify({ name: "travel-prod-TableAbc", type: "sst.aws.Dynamo" }),
    };
    expect(parseKeysCommand(["list", "--tenant", "acme"], env)).toMatchObject({
      table: "travel-prod-TableAbc",
      endpoint: undefined,
    });
    // An explicit --table or TABLE_NAME still wins.
    expect(parseKeysCommand(["list", "--tenant", "acme", "--table", "other"], env).table).toBe(
      "other",
    );
  });
});

/** `pnpm keys …` as a user runs it from the repo root (the root package.json script). */
function pnpmKeys(args: string[], env: Record<string, string>) {
  return run(
    process.execPath,
    [
      "--conditions=@travel/source",
      "--import",
      "tsx",
      "packages/core/src/local/keys-cli.ts",
      ...args,
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, DYNAMO_ENDPOINT: "", TABLE_NAME: "", SST_RESOURCE_Table: "", ...env },
    },
  );
}

describe("pnpm keys in local mode (no endpoint, no table)", () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "keys-cli-local-"));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("--help prints the usage and exits 0", async () => {
    const { stdout, stderr } = await pnpmKeys(["--help"], {});
    expect(stdout).toContain("pnpm keys create --tenant <id> --scopes <s1,s2>");
    expect(stderr).not.toContain("NodeVersionSupportWarning");
  });

  it("says there is no local data yet instead of needing an endpoint", async () => {
    const failed = await pnpmKeys(["create", "--tenant", "acme", "--scopes", "search,book"], {
      LOCAL_DATA_DIR: dataDir,
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("run pnpm start once"),
    });
  });

  it("creates the README's key in the engine pnpm start is running, then in its data directory once it stopped", async () => {
    const engine = await startLocalEngine({ dataDir: join(dataDir, "dynamo") });
    let first: { id: string; key: string; name: string };
    try {
      const { stdout, stderr } = await pnpmKeys(
        ["create", "--tenant", "acme", "--scopes", "search,book"],
        {
          LOCAL_DATA_DIR: dataDir,
        },
      );
      expect(stderr).not.toContain("Warning");
      first = JSON.parse(stdout) as typeof first;
      expect(first.name).toBe("acme key");
      const record = await createApiKeyRepository(engine.db).findByPlainKey(first.key);
      expect(record).toMatchObject({
        keyId: first.id,
        tenantId: "acme",
        scopes: ["book", "search"],
      });
    } finally {
      await engine.stop();
    }
    // Engine stopped: the CLI opens the data directory itself and sees the same keys.
    const { stdout } = await pnpmKeys(["list", "--tenant", "acme"], { LOCAL_DATA_DIR: dataDir });
    expect((JSON.parse(stdout) as { id: string }[]).map((k) => k.id)).toEqual([first.id]);
  });
});

describe("platform and retired scopes", () => {
  it("grants platform only with --platform, and never the retired admin", () => {
    const base = [
      "create",
      "--tenant",
      "ops",
      "--name",
      "Operator",
      "--endpoint",
      "http://127.0.0.1:1",
    ];
    expect(() => parseKeysCommand([...base, "--scopes", "keys,admin"], {})).toThrow(
      /admin is retired/,
    );
    expect(() => parseKeysCommand([...base, "--scopes", "platform"], {})).toThrow(
      /granted with --platform/,
    );
    expect(
      parseKeysCommand([...base, "--scopes", "keys,analytics", "--platform"], {}),
    ).toMatchObject({ scopes: ["keys", "analytics"], platform: true });
  });
});
