import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";

/** Namespace and service of the business metrics; the infra's alarms and dashboard read these. */
export const BUSINESS_METRICS = { namespace: "TravelPlatform", serviceName: "travel-api" } as const;

/**
 * Business events counted while one batch is processed, published as one CloudWatch Embedded
 * Metric Format document per batch (plus one per booking-failure reason, which carries the
 * `reason` dimension): `Searches`, `CacheHits`, `CacheHitRatio` (percent), `Bookings`,
 * `Cancellations`, `BookingFailures{reason}`. Only first deliveries are counted (duplicates
 * are skipped before they reach here), so the metrics agree with the aggregates.
 */
export interface BusinessMetrics {
  search(cacheHit: boolean): void;
  booking(): void;
  cancellation(): void;
  bookingFailure(reason: string): void;
  /** Writes the EMF documents for everything counted since the last publish, then resets. */
  publish(): void;
}

/**
 * @example
 * const metrics = new Metrics(BUSINESS_METRICS);
 * const business = createBusinessMetrics(metrics);
 * business.search(true); business.publish(); // one EMF line on stdout
 */
export function createBusinessMetrics(metrics: Metrics | undefined): BusinessMetrics {
  let searches = 0;
  let cacheHits = 0;
  let bookings = 0;
  let cancellations = 0;
  let failures = new Map<string, number>();
  return {
    search(cacheHit) {
      searches++;
      if (cacheHit) cacheHits++;
    },
    booking() {
      bookings++;
    },
    cancellation() {
      cancellations++;
    },
    bookingFailure(reason) {
      failures.set(reason, (failures.get(reason) ?? 0) + 1);
    },
    publish() {
      if (metrics) {
        if (searches > 0) {
          metrics.addMetric("Searches", MetricUnit.Count, searches);
          metrics.addMetric("CacheHits", MetricUnit.Count, cacheHits);
          metrics.addMetric("CacheHitRatio", MetricUnit.Percent, (cacheHits / searches) * 100);
        }
        if (bookings > 0) metrics.addMetric("Bookings", MetricUnit.Count, bookings);
        if (cancellations > 0) metrics.addMetric("Cancellations", MetricUnit.Count, cancellations);
        if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
        for (const [reason, count] of failures) {
          const single = metrics.singleMetric();
          single.addDimension("reason", reason);
          single.addMetric("BookingFailures", MetricUnit.Count, count);
        }
      }
      searches = 0;
      cacheHits = 0;
      bookings = 0;
      cancellations = 0;
      failures = new Map();
    },
  };
}
