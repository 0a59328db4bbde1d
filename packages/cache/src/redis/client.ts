import type { ConnectionOptions } from "node:tls";
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { z } from "zod";
import { parseConfig } from "../config-error.js";
import type { RedisClient } from "./redis-store.js";

const tlsSchema = z.union([
  z.boolean(),
  z.object({
    servername: z.string().optional(),
    rejectUnauthorized: z.boolean().optional(),
    /** PEM bundle, for private CAs. ElastiCache certificates verify against the default store. */
    ca: z.string().optional(),
  }),
]);

/** How to reach Redis/Valkey. `rediss://` URLs imply TLS (ElastiCache in-transit encryption). */
export const redisConnectionSchema = z
  .object({
    url: z
      .string()
      .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
      .optional(),
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65_535).optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    db: z.number().int().min(0).optional(),
    tls: tlsSchema.optional(),
    /** Cluster mode: `url`/`host` is the configuration endpoint. */
    cluster: z.boolean().default(false),
    connectTimeoutMs: z.number().int().positive().default(2_000),
  })
  .refine((c) => c.url !== undefined || c.host !== undefined, {
    message: "either url or host is required",
    path: ["url"],
  });

export type RedisConnectionConfig = z.input<typeof redisConnectionSchema>;

/**
 * Builds an ioredis client (standalone or cluster) from connection settings, so the API's rate
 * limiter can share them. The caller owns the client and must `quit()` it.
 *
 * @example
 * const redis = createRedisClient({ url: process.env.REDIS_URL, tls: true });
 */
export function createRedisClient(config: RedisConnectionConfig): RedisClient {
  const c = parseConfig(redisConnectionSchema, config, "redis connection");
  const url = c.url ? new URL(c.url) : undefined;
  const tlsFromUrl = url?.protocol === "rediss:";
  const tls: ConnectionOptions | undefined =
    c.tls === true || (c.tls === undefined && tlsFromUrl)
      ? {}
      : typeof c.tls === "object"
        ? c.tls
        : undefined;
  const username = c.username ?? (url?.username ? decodeURIComponent(url.username) : undefined);
  const password = c.password ?? (url?.password ? decodeURIComponent(url.password) : undefined);
  const host = c.host ?? url?.hostname ?? "127.0.0.1";
  const port = c.port ?? (url?.port ? Number(url.port) : 6379);
  const common: RedisOptions = {
    username,
    password,
    tls,
    connectTimeout: c.connectTimeoutMs,
    // Commands queued while disconnected fail after one reconnect attempt instead of piling up.
    maxRetriesPerRequest: 1,
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  };
  if (c.cluster) {
    return new Cluster([{ host, port }], {
      // ElastiCache TLS certificates name the configuration endpoint, not the node IPs.
      dnsLookup: (address, callback) => callback(null, address),
      redisOptions: {
        username,
        password,
        tls,
        connectTimeout: c.connectTimeoutMs,
        maxRetriesPerRequest: 1,
      },
      enableAutoPipelining: true,
      clusterRetryStrategy: (times) => Math.min(times * 100, 2_000),
    });
  }
  const db = c.db ?? (url && url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined);
  return new Redis({ ...common, host, port, ...(db === undefined ? {} : { db }) });
}
