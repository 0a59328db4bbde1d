import { createSocket, type Socket } from "node:dgram";
import { type HrTime, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";

/** `ExportResultCode` of `@opentelemetry/core` (SUCCESS = 0, FAILED = 1). */
const SUCCESS = 0;
const FAILED = 1;

/** The X-Ray daemon's wire header: one UDP datagram per document. */
const header = '{"format":"json","version":1}\n';

/** An OpenTelemetry trace id (32 hex) as X-Ray writes it: `1-<8 hex time>-<24 hex>`. */
export function xrayTraceId(traceId: string): string {
  return `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
}

const seconds = ([s, ns]: HrTime) => s + ns / 1e9;

/** One finished span as an X-Ray subsegment document (under its parent span or the Lambda segment). */
export function subsegmentOf(span: ReadableSpan): Record<string, unknown> {
  const { traceId, spanId } = span.spanContext();
  const error = span.status.code === SpanStatusCode.ERROR;
  const annotations: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(span.attributes)) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      // X-Ray annotation keys: letters, digits and underscores.
      annotations[key.replace(/[^A-Za-z0-9_]/g, "_")] = value;
    }
  }
  return {
    type: "subsegment",
    name: span.name,
    id: spanId,
    trace_id: xrayTraceId(traceId),
    ...(span.parentSpanContext ? { parent_id: span.parentSpanContext.spanId } : {}),
    start_time: seconds(span.startTime),
    end_time: seconds(span.endTime),
    ...(span.kind === SpanKind.CLIENT ? { namespace: "remote" } : {}),
    ...(error
      ? { fault: true, cause: { exceptions: [{ message: span.status.message ?? "" }] } }
      : {}),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

/** Parses `AWS_XRAY_DAEMON_ADDRESS` (`host:port` or `udp:host:port tcp:host:port`). */
export function daemonAddress(value: string): { host: string; port: number } {
  const udp = value.split(" ").find((part) => part.startsWith("udp:"));
  const address = udp ? udp.slice(4) : value;
  const at = address.lastIndexOf(":");
  const port = Number(address.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port <= 0) {
    throw new Error(`AWS_XRAY_DAEMON_ADDRESS must be host:port, got "${value}"`);
  }
  return { host: address.slice(0, at), port };
}

/**
 * Sends every finished span to the X-Ray daemon as a subsegment over UDP, the path the X-Ray
 * SDK and Powertools Tracer use inside Lambda (the runtime runs the daemon when active tracing
 * is on). A datagram is handed to the kernel when the span ends, so nothing waits for a network
 * answer and nothing is buffered across a freeze.
 */
export class XRayDaemonExporter implements SpanExporter {
  readonly #socket: Socket;
  readonly #host: string;
  readonly #port: number;

  constructor(address: string) {
    const { host, port } = daemonAddress(address);
    this.#host = host;
    this.#port = port;
    this.#socket = createSocket(host.includes(":") ? "udp6" : "udp4");
    this.#socket.unref();
  }

  export(spans: ReadableSpan[], done: (result: { code: number; error?: Error }) => void): void {
    let pending = spans.length;
    let failure: Error | undefined;
    if (pending === 0) {
      done({ code: SUCCESS });
      return;
    }
    for (const span of spans) {
      const datagram = header + JSON.stringify(subsegmentOf(span));
      this.#socket.send(datagram, this.#port, this.#host, (error) => {
        if (error) failure = error;
        pending -= 1;
        if (pending === 0) done(failure ? { code: FAILED, error: failure } : { code: SUCCESS });
      });
    }
  }

  async shutdown(): Promise<void> {
    this.#socket.close();
  }

  async forceFlush(): Promise<void> {}
}
