import { createHash } from "node:crypto";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalEngine, startLocalEngine } from "../local/engine.js";
import { type ApiKeyRepository, createApiKeyRepository, hashApiKey } from "./api-keys.js";

let engine: LocalEngine;
let keys: ApiKeyRepository;

beforeAll(async () => {
  engine = await startLocalEngine();
  keys = createApiKeyRepository(engine.db);
});

afterAll(async () => {
  await engine?.stop();
});

const now = (iso: string) => new Date(iso);

describe("api key repository", () => {
  it("stores only the hash of a new key and finds the key by its plain form", async () => {
    const { record, plainKey } = await keys.create({
      tenantId: "acme",
      name: "checkout",
      scopes: ["search", "book", "search"],
      rateLimitPerMinute: 600,
      now: now("2026-04-01T10:00:00Z"),
    });
    expect(plainKey).toMatch(/^tk_[A-Za-z0-9_-]{43}$/);
    expect(record.keyHash).toBe(createHash("sha256").update(plainKey).digest("hex"));
    expect(record.scopes).toEqual(["book", "search"]);

    const { Items = [] } = await engine.clients.document.send(
      new ScanCommand({ TableName: engine.tableName }),
    );
    const stored = JSON.stringify(Items);
    expect(stored).toContain(record.keyHash);
    expect(stored).not.toContain(plainKey);
    expect(stored).not.toContain(plainKey.slice(3));

    expect(await keys.findByPlainKey(plainKey)).toEqual(record);
    expect(await keys.findByPlainKey(`${plainKey}x`)).toBeUndefined();
    expect(await keys.findByPlainKey("")).toBeUndefined();
    expect(await keys.findById(record.keyId)).toEqual(record);
    expect(await keys.findById("key_01NOTHERE0000000000000000")).toBeUndefined();
  });

  it("hashes deterministically and differently per key", () => {
    expect(hashApiKey("tk_a")).toBe(hashApiKey("tk_a"));
    expect(hashApiKey("tk_a")).not.toBe(hashApiKey("tk_b"));
    expect(hashApiKey("tk_a")).toMatch(/^[0-9a-f]{64}$/);
    // Plain SHA-256 hex (the published vector of "abc"), so keys stored by earlier versions
    // still match.
    expect(hashApiKey("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("lists a tenant's keys newest first with paging, and no other tenant's", async () => {
    const created = [];
    for (const [i, day] of ["01", "03", "02"].entries()) {
      created.push(
        await keys.create({
          tenantId: "globex",
          name: `key ${i}`,
          scopes: ["analytics"],
          rateLimitPerMinute: 60,
          now: now(`2026-05-${day}T00:00:00Z`),
        }),
      );
    }
    await keys.create({
      tenantId: "initech",
      name: "x",
      scopes: ["keys"],
      rateLimitPerMinute: 60,
      now: now("2026-05-09T00:00:00Z"),
    });

    const first = await keys.listByTenant("globex", { limit: 2 });
    expect(first.items.map((k) => k.name)).toEqual(["key 1", "key 2"]);
    expect(first.cursor).not.toBeNull();
    const second = await keys.listByTenant("globex", { limit: 2, cursor: first.cursor });
    expect(second.items.map((k) => k.name)).toEqual(["key 0"]);
    expect(second.cursor).toBeNull();
    expect(JSON.stringify([...first.items, ...second.items])).not.toMatch(/tk_/);
  });

  it("revokes a key once; lookups then show it revoked; unknown keys are undefined", async () => {
    const { record, plainKey } = await keys.create({
      tenantId: "acme",
      name: "to revoke",
      scopes: ["search"],
      rateLimitPerMinute: 60,
      now: now("2026-04-02T00:00:00Z"),
    });
    const revoked = await keys.revoke(record.keyId, now("2026-04-03T00:00:00Z"));
    expect(revoked?.revokedAt).toBe("2026-04-03T00:00:00.000Z");
    const again = await keys.revoke(record.keyId, now("2026-04-04T00:00:00Z"));
    expect(again?.revokedAt).toBe("2026-04-03T00:00:00.000Z");
    expect((await keys.findByPlainKey(plainKey))?.revokedAt).toBe("2026-04-03T00:00:00.000Z");
    expect(
      await keys.revoke("key_01NOTHERE0000000000000000", now("2026-04-04T00:00:00Z")),
    ).toBeUndefined();
  });
});
