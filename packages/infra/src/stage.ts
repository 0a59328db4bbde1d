import { z } from "zod";

/**
 * Typed, validated configuration of one deployed stage.
 *
 * Three profiles exist: `production` (multi-AZ, replicas, deletion protection, retained data),
 * `staging` (production's shape — two AZs, customer-managed key, cache replica with failover,
 * no CORS by default — at smaller sizes, removable) and `dev` (one AZ, smallest sizes). The stage
 * named `production` (or `prod`) gets the production profile, `staging` the staging profile;
 * every other stage name (`dev`, `alice`, `pr-42`, …) gets the dev profile, so personal and
 * preview stages are cheap by default.
 *
 * A handful of values come from the deploying shell's environment, because they differ per
 * account rather than per profile: `ALARM_EMAIL`, `BUDGET_MONTHLY_USD`, `CORS_ALLOW_ORIGINS`,
 * `LOG_LEVEL`. They are validated here, and a bad value fails `sst deploy` before anything is
 * touched, with a message naming the variable.
 */

const logRetentionValues = [
  "1 day",
  "3 days",
  "5 days",
  "1 week",
  "2 weeks",
  "1 month",
  "2 months",
  "3 months",
  "6 months",
  "1 year",
] as const;
export type LogRetention = (typeof logRetentionValues)[number];

/** ElastiCache node types we allow for Valkey (Graviton families only: cheaper per GiB). */
const cacheNodeType = z.string().regex(/^(t4g|m7g|r7g)\.(micro|small|medium|large|\d*xlarge)$/, {
  message:
    'must be a Graviton ElastiCache node type without the "cache." prefix, e.g. "t4g.micro" or "r7g.large"',
});

const stageName = z.string().regex(/^[a-z][a-z0-9-]{0,29}$/, {
  message: "must start with a letter and contain only a-z, 0-9 and '-' (max 30 chars)",
});

