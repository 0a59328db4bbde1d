import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { RateLimitedError } from "../../errors.js";

/** Limits the key-table reads one client address can cause with keys that turn out unknown. */
export interface UnknownKeyGuard {
  /** Before a key-table read: throws `RateLimitedError` (429) when the address's budget is spent. */
  beforeLookup(address: string): Promise<void>;
  /** The key existed: the read does not count against the address. */
  found(address: string): Promise<void>;
}

/**
 * A per-address budget of key lookups that find nothing (rate-limiter-flexible, in memory):
 * every read of the key table for a key this process has not cached takes a point before the
 * read, and gets it back when the key exists. A flood of random keys from one address costs at
 * most `lookupsPerMinute` reads a minute per instance; then it is answered 429 without touching
 * DynamoDB. Keys already cached (found or unknown) never read and never count.
 *
 * @example
 * const guard = createUnknownKeyGuard({ lookupsPerMinute: 30 });
 * await guard.beforeLookup(address); const record = await keys.find(key); if (record) await guard.found(address);
 */
export function createUnknownKeyGuard(options: { lookupsPerMinute: number }): UnknownKeyGuard {
  const limiter = new RateLimiterMemory({ points: options.lookupsPerMinute, duration: 60 });
  return {
    async beforeLookup(address) {
      try {
        await limiter.consume(address, 1);
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          throw new RateLimitedError(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
        }
        throw error;
      }
    },
    async found(address) {
      await limiter.reward(address, 1);
    },
  };
}

/**
 * The bucket of a client address: IPv4 as is (also when IPv4-mapped), IPv6 by its /64, the
 * block one subscriber usually holds (rotating within it gains nothing).
 */
export function addressBucket(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!address.includes(":")) return address;
  const [head = "", tail = ""] = address.toLowerCase().split("%")[0]!.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const missing = address.includes("::") ? 8 - headGroups.length - tailGroups.length : 0;
  const groups = [...headGroups, ...Array(Math.max(0, missing)).fill("0"), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
