import {
  context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
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
 * DynamoDB calls of `instrumentDynamo`) reach X-Ray under the invocation's trace, as children of
 * the Lambda's own segment. Spans are exported to the X-Ray daemon (`AWS_XRAY_DAEMON_ADDRESS`)
 * unless an `exporter` is given (tests).
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
  }
  return {
    provider,
    /**
     * Runs each invocation inside the Lambda's trace context: the X-Ray header of the
     * invocation (`context.xRayTraceId`, else `_X_AMZN_TRACE_ID`) becomes the parent of every
     * span the handler starts. Unsampled invocations record nothing.
     */
    wrap<E, C extends object, R>(handler: (event: E, lambda: C) => Promise<R>) {
      if (!provider) return handler;
      return (event: E, lambda: C): Promise<R> => {
        const header =
          (lambda as { xRayTraceId?: string }).xRayTraceId ?? process.env._X_AMZN_TRACE_ID;
        const parent = header
          ? propagator.extract(ROOT_CONTEXT, { "x-amzn-trace-id": header }, defaultTextMapGetter)
          : ROOT_CONTEXT;
        return context.with(parent, () => handler(event, lambda));
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