export const stageConfigSchema = z
  .object({
    stage: stageName,
    profile: z.enum(["dev", "staging", "production"]),
    /** SST `removal`: what happens to resources when the stage is removed. */
    removal: z.enum(["remove", "retain", "retain-all"]),
    /** SST `protect`: refuse `sst remove` on this stage. */
    protect: z.boolean(),
    /** Log level names as Powertools and the API config spell them. */
    logLevel: z.enum(["DEBUG", "INFO", "WARN", "ERROR"]),
    network: z.object({
      /** Number of availability zones; private + public subnet per AZ. */
      availabilityZones: z.number().int().min(1).max(3),
      /** `ec2`: one t4g.nano NAT instance per AZ (~$7/month each with its IPv4); `managed`: NAT Gateway per AZ (~$36). */
      nat: z.enum(["ec2", "managed"]),
    }),
    table: z.object({
      deletionProtection: z.boolean(),
      /**
       * `aws-managed`: the `aws/dynamodb` KMS key (no key fee);
       * `customer-managed`: a dedicated KMS key with yearly rotation ($1/month).
       */
      encryption: z.enum(["aws-managed", "customer-managed"]),
    }),
    cache: z.object({
      nodeType: cacheNodeType,
      /** Read replicas besides the primary (0 = single node). */
      replicas: z.number().int().min(0).max(5),
      /** Automatic failover to a replica in another AZ; needs at least one replica. */
      multiAz: z.boolean(),
    }),
    api: z.object({
      memoryMb: z.number().int().min(128).max(10_240),
      /** API Gateway HTTP APIs cut integrations at 30 s; the Lambda must stop before that. */
      timeoutSeconds: z.number().int().min(1).max(29),
      throttle: z.object({
        rateLimit: z.number().int().positive(),
        burstLimit: z.number().int().positive(),
      }),
      /** Browser origins API Gateway answers CORS for; empty: no CORS (server-to-server only). */
      corsAllowOrigins: z.array(z.string().min(1)),
      logRetention: z.enum(logRetentionValues),
      /** Warm instances kept ready (0 = none; costs money every hour). */
      provisionedConcurrency: z.number().int().min(0),
      /** How CodeDeploy shifts the live alias to a new version (rolled back on the API's alarms). */
      deployment: z.enum([
        "canary10Percent10Minutes",
        "canary10Percent5Minutes",
        "linear10PercentEvery1Minute",
        "allAtOnce",
      ]),
    }),
    consumer: z.object({
      memoryMb: z.number().int().min(128).max(10_240),
      timeoutSeconds: z.number().int().min(1).max(900),
      batchSize: z.number().int().min(1).max(10_000),
      maxBatchingWindowSeconds: z.number().int().min(0).max(300),
      /** Retries of a failing batch before its records go to the dead-letter queue. */
      maxRetryAttempts: z.number().int().min(0).max(10_000),
      /** Records older than this are sent to the dead-letter queue instead of being processed. */
      maxRecordAgeSeconds: z.number().int().min(60).max(604_800),
      parallelizationFactor: z.number().int().min(1).max(10),
    }),
    reconciler: z.object({
      /** How often the booking reconciler runs (1–5 minutes). */
      everyMinutes: z.number().int().min(1).max(5),
      timeoutSeconds: z.number().int().min(1).max(900),
      memoryMb: z.number().int().min(128).max(10_240),
    }),
    alarms: z.object({
      /** Where alarm and budget notifications go; optional for dev, required for production. */
      email: z.email().optional(),
      apiP99LatencyMs: z.number().positive(),
      api5xxRatePercent: z.number().positive().max(100),
      /** The 5xx rate alarm ignores windows with fewer requests than this (noise guard). */
      api5xxMinRequests: z.number().int().min(0),
      streamIteratorAgeMs: z.number().int().positive(),
      cacheCpuPercent: z.number().positive().max(100),
      cacheMemoryPercent: z.number().positive().max(100),
      cacheEvictionsPer5Min: z.number().int().min(0),
      /** Burstable (t4g) cache nodes: alarm when the CPU credit balance falls below this. */
      cacheCpuCreditsMin: z.number().min(0),
      cacheHitRatioPercent: z.number().min(0).max(100),
      /** The hit-ratio alarm ignores windows with fewer searches than this. */
      cacheHitRatioMinSearches: z.number().int().min(0),
      bookingFailuresPer5Min: z.number().int().min(0),
      /** Oldest webhook delivery in the dead-letter queue (ApproximateAgeOfOldestMessage). */
      webhookDlqMaxAgeMinutes: z.number().int().positive(),
    }),
    budget: z.object({
      monthlyLimitUsd: z.number().positive(),
      /** Percentages of the limit at which a *forecast* alert is sent. */
      /** AWS Budgets allows 5 notifications per budget: up to 4 forecast alerts + 1 actual. */
      forecastAlertPercents: z.array(z.number().positive().max(1_000)).min(1).max(4),
    }),
  })
  .superRefine((config, ctx) => {
    if (config.cache.multiAz && config.cache.replicas < 1) {
      ctx.addIssue({
        code: "custom",
        path: ["cache", "multiAz"],
        message: "multi-AZ failover needs at least one replica (cache.replicas >= 1)",
      });
    }
    if (config.cache.multiAz && config.network.availabilityZones < 2) {
      ctx.addIssue({
        code: "custom",
        path: ["cache", "multiAz"],
        message: "multi-AZ cache needs network.availabilityZones >= 2",
      });
    }
    if (config.api.throttle.burstLimit > config.api.throttle.rateLimit) {
      ctx.addIssue({
        code: "custom",
        path: ["api", "throttle", "burstLimit"],
        message: "burst limit must not exceed the steady-state rate limit",
      });
    }
    if (config.reconciler.timeoutSeconds >= config.reconciler.everyMinutes * 60) {
      ctx.addIssue({
        code: "custom",
        path: ["reconciler", "timeoutSeconds"],
        message: "the reconciler must finish before its next run (timeout < schedule interval)",
      });
    }
    if (config.profile === "production") {
      if (!config.alarms.email) {
        ctx.addIssue({
          code: "custom",
          path: ["alarms", "email"],
          message: "production needs an alarm email: set ALARM_EMAIL before `sst deploy`",
        });
      }
      if (!config.protect || config.removal === "remove") {
        ctx.addIssue({
          code: "custom",
          path: ["removal"],
          message:
            'production must be protected and retain data (protect: true, removal: "retain")',
        });
      }
      if (!config.table.deletionProtection) {
        ctx.addIssue({
          code: "custom",
          path: ["table", "deletionProtection"],
          message: "production table must have deletion protection",
        });
      }
    }
  });

export type StageConfig = z.infer<typeof stageConfigSchema>;
export type StageConfigInput = z.input<typeof stageConfigSchema>;

