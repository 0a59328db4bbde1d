import { AsyncLocalStorage } from "node:async_hooks";
import { Logger } from "@aws-lambda-powertools/logger";
import {
  type Attributes,
  type Context,
  type ContextManager,
  context,
  ROOT_CONTEXT,
  type Span,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { AppDepsOverrides } from "../src/deps.js";
import { dayFromToday, flightRecords, insertInventory } from "./fixtures.js";
import { startTestApp, type TestApp } from "./harness.js";

/** What the access log printed (Powertools writes JSON lines to stdout). */
function captureStdout(): { lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation(((chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write);
  return {
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

interface RecordedSpan {
  spanId: string;
  name: string;
  attributes: Attributes;
  ended: boolean;
  /** The span that was active when this one started. */
  parent: Span | undefined;
}

/**
 * A tracer whose spans record (like an SDK's sampled spans) or, with `sampled: false`, carry a
 * valid context but do not record (an SDK's sampled-out spans), with a real AsyncLocalStorage
 * context manager, so the test sees which span is active below the request span.
 */
function recordingTracer(sampled = true): {
  tracer: Tracer;
  spans: RecordedSpan[];
  restore: () => void;
} {
  const storage = new AsyncLocalStorage<Context>();
  const manager: ContextManager = {
    active: () => storage.getStore() ?? ROOT_CONTEXT,
    with: (ctx, fn, thisArg, ...args) => storage.run(ctx, () => fn.call(thisArg, ...args)),
    bind: (_ctx, target) => target,
    enable() {
      return this;
    },
    disable() {
      return this;
    },
  };
  context.setGlobalContextManager(manager);
  const spans: RecordedSpan[] = [];
  let next = 1;
  const startSpan = (name: string): Span => {
    const spanId = (next++).toString(16).padStart(16, "0");
    const recorded: RecordedSpan = {
      spanId,
      name,
      attributes: {},
      ended: false,
      parent: trace.getActiveSpan(),
    };
    spans.push(recorded);
    const base = trace.wrapSpanContext({
      traceId: "0000000000000000000000000000000a",
      spanId,
      traceFlags: sampled ? 1 : 0,
    });
    const span: Span = Object.assign(Object.create(base) as Span, {
      isRecording: () => sampled,
      updateName: (n: string) => {
        recorded.name = n;
        return span;
      },
      setAttributes: (a: Attributes) => {
        Object.assign(recorded.attributes, a);
        return span;
      },
      setAttribute: (k: string, v: Attributes[string]) => {
        recorded.attributes[k] = v;
        return span;
      },
      end: () => {
        recorded.ended = true;
      },
    });
    return span;
  };
  const tracer: Tracer = {
    startSpan,
    startActiveSpan: ((name: string, ...rest: unknown[]) => {
      const fn = rest.at(-1) as (span: Span) => unknown;
      const span = startSpan(name);
      return context.with(trace.setSpan(context.active(), span), () => fn(span));
    }) as Tracer["startActiveSpan"],
  };
  return { tracer, spans, restore: () => context.disable() };
}

describe("access log and request spans (through HTTP)", () => {
  const date = dayFromToday(9);
  const path = `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${date}`;

  /** The app with these dependencies, flights to find on `date`, and a search key. */
  async function searchApp(overrides: AppDepsOverrides, tenantId?: string) {
    const t = await startTestApp({ overrides });
    await insertInventory(t.engine.db, { flights: flightRecords(date) });
    const key = await t.createKey(["search"], tenantId ? { tenantId } : {});
    return { t, key };
  }

  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe("logger at INFO, no OpenTelemetry SDK", () => {
    let t: TestApp;
    let key: string;
    beforeAll(async () => {
      ({ t, key } = await searchApp(
        { logger: new Logger({ serviceName: "access-test", logLevel: "INFO" }) },
        "tenant-log",
      ));
    });
    afterAll(async () => {
      await t?.close();
    });

    it("writes one line per request: id, route pattern, status, latency, cache status, tenant; never the key or the query", async () => {
      const out = captureStdout();
      const miss = await t.request(path, { key });
      const hit = await t.request(path, { key, headers: { "x-request-id": "client-id-1" } });
      const denied = await t.request(path, { key: "not-a-key" });
      const missing = await t.request("/nowhere");
      expect([miss.status, hit.status, denied.status, missing.status]).toEqual([
        200, 200, 401, 404,
      ]);
      const lines = out.lines().filter((line) => line.message === "request");
      expect(lines).toHaveLength(4);
      const [first, second, third, fourth] = lines;
      expect(first).toMatchObject({
        level: "INFO",
        requestId: miss.headers.get("x-request-id"),
        method: "GET",
        route: "/v1/flights/search",
        status: 200,
        cache: "miss",
        tenantId: "tenant-log",
      });
      expect(typeof first?.latencyMs).toBe("number");
      expect(second).toMatchObject({ requestId: "client-id-1", status: 200, cache: "hit" });
      expect(third).toMatchObject({ route: "/v1/flights/search", status: 401 });
      expect(third?.tenantId).toBeUndefined();
      expect(fourth).toMatchObject({ route: "unmatched", status: 404 });
      const printed = JSON.stringify(lines);
      for (const secret of [key, "not-a-key", "departureDate", date]) {
        expect(printed).not.toContain(secret);
      }
    });
  });

  describe("logger at WARN, recording tracer", () => {
    let t: TestApp;
    let key: string;
    let recorder: ReturnType<typeof recordingTracer>;
    beforeAll(async () => {
      recorder = recordingTracer();
      ({ t, key } = await searchApp({
        logger: new Logger({ serviceName: "access-test", logLevel: "WARN" }),
        tracer: recorder.tracer,
      }));
    });
    afterAll(async () => {
      recorder?.restore();
      await t?.close();
    });

    it("builds no access line above INFO", async () => {
      const info = vi.spyOn(t.deps.logger, "info");
      const out = captureStdout();
      expect((await t.request(path, { key })).status).toBe(200);
      expect(info).not.toHaveBeenCalled();
      expect(out.lines().filter((line) => line.message === "request")).toEqual([]);
    });

    it("names each request span after its route and makes it the parent of the search spans", async () => {
      recorder.spans.length = 0;
      const res = await t.request(path, { key });
      expect(res.status).toBe(200);
      const request = recorder.spans.find((s) => s.name.startsWith("GET "));
      expect(request).toMatchObject({
        name: "GET /v1/flights/search",
        ended: true,
        attributes: {
          "http.request.method": "GET",
          "http.route": "/v1/flights/search",
          "http.response.status_code": 200,
          "travel.request_id": res.headers.get("x-request-id"),
        },
      });
      const searchSpan = recorder.spans.find((s) => s.name === "search.flights");
      // The active span while the search ran was the request span.
      expect(searchSpan?.parent?.spanContext().spanId).toBe(request?.spanId);
    });
  });

  describe("sampled-out spans (valid context, not recording)", () => {
    let t: TestApp;
    let key: string;
    let recorder: ReturnType<typeof recordingTracer>;
    beforeAll(async () => {
      recorder = recordingTracer(false);
      ({ t, key } = await searchApp({ tracer: recorder.tracer }));
    });
    afterAll(async () => {
      recorder?.restore();
      await t?.close();
    });

    it("still parents the search spans (they follow its sampling decision) but sets nothing on it", async () => {
      expect((await t.request(path, { key })).status).toBe(200);
      const request = recorder.spans.find((s) => s.name.startsWith("HTTP "));
      expect(request).toMatchObject({ name: "HTTP GET", ended: true, attributes: {} });
      const searchSpan = recorder.spans.find((s) => s.name === "search.flights");
      expect(searchSpan?.parent?.spanContext().spanId).toBe(request?.spanId);
    });
  });
});
