import { z } from "zod";
import { ConfigError } from "./errors.js";

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const intInRange = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((v) => v ?? fallback);

/** A switch: `on` / `off` → true / false, `fallback` when unset. */
const onOff = (fallback: boolean) =>
  z
    .enum(["on", "off"], { message: "must be on or off" })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === "on"));

/** Every environment variable the API reads, with its default. The README's table mirrors this. */
const envSchema = z.object({
  PORT: intInRange(0, 65_535, 3000),
  HOST: optionalString.transform((v) => v ?? "127.0.0.1"),
  TABLE_NAME: optionalString.transform((v) => v ?? "travel"),
  DYNAMO_ENDPOINT: z
    .url()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  AWS_REGION: optionalString.transform((v) => v ?? "us-east-1"),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, "must be a redis:// or rediss:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  REDIS_KEY_PREFIX: optionalString.transform((v) => v ?? "travel"),
  CURSOR_SIGNING_KEY: z
    .string()
    .min(32, "must be at least 32 characters")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  CORS_ORIGINS: optionalString.transform((v) =>
    v
      ? v
          .split(",")
          .map((o) => o.trim())
          .filter(Boolean)
      : [],
  ),
  BODY_LIMIT_BYTES: intInRange(1024, 10 * 1024 * 1024, 64 * 1024),
  LOG_LEVEL: z
    .string()
    .trim()
    .toUpperCase()
    .optional()
    .transform((v) => v || undefined)
    .pipe(
      z
        .enum(["DEBUG", "INFO", "WARN", "ERROR", "SILENT"], {
          message: "must be one of DEBUG, INFO, WARN, ERROR, SILENT (any case)",
        })
        .optional(),
    )
    .transform((v) => v ?? "INFO"),
  SERVICE_NAME: optionalString.transform((v) => v ?? "travel-api"),
  DEFAULT_RATE_LIMIT_PER_MINUTE: intInRange(1, 1_000_000, 600),
  /** Per-instance share of a key's limit (percent) enforced while Redis is out. */
  RATE_LIMIT_INSURANCE_PERCENT: intInRange(1, 100, 25),
  /** Share (percent) of a flight's seats or a night's rooms one tenant may hold (min 9 units). */
  TENANT_INVENTORY_SHARE_PERCENT: intInRange(1, 100, 50),
  /** Key-table reads per minute one client address may cause with unknown keys (0: no limit). */
  UNKNOWN_KEY_LOOKUPS_PER_MINUTE: intInRange(0, 1_000_000, 30),
  API_KEY_CACHE_SECONDS: intInRange(0, 30, 30),
  API_KEY_NEGATIVE_CACHE_SECONDS: intInRange(0, 30, 5),
  SEARCH_CACHE_TTL_SECONDS: intInRange(300, 900, 600),
  CACHE_COMMAND_TIMEOUT_MS: intInRange(5, 5_000, 100),
  /** Keep decoded read-model entries in process, checked against Redis on every read. */
  READ_MODEL_NEAR_CACHE: onOff(true),
  /** Days of published inventory from today (`meta.inventoryHorizon`; `pnpm seed --days`). */
  INVENTORY_HORIZON_DAYS: intInRange(1, 366, 30),
  /** Key material (32+ characters) encrypting webhook endpoint secrets at rest. */
  WEBHOOK_SECRET_KEY: z
    .string()
    .min(32, "must be at least 32 characters")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** Local mode: allow http(s)://127.0.0.1:<port> and localhost webhook receivers. */
  WEBHOOK_LOCAL_RECEIVERS: onOff(false),
  /** Lambda only: flush search events and metrics after the response is sent (`on`) or before (`off`). */
  POST_RESPONSE_FLUSH: onOff(true),
});

export type AppConfig = {
  port: number;
  host: string;
  tableName: string;
  dynamoEndpoint: string | undefined;
  region: string;
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  cursorSigningKey: string | undefined;
  corsOrigins: string[];
  bodyLimitBytes: number;
  logLevel: "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT";
  serviceName: string;
  defaultRateLimitPerMinute: number;
  /** Per-instance share (percent) of a key's limit enforced while Redis is out. */
  rateLimitInsurancePercent: number;
  /** Share (percent) of one flight's seats / one night's rooms a tenant may hold (`tenant_inventory_cap`). */
  tenantInventorySharePercent: number;
  /** Key-table reads per minute per client address for keys that turn out unknown (0: off). */
  unknownKeyLookupsPerMinute: number;
  apiKeyCacheSeconds: number;
  apiKeyNegativeCacheSeconds: number;
  searchCacheTtlSeconds: number;
  /** Budget per Redis cache command; slower answers fall open to the source. */
  cacheCommandTimeoutMs: number;
  /** Decoded read-model entries kept in process (reused while their Redis generation holds). */
  readModelNearCache: boolean;
  /** Days of published inventory from today, today included (`meta.inventoryHorizon`). */
  inventoryHorizonDays: number;
  /** Lambda: run the end-of-invocation flush after the response (internal extension). */
  postResponseFlush: boolean;
  /** Key material for webhook endpoint secrets at rest (`WEBHOOK_SECRET_KEY`). */
  webhookSecretKey: string | undefined;
  /** Local receivers (127.0.0.1 / localhost) allowed as webhook URLs: local mode only. */
  webhookLocalReceivers: boolean;
};

/**
 * Parses the environment once, at start. A bad value throws a `ConfigError` naming the
 * variable, so a misconfigured deployment fails its first invocation loudly instead of
 * serving with a surprising default.
 *
 * @example
 * const config = loadConfig(process.env);
 * const config = loadConfig({ REDIS_URL: "redis://127.0.0.1:6379", LOG_LEVEL: "SILENT" });
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const picked: Record<string, string | undefined> = {};
  for (const key of Object.keys(envSchema.shape)) picked[key] = env[key];
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration: ${lines.join("; ")}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    tableName: e.TABLE_NAME,
    dynamoEndpoint: e.DYNAMO_ENDPOINT,
    region: e.AWS_REGION,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    cursorSigningKey: e.CURSOR_SIGNING_KEY,
    corsOrigins: e.CORS_ORIGINS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    logLevel: e.LOG_LEVEL,
    serviceName: e.SERVICE_NAME,
    defaultRateLimitPerMinute: e.DEFAULT_RATE_LIMIT_PER_MINUTE,
    rateLimitInsurancePercent: e.RATE_LIMIT_INSURANCE_PERCENT,
    tenantInventorySharePercent: e.TENANT_INVENTORY_SHARE_PERCENT,
    unknownKeyLookupsPerMinute: e.UNKNOWN_KEY_LOOKUPS_PER_MINUTE,
    apiKeyCacheSeconds: e.API_KEY_CACHE_SECONDS,
    apiKeyNegativeCacheSeconds: e.API_KEY_NEGATIVE_CACHE_SECONDS,
    searchCacheTtlSeconds: e.SEARCH_CACHE_TTL_SECONDS,
    cacheCommandTimeoutMs: e.CACHE_COMMAND_TIMEOUT_MS,
    readModelNearCache: e.READ_MODEL_NEAR_CACHE,
    inventoryHorizonDays: e.INVENTORY_HORIZON_DAYS,
    postResponseFlush: e.POST_RESPONSE_FLUSH,
    webhookSecretKey: e.WEBHOOK_SECRET_KEY,
    webhookLocalReceivers: e.WEBHOOK_LOCAL_RECEIVERS,
  };
}
