import { startLocalEngine } from "@travel/core/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readProblem, startTestApp, type TestApp } from "./harness.js";

describe("API keys and auth (real dynalite)", () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.createKey(["keys", "search", "platform"], { tenantId: "operator" });
  });
  afterAll(async () => {
    await t.close();
  });

  const json = (body: unknown) => ({
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

  it("creates a key whose plain value works once shown, and lists keys without secrets", async () => {
    const created = await t.request("/v1/admin/api-keys", {
      key: admin,
      ...json({ tenantId: "acme", name: "Checkout", scopes: ["keys", "search"] }),
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ tenantId: "acme", name: "Checkout", scopes: ["keys", "search"] });
    expect(body.id).toMatch(/^key_/);
    expect(body.key).toMatch(/^tk_/);
    expect(Date.parse(String(body.createdAt))).not.toBeNaN();

    // The new key authenticates (it has admin) and the list never shows a secret or a hash.
    const listed = await t.request("/v1/admin/api-keys?tenantId=acme", { key: String(body.key) });
    expect(listed.status).toBe(200);
    const list = (await listed.json()) as { data: Record<string, unknown>[]; meta: unknown };
    expect(list.data.map((k) => k.id)).toEqual([body.id]);
    expect(list.meta).toEqual({ count: 1, nextCursor: null });
    const text = JSON.stringify(list);
    expect(text).not.toContain(String(body.key));
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(list.data[0]).not.toHaveProperty("key");
  });

  it("pages a tenant's keys newest first with a cursor, and refuses a tampered cursor with 422", async () => {
    for (const name of ["k1", "k2", "k3"]) {
      const res = await t.request("/v1/admin/api-keys", {
        key: admin,
        ...json({ tenantId: "paged", name, scopes: ["search"] }),
      });
      expect(res.status).toBe(201);
    }
    const first = (await (
      await t.request("/v1/admin/api-keys?tenantId=paged&limit=2", { key: admin })
    ).json()) as { data: { name: string }[]; meta: { nextCursor: string | null } };
    expect(first.data.map((k) => k.name)).toEqual(["k3", "k2"]);
    expect(first.meta.nextCursor).toEqual(expect.any(String));
    const cursor = first.meta.nextCursor as string;
    const second = (await (
      await t.request(
        `/v1/admin/api-keys?tenantId=paged&limit=2&cursor=${encodeURIComponent(cursor)}`,
        {
          key: admin,
        },
      )
    ).json()) as { data: { name: string }[] };
    expect(second.data.map((k) => k.name)).toEqual(["k1"]);

    const tampered = `${cursor.slice(0, -2)}${cursor.endsWith("A") ? "B" : "A"}x`;
    const bad = await t.request(
      `/v1/admin/api-keys?tenantId=paged&cursor=${encodeURIComponent(tampered)}`,
      {
        key: admin,
      },
    );
    expect(bad.status).toBe(422);
    expect(await readProblem(bad)).toMatchObject({
      code: "validation_failed",
      errors: [{ path: "cursor" }],
    });

    // A cursor issued for one tenant does not open another tenant's list.
    const foreign = await t.request(
      `/v1/admin/api-keys?tenantId=acme&cursor=${encodeURIComponent(cursor)}`,
      {
        key: admin,
      },
    );
    expect(foreign.status).toBe(422);
  });

  it("answers 401 for no key, an unknown key and a revoked key (at once in this process)", async () => {
    const noKey = await t.request("/v1/admin/api-keys?tenantId=acme");
    expect(noKey.status).toBe(401);
    expect(await readProblem(noKey)).toMatchObject({
      type: "urn:travel:problem:unauthorized",
      status: 401,
      code: "unauthorized",
      requestId: noKey.headers.get("x-request-id"),
    });

    const unknown = await t.request("/v1/admin/api-keys?tenantId=acme", {
      key: "tk_not-a-real-key",
    });
    expect(unknown.status).toBe(401);

    const victim = await t.createKey(["keys"], { tenantId: "victim" });
    expect((await t.request("/v1/admin/api-keys?tenantId=victim", { key: victim })).status).toBe(
      200,
    );
    const list = (await (
      await t.request("/v1/admin/api-keys?tenantId=victim", { key: admin })
    ).json()) as { data: { id: string }[] };
    const id = list.data[0]?.id;
    const revoked = await t.request(`/v1/admin/api-keys/${id}`, { key: admin, method: "DELETE" });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { revokedAt: string | null }).revokedAt).toEqual(
      expect.any(String),
    );
    // Same process: the lookup cache forgets the key on revocation.
    const after = await t.request("/v1/admin/api-keys?tenantId=victim", { key: victim });
    expect(after.status).toBe(401);
  });

  it("answers 403 forbidden for a key without the route's scope", async () => {
    const searchOnly = await t.createKey(["search"]);
    const res = await t.request("/v1/admin/api-keys?tenantId=acme", { key: searchOnly });
    expect(res.status).toBe(403);
    expect(await readProblem(res)).toMatchObject({ code: "forbidden", status: 403 });
    expect(res.headers.get("ratelimit-limit")).toBe("10000");
  });

  it("answers 404 not_found when revoking an unknown key and 422 for a malformed id", async () => {
    const unknown = await t.request("/v1/admin/api-keys/key_01JD8X3Z5K7M9P1Q3R5T7V9X1Z", {
      key: admin,
      method: "DELETE",
    });
    expect(unknown.status).toBe(404);
    expect(await readProblem(unknown)).toMatchObject({ code: "not_found" });
    const malformed = await t.request("/v1/admin/api-keys/garbage", {
      key: admin,
      method: "DELETE",
    });
    expect(malformed.status).toBe(422);
  });

  it("rejects bad bodies: 422 with each field, 400 for malformed JSON, 415 for non-JSON, 413 when too large", async () => {
    const invalid = await t.request("/v1/admin/api-keys", {
      key: admin,
      ...json({ tenantId: "", name: "x", scopes: ["fly"] }),
    });
    expect(invalid.status).toBe(422);
    const problem = await readProblem(invalid);
    expect(problem.code).toBe("validation_failed");
    const paths = (problem.errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(["scopes.0", "tenantId"]);

    const malformed = await t.request("/v1/admin/api-keys", {
      key: admin,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"tenantId": "acme",',
    });
    expect(malformed.status).toBe(400);
    expect(await readProblem(malformed)).toMatchObject({ code: "validation_failed" });

    const wrongType = await t.request("/v1/admin/api-keys", {
      key: admin,
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "tenantId=acme",
    });
    expect(wrongType.status).toBe(415);
    expect(await readProblem(wrongType)).toMatchObject({ code: "unsupported_media_type" });

    const huge = await t.request("/v1/admin/api-keys", {
      key: admin,
      ...json({ tenantId: "acme", name: "x".repeat(70 * 1024), scopes: ["search"] }),
    });
    expect(huge.status).toBe(413);
    expect(await readProblem(huge)).toMatchObject({ code: "payload_too_large" });
  });
});

describe("revocation across processes", () => {
  it("a key revoked by one instance is refused by another once its short lookup cache expires", async () => {
    const engine = await startLocalEngine();
    const a = await startTestApp({ engine, env: { API_KEY_CACHE_SECONDS: "1" } });
    const b = await startTestApp({ engine, env: { API_KEY_CACHE_SECONDS: "1" } });
    try {
      const admin = await a.createKey(["keys"], { tenantId: "x-proc" });
      expect((await b.request("/v1/admin/api-keys?tenantId=x-proc", { key: admin })).status).toBe(
        200,
      );
      const list = (await (
        await a.request("/v1/admin/api-keys?tenantId=x-proc", { key: admin })
      ).json()) as { data: { id: string }[] };
      await a.request(`/v1/admin/api-keys/${list.data[0]?.id}`, { key: admin, method: "DELETE" });
      await new Promise((r) => setTimeout(r, 1_100));
      expect((await b.request("/v1/admin/api-keys?tenantId=x-proc", { key: admin })).status).toBe(
        401,
      );
    } finally {
      await a.close();
      await b.close();
      await engine.stop();
    }
  });
});
