import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { type Tracer, trace } from "@opentelemetry/api";

/** Structured JSON logs (Powertools Logger): one line per event, CloudWatch-friendly. */
export type AppLogger = Logger;

export function createLogger(options: {
  serviceName: string;
  logLevel: "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT";
}): AppLogger {
  return new Logger({ serviceName: options.serviceName, logLevel: options.logLevel });
}

/**
 * Counters the API emits (rate limiter fail-open, auth failures...). In Lambda they are
 * published as CloudWatch EMF through Powertools Metrics at the end of each invocation; in
 * every runtime they are also kept in process so tests and `/health`-style probes can read them.
 */
export interface AppMetrics {
  increment(name: string, value?: number): void;
  snapshot(): Record<string, number>;
  /** Publishes buffered EMF metrics (Lambda); a no-op when EMF is off. */
  flush(): void;
}

export function createMetrics(options: {
  serviceName: string;
  namespace?: string;
  emitEmf: boolean;
}): AppMetrics {
  const counters = new Map<string, number>();
  const emf = options.emitEmf
    ? new Metrics({
        namespace: options.namespace ?? "TravelPlatform",
        serviceName: options.serviceName,
      })
    : undefined;
  return {
    increment(name, value = 1) {
      counters.set(name, (counters.get(name) ?? 0) + value);
      emf?.addMetric(name, MetricUnit.Count, value);
    },
    snapshot() {
      return Object.fromEntries(counters);
    },
    flush() {
      if (emf?.hasStoredMetrics()) emf.publishStoredMetrics();
    },
  };
}

/** The API's OpenTelemetry tracer (a no-op until an SDK/exporter is registered). */
export function createTracer(): Tracer {
  return trace.getTracer("@travel/api");
}

/** The `{ warn, error }(message, fields)` logger the domain packages take, backed by Powertools. */
export function domainLogger(logger: AppLogger) {
  return {
    warn: (message: string, fields?: Record<string, unknown>) => logger.warn(message, fields ?? {}),
    error: (message: string, fields?: Record<string, unknown>) =>
      logger.error(message, fields ?? {}),
  };
}
