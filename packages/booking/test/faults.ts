import type { BookingRepositories } from "../src/repositories.js";

/** The repository methods that write to the table (each is one DynamoDB write, or a write + read). */
export const WRITE_METHODS = {
  idempotency: ["begin", "takeOver", "releaseLease", "complete"],
  bookings: [
    "createPending",
    "takeLease",
    "releaseLease",
    "confirm",
    "markFailed",
    "cancel",
    "finishRelease",
    "claimReference",
  ],
  holds: ["acquire", "release"],
  inventory: [] as string[],
} as const satisfies Record<keyof BookingRepositories, readonly string[]>;

/**
 * How the injected fault behaves:
 * - `crash-before`: the process dies just before write N (N is not applied, nothing after runs);
 * - `crash-after`: write N is applied, then the process dies before it sees the answer;
 * - `transient`: write N fails once (not applied), the process lives on (it may clean up).
 */
export type FaultMode = "crash-before" | "crash-after" | "transient";

export class InjectedFault extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InjectedFault";
  }
}

/**
 * Wraps the repositories so that the `failAt`-th write (1-based) fails as `mode` says. After a
 * crash every later call, read or write, fails too: the "process" is dead. `writes` records the
 * writes that were attempted, in order, so a test can count the steps of a flow.
 */
export function withFault(
  repos: BookingRepositories,
  options: { failAt: number; mode: FaultMode } | { failAt: 0 },
) {
  const writes: string[] = [];
  let dead = false;
  const wrap = <T extends object>(name: keyof BookingRepositories, target: T): T => {
    const writers = new Set<string>(WRITE_METHODS[name]);
    return new Proxy(target, {
      get(obj, prop, receiver) {
        const value = Reflect.get(obj, prop, receiver) as unknown;
        if (typeof value !== "function") return value;
        return async (...args: unknown[]) => {
          if (dead) throw new InjectedFault(`process is dead (${name}.${String(prop)})`);
          if (!writers.has(String(prop)))
            return (value as (...a: unknown[]) => unknown).apply(obj, args);
          writes.push(`${name}.${String(prop)}`);
          const n = writes.length;
          if (options.failAt === n && "mode" in options) {
            if (options.mode === "crash-before") {
              dead = true;
              throw new InjectedFault(`crash before write ${n} (${name}.${String(prop)})`);
            }
            if (options.mode === "transient") {
              throw new InjectedFault(`transient failure of write ${n} (${name}.${String(prop)})`);
            }
            await (value as (...a: unknown[]) => unknown).apply(obj, args);
            dead = true;
            throw new InjectedFault(`crash after write ${n} (${name}.${String(prop)})`);
          }
          return (value as (...a: unknown[]) => unknown).apply(obj, args);
        };
      },
    });
  };
  const wrapped: BookingRepositories = {
    inventory: wrap("inventory", repos.inventory),
    holds: wrap("holds", repos.holds),
    bookings: wrap("bookings", repos.bookings),
    idempotency: wrap("idempotency", repos.idempotency),
  };
  return { repos: wrapped, writes, isDead: () => dead };
}
