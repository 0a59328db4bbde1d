import { Logger } from "@aws-lambda-powertools/logger";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { dayFromToday, flightRecords, insertInventory, seedFlight } from "./fixtures.js";
import { readProblem, startTestApp, type TestApp, tableSnapshot } from "./harness.js";

interface BookingBody {
  id: string;
  reference: string;
  status: string;
  offerId: string;
  offerType: string;
  quantity: number;
  total: { amount: string; currency: string };
  travelers: { givenName: string; familyName: string }[];
  contact: { email: string };
  createdAt: string;
}

const TRAVELER = { givenName: "Zebulon", familyName: "Quixotesque" };
const CONTACT = { email: "zebulon.private@example.org", phone: "+1 212 555 0199" };

function body(offerId: string, quantity = 1, amount = "250.00") {
  return {
    offerId,
    quantity,
    travelers: Array.from({ length: quantity }, () => TRAVELER),
    contact: CONTACT,
    expectedTotal: { amount, currency: "USD" },
  };
}

describe("bookings through HTTP (dynalite, in-process cache)", { timeout: 120_000 }, () => {
  let t: TestApp;
  let key: string;
  let keyB: string;
  let searchKey: string;
  const logged: string[] = [];
  let keySeq = 0;
  const newKey = () => `http-key-${Date.now()}-${keySeq++}`;

  const post = (payload: unknown, idempotencyKey: string | undefined, apiKey = key) =>
    t.request("/v1/bookings", {
      method: "POST",
      key: apiKey,
      headers: {
        "content-type": "application/json",
        ...(idempotencyKey === undefined ? {} : { "idempotency-key": idempotencyKey }),
      },
      body: JSON.stringify(payload),
    });
  const seats = async (offerId: string) =>
    (await t.engine.db.entities.flightOffer.get({ offerId }).go({ consistent: true })).data!
      .seatsAvailable;

  beforeAll(async () => {
    // Logs at DEBUG so anything that would log a body gets the chance to.
    const logger = new Logger({ serviceName: "bookings-test", logLevel: "DEBUG" });
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      vi.spyOn(stream, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        logged.push(String(chunk));
        return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write);
    }
    t = await startTestApp({ overrides: { logger } });
    key = await t.createKey(["book"], { tenantId: "tenant-a" });
    keyB = await t.createKey(["book"], { tenantId: "tenant-b" });
    searchKey = await t.createKey(["search"], { tenantId: "tenant-a" });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await t.close();
  });

  it("books, replays with idempotent-replayed, and refuses the key with another body", async () => {
    const offerId = await seedFlight(t.engine.db, 5);
    const idempotencyKey = newKey();
    const res = await post(body(offerId), idempotencyKey);
    expect(res.status).toBe(201);
    expect(res.headers.get("idempotent-replayed")).toBeNull();
    const booking = (await res.json()) as BookingBody;
    expect(booking).toMatchObject({
      status: "confirmed",
      offerId,
      offerType: "flight",
      quantity: 1,
      total: { amount: "250.00", currency: "USD" },
      travelers: [TRAVELER],
      contact: CONTACT,
    });
    expect(booking.id).toMatch(/^bkg_/);
    expect(booking.reference).toMatch(/^[A-Z0-9]{6}$/);
    expect(res.headers.get("location")).toBe(`/v1/bookings/${booking.id}`);

    const replay = await post(body(offerId), idempotencyKey);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.json()).toEqual(booking);

    const conflict = await post(body(offerId, 2, "500.00"), idempotencyKey);
    expect(conflict.status).toBe(409);
    expect(await readProblem(conflict)).toMatchObject({
      code: "idempotency_conflict",
      status: 409,
    });
    expect(await seats(offerId)).toBe(4);

    const got = await t.request(`/v1/bookings/${booking.id}`, { key });
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(booking);
  });

  it("answers the contract's problems: 400 without a key, 422 bad key, 415, 409 price_changed with the total", async () => {
    const offerId = await seedFlight(t.engine.db, 5);
    const missing = await post(body(offerId), undefined);
    expect(missing.status).toBe(400);
    expect(await readProblem(missing)).toMatchObject({ code: "idempotency_key_required" });

    for (const bad of ["short", "x".repeat(129)]) {
      const res = await post(body(offerId), bad);
      expect(res.status).toBe(422);
      expect(await readProblem(res)).toMatchObject({
        code: "validation_failed",
        errors: [{ path: "Idempotency-Key", message: expect.any(String) }],
      });
    }

    const text = await t.request("/v1/bookings", {
      method: "POST",
      key,
      headers: { "content-type": "text/plain", "idempotency-key": newKey() },
      body: JSON.stringify(body(offerId)),
    });
    expect(text.status).toBe(415);
    expect(await readProblem(text)).toMatchObject({ code: "unsupported_media_type" });

    const idempotencyKey = newKey();
    const stale = await post(body(offerId, 1, "199.99"), idempotencyKey);
    expect(stale.status).toBe(409);
    expect(await readProblem(stale)).toMatchObject({
      code: "price_changed",
      total: { amount: "250.00", currency: "USD" },
      requestId: expect.any(String),
    });
    const again = await post(body(offerId, 1, "199.99"), idempotencyKey);
    expect(again.status).toBe(409);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await readProblem(again)).toMatchObject({ code: "price_changed" });

    const unknown = await post(body("off_01ARZ3NDEKTSV4RRFFQ69G5FAV"), newKey());
    expect(unknown.status).toBe(404);
    expect(await readProblem(unknown)).toMatchObject({ code: "offer_not_found" });

    const searchOnly = await post(body(offerId), newKey(), searchKey);
    expect(searchOnly.status).toBe(403);
    expect(await seats(offerId)).toBe(5);
  });

  it("lists own bookings newest first, cancels once, and hides everything from other tenants", async () => {
    const offerId = await seedFlight(t.engine.db, 9);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await post(body(offerId), newKey());
      ids.push(((await res.json()) as BookingBody).id);
      await new Promise((r) => setTimeout(r, 5));
    }
    const page1 = await t.request("/v1/bookings?limit=2", { key });
    const p1 = (await page1.json()) as { data: BookingBody[]; meta: { nextCursor: string | null } };
    expect(p1.data.map((b) => b.id)).toEqual([ids[2], ids[1]]);
    const page2 = await t.request(
      `/v1/bookings?limit=2&cursor=${encodeURIComponent(p1.meta.nextCursor!)}`,
      { key },
    );
    const p2 = (await page2.json()) as { data: BookingBody[] };
    expect(p2.data[0]?.id).toBe(ids[0]);
    const tampered = await t.request(`/v1/bookings?cursor=${p1.meta.nextCursor!.slice(0, -3)}abc`, {
      key,
    });
    expect(tampered.status).toBe(422);
    expect(await readProblem(tampered)).toMatchObject({ code: "validation_failed" });
    expect((await t.request("/v1/bookings?limit=0", { key })).status).toBe(422);
    expect((await t.request("/v1/bookings?status=failed", { key })).status).toBe(422);

    // Tenant B sees nothing of tenant A's.
    const id = ids[0]!;
    expect((await t.request(`/v1/bookings/${id}`, { key: keyB })).status).toBe(404);
    const cancelB = await t.request(`/v1/bookings/${id}/cancel`, { method: "POST", key: keyB });
    expect(cancelB.status).toBe(404);
    expect(await readProblem(cancelB)).toMatchObject({ code: "not_found" });
    const listB = (await (await t.request("/v1/bookings", { key: keyB })).json()) as {
      data: BookingBody[];
    };
    expect(listB.data.map((b) => b.id)).not.toContain(id);
    expect(await seats(offerId)).toBe(6);

    const cancel = await t.request(`/v1/bookings/${id}/cancel`, { method: "POST", key });
    expect(cancel.status).toBe(200);
    const cancelled = (await cancel.json()) as BookingBody;
    expect(cancelled.status).toBe("cancelled");
    const twice = await t.request(`/v1/bookings/${id}/cancel`, { method: "POST", key });
    expect(twice.status).toBe(200);
    expect(await twice.json()).toEqual(cancelled);
    expect(await seats(offerId)).toBe(7);
    expect((await t.request(`/v1/bookings/not-an-id`, { key })).status).toBe(404);
  });

  it("invalidates cached searches showing the offer, so the next search shows the seats taken", async () => {
    const date = dayFromToday(12);
    await insertInventory(t.engine.db, { flights: flightRecords(date) });
    const both = await t.createKey(["search", "book"], { tenantId: "tenant-a" });
    const search = () =>
      t.request(`/v1/flights/search?origin=JFK&destination=LAX&departureDate=${date}`, {
        key: both,
      });
    const seatsOf = async (res: Response, id: string) =>
      (
        (await res.json()) as {
          data: { id: string; seatsAvailable: number; price: { amount: string } }[];
        }
      ).data.find((o) => o.id === id);
    const first = await search();
    const offer = await seatsOf(first, "off_01JD8X3Z5K7M9P1Q3R5T7V9XA1");
    expect(offer?.seatsAvailable).toBe(9);
    const cached = await search();
    expect(cached.headers.get("x-cache")).toBe("HIT");

    const res = await post(
      {
        ...body(offer!.id ?? "", 2, "500.00"),
        expectedTotal: { amount: "500.00", currency: "USD" },
      },
      newKey(),
      both,
    );
    expect(res.status).toBe(201);
    // The booking's holds were applied to the read model before the 201: no refill needed.
    const after = await search();
    expect(after.headers.get("x-cache")).toBe("HIT");
    expect((await seatsOf(after, offer!.id))?.seatsAvailable).toBe(7);
  });

  it("100 concurrent bookings for 9 seats: exactly 9 × 201, 91 × 409 sold_out, seats end at 0", async () => {
    // 9 seats: the whole flight is within one tenant's cap (max(9, half)), so this is the oversell race.
    const offerId = await seedFlight(t.engine.db, 9);
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => post(body(offerId), `race-${offerId}-${i}`)),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(9);
    expect(statuses.filter((s) => s === 409)).toHaveLength(91);
    const problems = await Promise.all(responses.filter((r) => r.status === 409).map(readProblem));
    expect(new Set(problems.map((p) => p.code))).toEqual(new Set(["sold_out"]));
    expect(await seats(offerId)).toBe(0);
  });

  it("one key racing 40 bookings for a 30-seat flight gets its cap of 15; past it 409 tenant_inventory_cap", async () => {
    const offerId = await seedFlight(t.engine.db, 30);
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => post(body(offerId), `hoard-${offerId}-${i}`)),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(15);
    const refused = responses.filter((r) => r.status === 409);
    expect(refused).toHaveLength(25);
    expect(refused[0]!.headers.get("content-type")).toContain("application/problem+json");
    const problems = await Promise.all(refused.map(readProblem));
    expect(new Set(problems.map((p) => p.code))).toEqual(new Set(["tenant_inventory_cap"]));
    expect(await seats(offerId)).toBe(15);
    // Another tenant still books what is left of the flight.
    const other = await post(body(offerId), newKey(), keyB);
    expect(other.status).toBe(201);
  });

  it("20 concurrent identical requests with one key: one booking, 20 identical bodies", async () => {
    const offerId = await seedFlight(t.engine.db, 10);
    const idempotencyKey = newKey();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => post(body(offerId), idempotencyKey)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    const bodies = await Promise.all(responses.map((r) => r.text()));
    expect(new Set(bodies).size).toBe(1);
    expect(responses.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(
      19,
    );
    expect(await seats(offerId)).toBe(9);
  });

  it("never logs traveller names or contact details", () => {
    const output = logged.join("");
    expect(output.length).toBeGreaterThan(0);
    for (const secret of [TRAVELER.familyName, TRAVELER.givenName, CONTACT.email, "555 0199"]) {
      expect(output).not.toContain(secret);
    }
  });
});