/** Settings shared by both profiles (the defaults the issue asks for). */
const common = {
  throttle: { rateLimit: 10_000, burstLimit: 5_000 },
  alarms: {
    apiP99LatencyMs: 500,
    api5xxRatePercent: 0.1,
    api5xxMinRequests: 100,
    streamIteratorAgeMs: 60_000,
    cacheCpuPercent: 80,
    cacheMemoryPercent: 80,
    cacheEvictionsPer5Min: 100,
    // A t4g node earns 12 (micro) or 24 (small, medium) credits an hour: below 30 it is a couple
    // of hours from being throttled to its baseline CPU.
    cacheCpuCreditsMin: 30,
    cacheHitRatioPercent: 80,
    cacheHitRatioMinSearches: 50,
    bookingFailuresPer5Min: 5,
    // Long enough to re-drive after the depth alarm, short against the receivers' 24 h of retries.
    webhookDlqMaxAgeMinutes: 60,
  },
} as const;

const devProfile = (stage: string): StageConfigInput => ({
  stage,
  profile: "dev",
  removal: "remove",
  protect: false,
  logLevel: "DEBUG",
  network: { availabilityZones: 1, nat: "ec2" },
  table: { deletionProtection: false, encryption: "aws-managed" },
  cache: { nodeType: "t4g.micro", replicas: 0, multiAz: false },
  api: {
    memoryMb: 512,
    timeoutSeconds: 10,
    throttle: { ...common.throttle },
    corsAllowOrigins: ["*"],
    logRetention: "1 week",
    provisionedConcurrency: 0,
    deployment: "allAtOnce",
  },
  consumer: {
    memoryMb: 256,
    timeoutSeconds: 60,
    batchSize: 100,
    maxBatchingWindowSeconds: 1,
    maxRetryAttempts: 3,
    maxRecordAgeSeconds: 3_600,
    parallelizationFactor: 1,
  },
  reconciler: { everyMinutes: 5, timeoutSeconds: 120, memoryMb: 256 },
  alarms: { ...common.alarms },
  budget: { monthlyLimitUsd: 100, forecastAlertPercents: [80, 100] },
});

const productionProfile = (stage: string): StageConfigInput => ({
  stage,
  profile: "production",
  removal: "retain",
  protect: true,
  logLevel: "INFO",
  // A t4g.nano NAT instance per AZ (COST.md): only webhook and supplier egress uses NAT; the
  // table goes through the gateway endpoint and Valkey stays in the VPC.
  network: { availabilityZones: 2, nat: "ec2" },
  table: { deletionProtection: true, encryption: "customer-managed" },
  // Primary + replica in another AZ; the memory and CPU-credit alarms say when to size up.
  cache: { nodeType: "t4g.micro", replicas: 1, multiAz: true },
  api: {
    memoryMb: 1_024,
    timeoutSeconds: 10,
    throttle: { ...common.throttle },
    // Platform teams call the API from their servers; browser origins are opted into.
    corsAllowOrigins: [],
    logRetention: "1 month",
    provisionedConcurrency: 0,
    // 10 % for 10 minutes: long enough for the 5-minute 5xx-rate window to close and alarm.
    deployment: "canary10Percent10Minutes",
  },
  consumer: {
    memoryMb: 512,
    timeoutSeconds: 60,
    batchSize: 100,
    maxBatchingWindowSeconds: 5,
    maxRetryAttempts: 5,
    maxRecordAgeSeconds: 21_600,
    parallelizationFactor: 2,
  },
  reconciler: { everyMinutes: 2, timeoutSeconds: 90, memoryMb: 512 },
  alarms: { ...common.alarms },
  budget: { monthlyLimitUsd: 600, forecastAlertPercents: [80, 100, 120] },
});

/** Production's shape (two AZs, customer key, cache failover, no CORS) at smaller sizes. */
const stagingProfile = (stage: string): StageConfigInput => {
  const production = productionProfile(stage);
  return {
    ...production,
    profile: "staging",
    removal: "remove",
    protect: false,
    table: { deletionProtection: false, encryption: "customer-managed" },
    cache: { ...production.cache, nodeType: "t4g.micro" },
    api: {
      ...production.api,
      memoryMb: 512,
      logRetention: "2 weeks",
      deployment: "canary10Percent5Minutes",
    },
    consumer: { ...production.consumer, memoryMb: 256 },
    reconciler: { ...production.reconciler, memoryMb: 256 },
    budget: { monthlyLimitUsd: 150, forecastAlertPercents: [80, 100] },
  };
};

/** Stage names that get the production profile. */
export const productionStages: readonly string[] = ["production", "prod"];
/** Stage names that get the staging profile. */
export const stagingStages: readonly string[] = ["staging"];

