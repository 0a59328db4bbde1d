import { describe, expect, it } from "vitest";
import {
  assertDevAllowed,
  parseStageConfig,
  profileFor,
  resolveStageConfig,
  StageConfigError,
} from "./stage.js";

const prodEnv = { ALARM_EMAIL: "oncall@example.com" };

describe("resolveStageConfig", () => {
  it("gives dev one AZ, EC2 NAT, the smallest cache and nothing retained", () => {
    const dev = resolveStageConfig("dev");
    expect(dev).toMatchObject({
      stage: "dev",
      profile: "dev",
      removal: "remove",
      protect: false,
      network: { availabilityZones: 1, nat: "ec2" },
      table: { deletionProtection: false, encryption: "aws-managed" },
      cache: { nodeType: "t4g.micro", replicas: 0, multiAz: false },
    });
    expect(dev.alarms.email).toBeUndefined();
  });

  it("gives production multi-AZ, a NAT instance per AZ, a replica, deletion protection, retain and protect", () => {
    const prod = resolveStageConfig("production", prodEnv);
    expect(prod).toMatchObject({
      profile: "production",
      removal: "retain",
      protect: true,
      network: { availabilityZones: 2, nat: "ec2" },
      table: { deletionProtection: true, encryption: "customer-managed" },
      cache: { nodeType: "t4g.micro", replicas: 1, multiAz: true },
      alarms: { email: "oncall@example.com" },
    });
  });

  it("uses the issue's defaults on every stage: 10,000 rps / 5,000 burst, p99 500 ms, 0.1% 5xx, 80% hit ratio", () => {
    for (const config of [resolveStageConfig("dev"), resolveStageConfig("production", prodEnv)]) {
      expect(config.api.throttle).toEqual({ rateLimit: 10_000, burstLimit: 5_000 });
      expect(config.alarms).toMatchObject({
        apiP99LatencyMs: 500,
        api5xxRatePercent: 0.1,
        streamIteratorAgeMs: 60_000,
        cacheHitRatioPercent: 80,
      });
      expect(config.reconciler.everyMinutes).toBeGreaterThanOrEqual(1);
      expect(config.reconciler.everyMinutes).toBeLessThanOrEqual(5);
      expect(config.reconciler.timeoutSeconds).toBeLessThan(config.reconciler.everyMinutes * 60);
    }
  });

  it("treats `prod` as production, `staging` as staging and any other stage (personal, preview) as dev", () => {
    expect(resolveStageConfig("prod", prodEnv).profile).toBe("production");
    expect(resolveStageConfig("staging").profile).toBe("staging");
    expect(resolveStageConfig("alice").profile).toBe("dev");
    expect(resolveStageConfig("pr-42").profile).toBe("dev");
    expect(resolveStageConfig("staging-alice").profile).toBe("dev");
  });

  it("gives staging production's shape at smaller sizes, removable, no alarm email required", () => {
    const prod = resolveStageConfig("production", prodEnv);
    const staging = resolveStageConfig("staging");
    expect(staging).toMatchObject({
      removal: "remove",
      protect: false,
      network: prod.network,
      table: { deletionProtection: false, encryption: "customer-managed" },
      cache: { nodeType: "t4g.micro", replicas: 1, multiAz: true },
      api: { corsAllowOrigins: [] },
    });
    expect(staging.api.memoryMb).toBeLessThan(prod.api.memoryMb);
  });

  it("answers no CORS in production and staging unless CORS_ALLOW_ORIGINS names origins; dev allows any", () => {
    expect(resolveStageConfig("production", prodEnv).api.corsAllowOrigins).toEqual([]);
    expect(resolveStageConfig("staging").api.corsAllowOrigins).toEqual([]);
    expect(resolveStageConfig("dev").api.corsAllowOrigins).toEqual(["*"]);
    expect(
      resolveStageConfig("production", {
        ...prodEnv,
        CORS_ALLOW_ORIGINS: "https://app.example.com",
      }).api.corsAllowOrigins,
    ).toEqual(["https://app.example.com"]);
  });

  it("refuses `sst dev` on production and staging, allows it on personal stages", () => {
    expect(() => assertDevAllowed(resolveStageConfig("alice"))).not.toThrow();
    expect(() => assertDevAllowed(resolveStageConfig("prod", prodEnv))).toThrow(
      /`sst dev` is refused on the production stage "prod".*--stage <your-name>/,
    );
    expect(() => assertDevAllowed(resolveStageConfig("staging"))).toThrow(StageConfigError);
  });

  it("applies validated deploy-time variables", () => {
    const config = resolveStageConfig("dev", {
      ALARM_EMAIL: "dev-alerts@example.com",
      BUDGET_MONTHLY_USD: "25",
      CORS_ALLOW_ORIGINS: "https://app.example.com, https://admin.example.com",
      LOG_LEVEL: "warn", // any case
    });
    expect(config.alarms.email).toBe("dev-alerts@example.com");
    expect(config.budget.monthlyLimitUsd).toBe(25);
    expect(config.api.corsAllowOrigins).toEqual([
      "https://app.example.com",
      "https://admin.example.com",
    ]);
    expect(config.logLevel).toBe("WARN");
  });

  it("refuses production without an alarm email, naming ALARM_EMAIL", () => {
    expect(() => resolveStageConfig("production")).toThrow(StageConfigError);
    expect(() => resolveStageConfig("production")).toThrow(/alarms\.email: .*set ALARM_EMAIL/);
  });

  it.each([
    [{ ALARM_EMAIL: "not-an-email" }, /ALARM_EMAIL must be an email address/],
    [{ BUDGET_MONTHLY_USD: "lots" }, /BUDGET_MONTHLY_USD: BUDGET_MONTHLY_USD must be a number/],
    [{ BUDGET_MONTHLY_USD: "-5" }, /BUDGET_MONTHLY_USD must be > 0/],
    [{ CORS_ALLOW_ORIGINS: "app.example.com" }, /CORS_ALLOW_ORIGINS entries must be origins/],
    [{ LOG_LEVEL: "verbose" }, /LOG_LEVEL must be one of DEBUG, INFO, WARN, ERROR/],
  ])("rejects a bad deploy variable %j with a message naming it", (env, message) => {
    const attempt = () => resolveStageConfig("dev", env);
    expect(attempt).toThrow(StageConfigError);
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(/Invalid deploy environment for stage "dev"/);
  });

  it("rejects a stage name SST could not use in resource names", () => {
    expect(() => resolveStageConfig("My_Stage")).toThrow(/stage: must start with a letter/);
  });
});