describe("bad booking input (property-based)", () => {
  let t: TestApp;
  let key: string;
  let offerId: string;

  const snapshot = () => tableSnapshot(t.engine);

  beforeAll(async () => {
    t = await startTestApp();
    key = await t.createKey(["book"], { tenantId: "tenant-fuzz" });
    offerId = await seedFlight(t.engine.db, 5);
  });
  afterAll(async () => {
    await t.close();
  });

  const send = (payload: string, headers: Record<string, string>) =>
    t.request("/v1/bookings", { method: "POST", key, headers, body: payload });

  const valid = () => body(offerId);
  const wrongValue = fc.oneof(
    fc.constant(null),
    // 1 is the valid quantity of the one-traveller body; any other number is wrong everywhere.
    fc.integer().filter((n) => n !== 1),
    fc.double().filter((n) => n !== 1),
    fc.boolean(),
    // A short random string can be a valid value ("pro" is a fine given name): the NUL
    // character makes it wrong for every field (names, email, phone, ids, amount, currency).
    fc.string({ maxLength: 20 }).map((s) => `${s}\u0000`),
    fc.string({ minLength: 2_000, maxLength: 30_000 }),
    fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 1 }), { maxKeys: 4 }),
  );
  const paths = [
    ["offerId"],
    ["quantity"],
    ["travelers"],
    ["travelers", 0],
    ["travelers", 0, "givenName"],
    ["travelers", 0, "familyName"],
    ["travelers", 0, "dateOfBirth"],
    ["contact"],
    ["contact", "email"],
    ["contact", "phone"],
    ["expectedTotal"],
    ["expectedTotal", "amount"],
    ["expectedTotal", "currency"],
    ["extra"],
  ] as const;

  function setPath(
    target: Record<string, unknown>,
    path: readonly (string | number)[],
    value: unknown,
  ) {
    let node: Record<string | number, unknown> = target;
    for (const segment of path.slice(0, -1))
      node = node[segment] as Record<string | number, unknown>;
    node[path.at(-1)!] = value;
  }

  it("answers 4xx problem+json for malformed bodies, wrong types and huge strings, and changes nothing", async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        wrongValue,
        fc.string({ minLength: 8, maxLength: 40 }).filter((k) => /^[\x21-\x7e]+$/.test(k)),
        async (path, value, idempotencyKey) => {
          const payload = valid() as unknown as Record<string, unknown>;
          setPath(payload, path, value);
          const res = await send(JSON.stringify(payload), {
            "content-type": "application/json",
            "idempotency-key": `fuzz-${idempotencyKey}`,
          });
          // A wrong value can happen to be valid (e.g. a phone-like string): then it must be a
          // normal business answer, never a 5xx.
          if (res.status === 201) return false;
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          const problem = await readProblem(res);
          expect(problem.status).toBe(res.status);
          return true;
        },
      ),
      { numRuns: 150 },
    );
    expect(await snapshot()).toBe(before);
  });

  it("answers 4xx for arbitrary JSON, non-JSON text, wrong content types and a missing key", async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json().map((j) => ({ payload: j, type: "application/json" })),
          fc.string({ maxLength: 200 }).map((s) => ({ payload: s, type: "application/json" })),
          fc.string({ maxLength: 200 }).map((s) => ({ payload: s, type: "text/plain" })),
          fc.constant({
            payload: JSON.stringify(valid()),
            type: "application/x-www-form-urlencoded",
          }),
          fc.constant({ payload: "x".repeat(70 * 1024), type: "application/json" }),
        ),
        fc.boolean(),
        async ({ payload, type }, withKey) => {
          const res = await send(payload, {
            "content-type": type,
            ...(withKey ? { "idempotency-key": `fuzz-any-${Math.random()}` } : {}),
          });
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          await readProblem(res);
        },
      ),
      { numRuns: 150 },
    );
    const noKey = await send(JSON.stringify(valid()), { "content-type": "application/json" });
    expect(noKey.status).toBe(400);
    expect(await readProblem(noKey)).toMatchObject({ code: "idempotency_key_required" });
    expect(await snapshot()).toBe(before);
  });
});
