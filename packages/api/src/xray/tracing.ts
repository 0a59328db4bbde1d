import { tracingChannel } from "node:diagnostics_channel";
import {
  context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { AWSXRayPropagator } from "@opentelemetry/propagator-aws-xray";
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  ParentBasedSampler,
  SimpleSpanProcessor,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import type { DynamoClients } from "@travel/core";
import { XRayDaemonExporter } from "./exporter.js";

const propagator = new AWSXRayPropagator();

/**
 * Registers the global OpenTelemetry tracer provider of a Lambda function, so the spans the
 * domain packages already create (`search.flights`, `booking.book`, `cache.getOrLoad`, the
 * DynamoDB calls of `instrumentDynamo`, every Redis command) reach X-Ray under the invocation's
 * trace, as children of the Lambda's own segment. Spans are exported to the X-Ray daemon
 * (`AWS_XRAY_DAEMON_ADDRESS`) unless an `exporter` is given (tests). Used by every Lambda entry
 * of the API package: the API, the stream consumer and the reconciler.
 *
 * @example
 * const tracing = registerLambdaTracing({ daemonAddress: process.env.AWS_XRAY_DAEMON_ADDRESS });
 * export const handler = tracing.wrap(createLambdaHandler(app, deps));
 */
export function registerLambdaTracing(options: {
  daemonAddress?: string;
  exporter?: SpanExporter;
}) {
  const exporter =
    options.exporter ??
    (options.daemonAddress ? new XRayDaemonExporter(options.daemonAddress) : undefined);
  const provider = exporter
    ? new BasicTracerProvider({
        // Only spans under an invocation's sampled X-Ray trace are recorded: work outside an
        // invocation (init) has no Lambda segment to hang from.
        sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }),
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      })
    : undefined;
  if (provider) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
    traceRedisCommands(provider.getTracer("ioredis"));
  }
  return {
    provider,
    /**
     * Runs each invocation inside the Lambda's trace context: the X-Ray header of the
     * invocation (`context.xRayTraceId`, else `_X_AMZN_TRACE_ID`) becomes the parent of every
     * span the handler starts; with `span`, the invocation itself is one span (the work of an
     * event-driven function, which no HTTP route names). Unsampled invocations record nothing.
     */
    wrap<E, C extends object, R>(
      handler: (event: E, lambda: C) => Promise<R>,
      options: { span?: string } = {},
    ) {
      if (!provider) return handler;
      const tracer = provider.getTracer("@travel/api");
      return (event: E, lambda: C): Promise<R> => {
        const header =
          (lambda as { xRayTraceId?: string }).xRayTraceId ?? process.env._X_AMZN_TRACE_ID;
        const parent = header
          ? propagator.extract(ROOT_CONTEXT, { "x-amzn-trace-id": header }, defaultTextMapGetter)
          : ROOT_CONTEXT;
        const name = options.span;
        if (!name) return context.with(parent, () => handler(event, lambda));
        return tracer.startActiveSpan(name, { kind: SpanKind.CONSUMER }, parent, async (span) => {
          try {
            return await handler(event, lambda);
          } catch (error) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
            throw error;
          } finally {
            span.end();
          }
        });
      };
    },
  };
}

/**
 * A client span per DynamoDB call (`DynamoDB.GetItem`, …) on an AWS SDK v3 client, so the
 * trace shows what each request cost in table calls.
 */
export function instrumentDynamo(client: DynamoClients["raw"], tracer: Tracer): void {
  client.middlewareStack.add(
    (next, sdkContext) => (args) =>
      tracer.startActiveSpan(
        `DynamoDB.${(sdkContext.commandName ?? "Command").replace(/Command$/, "")}`,
        { kind: SpanKind.CLIENT, attributes: { "aws.service": "DynamoDB" } },
        async (span) => {
          try {
            return await next(args);
          } catch (error) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
            throw error;
          } finally {
            span.end();
          }
        },
      ),
    { step: "initialize", name: "travelTracingSpan" },
  );
}
/** What ioredis publishes on its `ioredis:command` tracing channel (ioredis ≥ 5.10). */
interface RedisCommandMessage {
  command: string;
  database?: number;
  serverAddress?: string;
  serverPort?: number;
  error?: unknown;
}

/**
 * A client span per Redis command (`Redis.GET`, `Redis.EVALSHA`, …) of every ioredis client in
 * the process (the cache's, the read model's, the rate limiter's), from the `ioredis:command`
 * diagnostics channel ioredis publishes each command on: no patching, so it works in the
 * esbuild bundle. A command outside a sampled trace records nothing; the
 * arguments (keys carry tenant and route) are not recorded. ioredis publishes a command when it
 * writes it: commands queued while the client was still connecting (the first ones of a cold
 * start) are written from the connection's callback, outside the invocation, and not traced.
 *
 * @returns a function that stops it.
 */
export function traceRedisCommands(tracer: Tracer): () => void {
  const channel = tracingChannel<string, RedisCommandMessage>("ioredis:command");
  const spans = new WeakMap<object, Span>();
  const handlers = {
    start(message: RedisCommandMessage) {
      const parent = context.active();
      // Outside a sampled trace (init, unsampled invocations) there is nothing to record.
      const sampled = trace.getSpanContext(parent)?.traceFlags ?? TraceFlags.NONE;
      if ((sampled & TraceFlags.SAMPLED) === 0) return;
      const span = tracer.startSpan(
        `Redis.${message.command.toUpperCase()}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            "db.system.name": "redis",
            "db.operation.name": message.command.toUpperCase(),
            ...(message.serverAddress ? { "server.address": message.serverAddress } : {}),
            ...(message.serverPort ? { "server.port": message.serverPort } : {}),
          },
        },
        parent,
      );
      spans.set(message, span);
    },
    end() {},
    asyncStart() {},
    asyncEnd(message: RedisCommandMessage) {
      const span = spans.get(message);
      if (!span) return;
      spans.delete(message);
      span.end();
    },
    error(message: RedisCommandMessage) {
      spans.get(message)?.setStatus({
        code: SpanStatusCode.ERROR,
        message: message.error instanceof Error ? message.error.name : "Error",
      });
    },
  };
  channel.subscribe(handlers);
  return () => channel.unsubscribe(handlers);
}