describe("parseStageConfig", () => {
  it("lists every problem of a hand-edited config, each with its path", () => {
    const broken = {
      ...profileFor("production"),
      table: { deletionProtection: false, encryption: "customer-managed" },
      cache: { nodeType: "cache.t4g.small", replicas: 0, multiAz: true },
      alarms: { ...profileFor("production").alarms, email: "oncall@example.com" },
    };
    let error: unknown;
    try {
      parseStageConfig(broken);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StageConfigError);
    const issues = (error as StageConfigError).issues;
    expect(issues).toContain(
      'cache.nodeType: must be a Graviton ElastiCache node type without the "cache." prefix, e.g. "t4g.micro" or "r7g.large"',
    );
    // Refinements run only on structurally valid input; fix the node type and check them.
    const refined = () =>
      parseStageConfig({ ...broken, cache: { ...broken.cache, nodeType: "t4g.small" } });
    expect(refined).toThrow(/cache\.multiAz: multi-AZ failover needs at least one replica/);
    expect(refined).toThrow(
      /table\.deletionProtection: production table must have deletion protection/,
    );
  });

  it("rejects a burst above the rate limit and a reconciler that would overlap its next run", () => {
    const dev = profileFor("dev");
    expect(() =>
      parseStageConfig({
        ...dev,
        api: { ...dev.api, throttle: { rateLimit: 100, burstLimit: 200 } },
      }),
    ).toThrow(/api\.throttle\.burstLimit: burst limit must not exceed/);
    expect(() =>
      parseStageConfig({
        ...dev,
        reconciler: { ...dev.reconciler, everyMinutes: 1, timeoutSeconds: 60 },
      }),
    ).toThrow(/reconciler\.timeoutSeconds: the reconciler must finish before its next run/);
  });
});
