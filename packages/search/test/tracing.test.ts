import {
  type Attributes,
  type Span,
  type SpanOptions,
  type SpanStatus,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { createMemoryCache } from "@travel/cache";
import { expect, it } from "vitest";
import { createSearchService } from "../src/service.js";
import { createSimulatedSupplier } from "../src/suppliers/simulated.js";
import { CURSOR_SECRET, DAY, mutableClock } from "./fixtures.js";

interface RecordedSpan {
  name: string;
  attributes: Attributes;
  status?: SpanStatus;
  ended: boolean;
}

/** A tracer that keeps every span in memory (the API package ships no exporter). */
function recordingTracer(): { tracer: Tracer; spans: RecordedSpan[] } {
  const spans: RecordedSpan[] = [];
  const start = (name: string, options?: SpanOptions): Span => {
    const recorded: RecordedSpan = { name, attributes: { ...options?.attributes }, ended: false };
    spans.push(recorded);
    const span = trace.wrapSpanContext({
      traceId: "00000000000000000000000000000001",
      spanId: "0000000000000001",
      traceFlags: 1,
    });
    return Object.assign(Object.create(span) as Span, {
      setAttribute: (k: string, v: Attributes[string]) => {
        recorded.attributes[k] = v;
        return span;
      },
      setAttributes: (a: Attributes) => {
        Object.assign(recorded.attributes, a);
        return span;
      },
      setStatus: (s: SpanStatus) => {
        recorded.status = s;
        return span;
      },
      end: () => {
        recorded.ended = true;
      },
    });
  };
  const tracer: Tracer = {
    startSpan: start,
    startActiveSpan: ((name: string, ...rest: unknown[]) => {
      const fn = rest.at(-1) as (span: Span) => unknown;
      const options = rest.length > 1 ? (rest[0] as SpanOptions) : undefined;
      return fn(start(name, options));
    }) as Tracer["startActiveSpan"],
  };
  return { tracer, spans };
}

it("traces the search and each supplier call with supplier and cache status, without tenant data", async () => {
  const { tracer, spans } = recordingTracer();
  const failing = createSimulatedSupplier({ name: "flaky", failureRate: 1 });
  const cache = createMemoryCache({});
  const service = createSearchService({
    suppliers: [createSimulatedSupplier({ name: "steady" }), failing],
    inventory: {} as never,
    cache,
    clock: mutableClock(),
    cursorSecret: CURSOR_SECRET,
    tracer,
    logger: { warn: () => {}, error: () => {} },
  });
  const query = {
    origin: "JFK",
    destination: "LAX",
    departureDate: DAY,
    adults: 1,
    cabin: "economy" as const,
    sort: "price" as const,
    limit: 20,
  };
  await service.searchFlights(query, { tenantId: "ten_secret_tenant" });
  await service.searchFlights(query, { tenantId: "ten_secret_tenant" });
  await cache.close();

  const supplierSpans = spans.filter((s) => s.name === "supplier.searchFlights");
  expect(
    supplierSpans.map((s) => [
      s.attributes["travel.supplier"],
      s.attributes["travel.supplier.outcome"],
    ]),
  ).toEqual([
    ["steady", "ok"],
    ["flaky", "error"],
  ]);
  expect(supplierSpans[1]?.status?.code).toBe(2); // SpanStatusCode.ERROR
  const searches = spans.filter((s) => s.name === "search.flights");
  expect(searches.map((s) => s.attributes["cache.status"])).toEqual(["miss", "hit"]);
  expect(searches[0]?.attributes["travel.route"]).toBe("JFK-LAX");
  expect(spans.every((s) => s.ended)).toBe(true);
  expect(JSON.stringify(spans)).not.toContain("ten_secret_tenant");
});