/** Environment variables read at deploy time (all optional; validated). */
export const deployEnvSchema = z.object({
  ALARM_EMAIL: z.email({ message: "ALARM_EMAIL must be an email address" }).optional(),
  BUDGET_MONTHLY_USD: z.coerce
    .number({ message: "BUDGET_MONTHLY_USD must be a number of US dollars" })
    .positive({ message: "BUDGET_MONTHLY_USD must be > 0" })
    .optional(),
  CORS_ALLOW_ORIGINS: z
    .string()
    .transform((value) =>
      value
        .split(",")
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z.union([
            z.literal("*"),
            z.url({
              message: "CORS_ALLOW_ORIGINS entries must be origins like https://app.example.com",
            }),
          ]),
        )
        .min(1, { message: "CORS_ALLOW_ORIGINS must list at least one origin" }),
    )
    .optional(),
  LOG_LEVEL: z
    .string()
    .transform((value) => value.trim().toUpperCase())
    .pipe(
      z.enum(["DEBUG", "INFO", "WARN", "ERROR"], {
        message: "LOG_LEVEL must be one of DEBUG, INFO, WARN, ERROR",
      }),
    )
    .optional(),
});

export type DeployEnv = Record<string, string | undefined>;

/** Thrown when a stage's configuration is invalid; the message lists every problem. */
export class StageConfigError extends Error {
  constructor(
    message: string,
    readonly issues: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StageConfigError";
  }
}

function formatIssues(prefix: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    return path ? `${prefix}${path}: ${issue.message}` : `${prefix}${issue.message}`;
  });
}

/** The profile (before deploy-time overrides) for a stage name. */
export function profileFor(stage: string): StageConfigInput {
  if (productionStages.includes(stage)) return productionProfile(stage);
  if (stagingStages.includes(stage)) return stagingProfile(stage);
  return devProfile(stage);
}

/**
 * `sst dev` runs the functions on the developer's machine against the stage's real resources:
 * allowed on personal stages only.
 *
 * @throws StageConfigError for a production or staging stage.
 */
export function assertDevAllowed(config: StageConfig): void {
  if (config.profile === "dev") return;
  const issue = `\`sst dev\` is refused on the ${config.profile} stage "${config.stage}": it would run your machine's code against its data. Use a personal stage (\`sst dev --stage <your-name>\`) or \`sst deploy --stage ${config.stage}\`.`;
  throw new StageConfigError(issue, [issue]);
}

/**
 * Validate a complete stage configuration.
 *
 * @throws StageConfigError naming every invalid field.
 */
export function parseStageConfig(input: unknown): StageConfig {
  const result = stageConfigSchema.safeParse(input);
  if (!result.success) {
    const issues = formatIssues("", result.error);
    throw new StageConfigError(
      `Invalid stage configuration:\n  - ${issues.join("\n  - ")}`,
      issues,
      {
        cause: result.error,
      },
    );
  }
  return result.data;
}

/**
 * Resolve the configuration of a stage: its profile plus validated deploy-time variables.
 *
 * @example
 * ```ts
 * const config = resolveStageConfig($app.stage, process.env);
 * new sst.aws.Vpc("Vpc", { az: config.network.availabilityZones, nat: config.network.nat });
 * ```
 * @throws StageConfigError when the stage name, a variable or the resulting config is invalid.
 */
export function resolveStageConfig(stage: string, env: DeployEnv = {}): StageConfig {
  const envResult = deployEnvSchema.safeParse(env);
  if (!envResult.success) {
    const issues = formatIssues("", envResult.error);
    throw new StageConfigError(
      `Invalid deploy environment for stage "${stage}":\n  - ${issues.join("\n  - ")}`,
      issues,
      { cause: envResult.error },
    );
  }
  const overrides = envResult.data;
  const base = profileFor(stage);
  const merged: StageConfigInput = {
    ...base,
    logLevel: overrides.LOG_LEVEL ?? base.logLevel,
    api: {
      ...base.api,
      corsAllowOrigins: overrides.CORS_ALLOW_ORIGINS ?? base.api.corsAllowOrigins,
    },
    alarms: { ...base.alarms, email: overrides.ALARM_EMAIL ?? base.alarms.email },
    budget: {
      ...base.budget,
      monthlyLimitUsd: overrides.BUDGET_MONTHLY_USD ?? base.budget.monthlyLimitUsd,
    },
  };
  try {
    return parseStageConfig(merged);
  } catch (error) {
    if (error instanceof StageConfigError) {
      throw new StageConfigError(
        `Invalid configuration for stage "${stage}":\n  - ${error.issues.join("\n  - ")}`,
        error.issues,
        { cause: error },
      );
    }
    throw error;
  }
}
