import { spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { type RedisServerHandle, startRedisServer } from "@travel/cache/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayFromToday, flightRecords, insertInventory, JFK_LAX } from "./fixtures.js";
import { startTestApp, type TestApp } from "./harness.js";

const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;

type Phase = "before" | "killed" | "restarted" | "stalled" | "resumed";
interface Sample {
  kind: "search" | "book" | "cancel";
  phase: Phase;
  /** Milliseconds since the phase began, when the request was sent. */
  atMs: number;
  status: number;
  latencyMs: number;
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? Number.NaN;
}

/**
 * Issue 17, "Must show": a test-owned redis-server killed and later stalled (SIGSTOP) under a
 * mixed search/booking load. No booking or cancellation that was written is answered 5xx, a
 * rate-limited key stays within its insurance share while Redis stalls, and the latency a stall
 * adds from its second second on is reported (BENCHMARKS.md "Redis stall under load": a timed
 * bound would not be robust on a shared machine, so it is a measurement, not an assertion).
 */
describe.skipIf(!hasRedisServer)("Redis killed and stalled under a mixed load", () => {
  let server: RedisServerHandle;
  let t: TestApp;
  let key: string;
  const date = dayFromToday(19);
  const searchPath = `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${date}`;
  const flight = JFK_LAX[0]!; // 9 seats at 250.00
  let sequence = 0;

  beforeAll(async () => {
    server = await startRedisServer();
    t = await startTestApp({
      env: {
        REDIS_URL: server.url,
        REDIS_KEY_PREFIX: "fault-load17",
        RATE_LIMIT_INSURANCE_PERCENT: "25",
      },
    });
    for (let i = 0; i < 100 && (await t.deps.health.cache()) !== "ok"; i++) await sleep(50);
    await insertInventory(t.engine.db, { flights: flightRecords(date) });
    key = await t.createKey(["search", "book"]);
  });
  afterAll(async () => {
    server.resume();
    await t.close();
    await server.stop();
  });

  /** One booking of a seat and, when it is confirmed, its cancellation (seats come back). */
  async function bookAndCancel(phase: () => Phase, phaseStart: () => number, samples: Sample[]) {
    const idempotencyKey = `fault-load-${sequence++}`;
    const sentIn = phase();
    const sent = performance.now();
    const booked = await t.request("/v1/bookings", {
      method: "POST",
      key,
      headers: { "content-type": "application/json", "idempotency-key": idempotencyKey },
      body: JSON.stringify({
        offerId: flight.id,
        quantity: 1,
        travelers: [{ givenName: "Ada", familyName: "Lovelace" }],
        contact: { email: "ada@example.org" },
        expectedTotal: { amount: "250.00", currency: "USD" },
      }),
    });
    const record: Sample = {
      kind: "book",
      phase: sentIn,
      atMs: sent - phaseStart(),
      status: booked.status,
      latencyMs: performance.now() - sent,
    };
    samples.push(record);
    if (booked.status !== 201) {
      await booked.arrayBuffer();
      return;
    }
    const { id } = (await booked.json()) as { id: string };
    const stored = await t.deps.bookings.get({ tenantId: "tenant-test", bookingId: id });
    expect(stored.status, `${idempotencyKey} answered 201`).toBe("confirmed");
    const cancelIn = phase();
    const cancelSent = performance.now();
    const cancelled = await t.request(`/v1/bookings/${id}/cancel`, { method: "POST", key });
    samples.push({
      kind: "cancel",
      phase: cancelIn,
      atMs: cancelSent - phaseStart(),
      status: cancelled.status,
      latencyMs: performance.now() - cancelSent,
    });
    await cancelled.arrayBuffer();
  }

  it("answers every written booking as written, keeps rate limits within the insurance share, and reports the stall's cost", async () => {
    const samples: Sample[] = [];
    let phase: Phase = "before";
    let phaseStart = performance.now();
    const enter = (next: Phase) => {
      phase = next;
      phaseStart = performance.now();
    };
    let running = true;
    const worker = async (index: number) => {
      while (running) {
        if (index === 0) {
          await bookAndCancel(
            () => phase,
            () => phaseStart,
            samples,
          );
        } else {
          const sent = performance.now();
          const at = sent - phaseStart;
          const current = phase;
          const res = await t.request(searchPath, { key });
          samples.push({
            kind: "search",
            phase: current,
            atMs: at,
            status: res.status,
            latencyMs: performance.now() - sent,
          });
          await res.arrayBuffer();
        }
      }
    };
    const workers = [0, 1, 2].map(worker);

    await sleep(1_500);
    const explicit: Sample[] = [];
    const onePair = () =>
      bookAndCancel(
        () => phase,
        () => phaseStart,
        explicit,
      );
    enter("killed");
    await server.kill();
    await onePair();
    await sleep(1_000);
    enter("restarted");
    await server.restart();
    await sleep(1_500);

    // A key limited to 40 a minute, first used during the stall: its insurance share is 10.
    const limitedKey = await t.createKey(["search"], { rateLimitPerMinute: 40 });
    enter("stalled");
    server.pause();
    const limited: number[] = [];
    await sleep(1_000);
    for (let i = 0; i < 30; i++) {
      const res = await t.request(searchPath, { key: limitedKey });
      limited.push(res.status);
      await res.arrayBuffer();
    }
    await onePair();
    await sleep(1_000);
    enter("resumed");
    server.resume();
    await sleep(1_500);
    running = false;
    await Promise.all(workers);

    // 0 bookings or cancellations answered 5xx (every 201 was checked against the table), and
    // one booking + cancellation made while Redis was dead and one while it stalled succeeded.
    const writes = [...samples, ...explicit].filter((s) => s.kind !== "search");
    expect(writes.filter((s) => s.status >= 500)).toEqual([]);
    expect(explicit.map((s) => [s.kind, s.phase, s.status])).toEqual([
      ["book", "killed", 201],
      ["cancel", "killed", 200],
      ["book", "stalled", 201],
      ["cancel", "stalled", 200],
    ]);
    // A search may find no offer source in time while Redis stalls (a retryable 503, counted
    // below), never an internal error.
    const searchFailures = samples.filter((s) => s.kind === "search" && s.status >= 500);
    expect(searchFailures.filter((s) => s.status !== 503)).toEqual([]);

    // Rate limits are enforced while Redis stalls: at most the 25 % insurance share passes the
    // limiter (a passed search may still find no offer source in time: 503).
    const passed = limited.filter((s) => s !== 429);
    expect(passed.length).toBeGreaterThan(0);
    expect(passed.length).toBeLessThanOrEqual(10);
    expect(passed.filter((s) => s !== 200 && s !== 503)).toEqual([]);

    const searches = (p: Phase, fromMs = 0) =>
      samples
        .filter((s) => s.kind === "search" && s.phase === p && s.atMs >= fromMs)
        .map((s) => s.latencyMs);
    const baseline = searches("before");
    const stalled = searches("stalled", 1_000);
    expect(baseline.length).toBeGreaterThan(5);
    expect(stalled.length).toBeGreaterThan(5);
    console.info(
      `redis stall under load: search p99 before ${p99(baseline).toFixed(1)} ms (n=${baseline.length}), ` +
        `stalled from 1 s on ${p99(stalled).toFixed(1)} ms (n=${stalled.length}), ` +
        `extra ${(p99(stalled) - p99(baseline)).toFixed(1)} ms; bookings+cancels ${writes.length}, ` +
        `search 503s ${searchFailures.length} of ${samples.length - writes.length}`,
    );
  }, 120_000); // the scenario sleeps through its phases: about 40 s on an idle 2-core machine
});
