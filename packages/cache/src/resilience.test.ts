import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { CacheTimeoutError, CacheUnavailableError } from "./errors.js";
import type { BreakerState } from "./metrics.js";
import { BreakerGuard, BreakerOpenError } from "./resilience.js";

describe("BreakerGuard", () => {
  const guards: BreakerGuard[] = [];
  afterEach(() => {
    for (const g of guards.splice(0)) g.dispose();
  });
  function make(
    options: { timeoutMs?: number; failureThreshold?: number; realTime?: boolean } = {},
  ) {
    let now = 0;
    const states: BreakerState[] = [];
    const guard = new BreakerGuard({
      timeoutMs: options.timeoutMs ?? 1_000,
      failureThreshold: options.failureThreshold ?? 3,
      halfOpenAfterMs: 500,
      onStateChange: (s) => states.push(s),
      now: options.realTime ? () => performance.now() : () => now,
    });
    guards.push(guard);
    return {
      guard,
      states,
      advance: (ms: number) => {
        now += ms;
      },
    };
  }
  const fail = () => Promise.reject(new Error("ECONNREFUSED"));
  let calls = 0;
  const ok = () => {
    calls++;
    return Promise.resolve("ok");
  };

  it("passes results and errors through while closed; a success resets the failure count", async () => {
    const { guard, states } = make();
    expect(await guard.run(ok)).toBe("ok");
    await expect(guard.run(fail)).rejects.toThrow("ECONNREFUSED");
    await expect(guard.run(fail)).rejects.toThrow("ECONNREFUSED");
    await guard.run(ok);
    await expect(guard.run(fail)).rejects.toThrow("ECONNREFUSED");
    await expect(guard.run(fail)).rejects.toThrow("ECONNREFUSED");
    expect(guard.state()).toBe("closed");
    expect(states).toEqual([]);
    // A synchronous throw is a failure too, not an escape.
    await expect(
      guard.run(() => {
        throw new Error("sync");
      }),
    ).rejects.toThrow("sync");
    expect(guard.state()).toBe("open");
  });

  it("runThen maps the answer or the error where the call settles, and counts like run", async () => {
    const { guard } = make({ timeoutMs: 20, realTime: true });
    const onError = (e: unknown) => `fell open: ${(e as Error).name}`;
    expect(await guard.runThen(ok, (v) => `${v}!`, onError)).toBe("ok!");
    expect(await guard.runThen(fail, (v) => `${v}!`, onError)).toBe("fell open: Error");
    expect(await guard.runThen(() => new Promise(() => {}), String, onError)).toBe(
      "fell open: CacheTimeoutError",
    );
    // A throwing mapping rejects instead of escaping; the store's success still counted.
    await expect(
      guard.runThen(
        ok,
        () => {
          throw new Error("decode");
        },
        onError,
      ),
    ).rejects.toThrow("decode");
    await guard.runThen(fail, String, onError);
    expect(guard.state()).toBe("closed"); // 1 consecutive failure after the success (threshold 3)
    await guard.runThen(fail, String, onError);
    await guard.runThen(fail, String, onError);
    expect(guard.state()).toBe("open");
    calls = 0;
    expect(await guard.runThen(ok, String, onError)).toBe("fell open: BreakerOpenError");
    expect(calls).toBe(0);
  });

  it("opens after consecutive failures and then fails at once without calling the store", async () => {
    const { guard, states } = make();
    for (let i = 0; i < 3; i++) await expect(guard.run(fail)).rejects.toThrow();
    expect(guard.state()).toBe("open");
    calls = 0;
    await expect(guard.run(ok)).rejects.toBeInstanceOf(BreakerOpenError);
    expect(calls).toBe(0);
    expect(states).toEqual(["open"]);
  });

  it("after halfOpenAfterMs lets one trial through: success closes, failure re-opens", async () => {
    const { guard, states, advance } = make();
    for (let i = 0; i < 3; i++) await expect(guard.run(fail)).rejects.toThrow();
    advance(499);
    await expect(guard.run(ok)).rejects.toBeInstanceOf(BreakerOpenError);
    advance(1);
    // The trial fails: open again, for another full wait.
    await expect(guard.run(fail)).rejects.toThrow("ECONNREFUSED");
    expect(guard.state()).toBe("open");
    await expect(guard.run(ok)).rejects.toBeInstanceOf(BreakerOpenError);
    advance(500);
    let release: (v: string) => void = () => {};
    const trial = guard.run(() => new Promise<string>((r) => (release = r)));
    expect(guard.state()).toBe("half-open");
    calls = 0;
    // While the trial runs, everyone else still fails fast.
    await expect(guard.run(ok)).rejects.toBeInstanceOf(BreakerOpenError);
    expect(calls).toBe(0);
    release("back");
    expect(await trial).toBe("back");
    expect(guard.state()).toBe("closed");
    expect(await guard.run(ok)).toBe("ok");
    expect(states).toEqual(["open", "half-open", "open", "half-open", "closed"]);
  });

  it("fails a call that outlives its budget with CacheTimeoutError, and counts it", async () => {
    const { guard } = make({ timeoutMs: 20, failureThreshold: 2, realTime: true });
    const never = () => new Promise<string>(() => {});
    const started = performance.now();
    await expect(guard.run(never)).rejects.toBeInstanceOf(CacheTimeoutError);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(15);
    expect(guard.pending).toBe(0);
    await expect(guard.run(never)).rejects.toBeInstanceOf(CacheTimeoutError);
    expect(guard.state()).toBe("open");
  });

  it("ignores an answer that arrives after its deadline", async () => {
    const { guard } = make({ timeoutMs: 10, realTime: true });
    let late: (v: string) => void = () => {};
    const call = guard.run(() => new Promise<string>((r) => (late = r)));
    await expect(call).rejects.toBeInstanceOf(CacheTimeoutError);
    late("too late");
    await sleep(5);
    expect(guard.pending).toBe(0);
    expect(guard.state()).toBe("closed"); // one failure of three
  });

  it("keeps every concurrent call's own answer while slots are freed and reused", async () => {
    const { guard } = make({ timeoutMs: 60_000, failureThreshold: 1_000, realTime: true });
    const releases: ((v: string) => void)[] = [];
    const held = Array.from({ length: 50 }, () =>
      guard.run(() => new Promise<string>((r) => releases.push(r))),
    );
    // Answer them out of order; each promise must get exactly its own value.
    for (const i of [7, 3, 49, 0, 25, 1]) releases[i]?.(`v${i}`);
    // New calls take the freed slots while the others still wait.
    const reused = await Promise.all(
      Array.from({ length: 6 }, (_, i) => guard.run(() => Promise.resolve(`new${i}`))),
    );
    expect(reused).toEqual(["new0", "new1", "new2", "new3", "new4", "new5"]);
    for (let i = 0; i < 50; i++) if (![7, 3, 49, 0, 25, 1].includes(i)) releases[i]?.(`v${i}`);
    expect(await Promise.all(held)).toEqual(Array.from({ length: 50 }, (_, i) => `v${i}`));
    expect(guard.pending).toBe(0);
  });

  it("never lets a timed-out call's late answer settle the newer call that took its slot", async () => {
    // Fake clock: the stalled call (slot 0) times out while another (slot 1) still waits, so
    // the table is not reset and the next call is given slot 0 again.
    const { guard, advance } = make({ timeoutMs: 10, failureThreshold: 1_000 });
    let stalled: (v: string) => void = () => {};
    const stalledCall = guard.run(() => new Promise<string>((r) => (stalled = r)));
    advance(100);
    let keep: (v: string) => void = () => {};
    const keeper = guard.run(() => new Promise<string>((r) => (keep = r)));
    await expect(stalledCall).rejects.toBeInstanceOf(CacheTimeoutError); // swept (real timer)
    expect(guard.pending).toBe(1);
    let fresh: (v: string) => void = () => {};
    const next = guard.run(() => new Promise<string>((r) => (fresh = r)));
    expect(guard.pending).toBe(2);
    stalled("late");
    await sleep(1);
    expect(guard.pending).toBe(2); // the late answer freed nothing
    fresh("mine");
    keep("kept");
    expect(await next).toBe("mine");
    expect(await keeper).toBe("kept");
    expect(guard.pending).toBe(0);
  });

  it("dispose fails every call still waiting, so a closed cache never leaves a request hanging", async () => {
    const { guard } = make({ timeoutMs: 60_000, realTime: true });
    const never = () => new Promise<string>(() => {});
    const waiting = [guard.run(never), guard.run(never)];
    expect(guard.pending).toBe(2);
    guard.dispose();
    for (const call of waiting) await expect(call).rejects.toBeInstanceOf(CacheUnavailableError);
    expect(guard.pending).toBe(0);
  });
});
