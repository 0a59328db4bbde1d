import { type IncomingHttpHeaders, request } from "node:http";

/**
 * Runs work after a Lambda invocation's response has been sent, inside the same invocation.
 *
 * It is a Lambda *internal extension* on the Extensions API: registered during init, it takes
 * part in every invocation (`INVOKE` events). Lambda sends the function's response to the caller
 * as soon as the runtime posts it, but keeps the invocation open (billed, not waited for by the
 * caller; CloudWatch `PostRuntimeExtensionsDuration`) until every extension asks for its next
 * event. So the handler schedules its flush here instead of awaiting it: the search events and
 * metrics still leave before the environment is frozen, without delaying the answer.
 */
export interface PostResponseRunner {
  /**
   * Runs `work` for invocation `requestId` (`context.awsRequestId`) once its handler has
   * returned, after the response. Never throws.
   */
  schedule(requestId: string, work: () => Promise<void>): void;
  /** Stops taking part (tests); in Lambda the loop lives as long as the environment. */
  stop(): void;
}

interface Logger {
  warn(message: string, extra: { error: string }): void;
  error(message: string, extra: { error: string }): void;
}

const API_VERSION = "2020-01-01";

interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One request to the Runtime API. `node:http` without a timeout: the event long-poll stays open
 * while the environment is frozen between invocations, which a client-side timer would break.
 */
function call(
  runtimeApi: string,
  method: "GET" | "POST",
  path: string,
  headers: Record<string, string>,
  body?: string,
  signal?: AbortSignal,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `http://${runtimeApi}/${API_VERSION}${path}`,
      { method, headers, agent: false, ...(signal ? { signal } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * Registers the extension when running in Lambda (`AWS_LAMBDA_RUNTIME_API` set). Must be awaited
 * during init (module top level), before the runtime asks for its first event. Answers
 * `undefined` (and the caller flushes inside each invocation, as before) outside Lambda or when
 * registration is refused.
 *
 * @example
 * const postResponse = await registerPostResponseExtension({ runtimeApi: process.env.AWS_LAMBDA_RUNTIME_API, logger });
 * export const handler = createLambdaHandler(app, deps, postResponse);
 */
export async function registerPostResponseExtension(options: {
  runtimeApi: string | undefined;
  logger: Logger;
  /** Unique among the function's extensions. */
  name?: string;
  /** Pause before asking again after a failed event request (default 100 ms). */
  retryMs?: number;
}): Promise<PostResponseRunner | undefined> {
  const { runtimeApi, logger } = options;
  if (!runtimeApi) return undefined;
  const name = options.name ?? "travel-post-response-flush";
  let id: string;
  try {
    const answer = await call(
      runtimeApi,
      "POST",
      "/extension/register",
      { "Lambda-Extension-Name": name, "content-type": "application/json" },
      JSON.stringify({ events: ["INVOKE"] }),
    );
    const header = answer.headers["lambda-extension-identifier"];
    if (answer.status !== 200 || typeof header !== "string" || header === "") {
      throw new Error(`register answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    }
    id = header;
  } catch (error) {
    logger.warn("post-response extension not registered; flushing before each response", {
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }

  const stopper = new AbortController();
  /** Work handed over by handlers, by request id (one per invocation). */
  const pending = new Map<string, () => Promise<void>>();
  let waiting: { requestId: string; resolve: () => void } | undefined;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

  /** Runs `work`, giving up (not waiting longer) at `until` (epoch ms). */
  async function runBounded(work: () => Promise<void>, until: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), Math.max(0, until - Date.now()));
    });
    try {
      const outcome = await Promise.race([work().then(() => "done" as const), timeout]);
      if (outcome === "timeout") {
        logger.error("post-response work did not finish before the invocation deadline", {
          error: "timeout",
        });
      }
    } catch (error) {
      logger.error("post-response work failed", { error: errorText(error) });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once the handler of `requestId` has handed its work over, or at `until`. */
  function workOf(requestId: string, until: number): Promise<(() => Promise<void>) | undefined> {
    const ready = pending.get(requestId);
    if (ready) {
      pending.delete(requestId);
      return Promise.resolve(ready);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          waiting = undefined;
          resolve(undefined);
        },
        Math.max(0, until - Date.now()),
      );
      waiting = {
        requestId,
        resolve: () => {
          clearTimeout(timer);
          waiting = undefined;
          const work = pending.get(requestId);
          pending.delete(requestId);
          resolve(work);
        },
      };
    });
  }

  void (async () => {
    while (!stopper.signal.aborted) {
      let event: { eventType?: unknown; requestId?: unknown; deadlineMs?: unknown };
      try {
        const answer = await call(
          runtimeApi,
          "GET",
          "/extension/event/next",
          { "Lambda-Extension-Identifier": id },
          undefined,
          stopper.signal,
        );
        if (answer.status !== 200) throw new Error(`event/next answered ${answer.status}`);
        event = JSON.parse(answer.body) as typeof event;
      } catch (error) {
        if (stopper.signal.aborted) return;
        logger.error("post-response extension: event request failed", {
          error: errorText(error),
        });
        await pause(options.retryMs ?? 100);
        continue;
      }
      if (event.eventType !== "INVOKE" || typeof event.requestId !== "string") continue;
      // Stop short of the deadline so the invocation ends cleanly rather than timing out.
      const deadline =
        typeof event.deadlineMs === "number" ? event.deadlineMs - 500 : Date.now() + 10_000;
      // Work an earlier invocation left behind (its event was lost): run it now, first.
      for (const [requestId, work] of [...pending]) {
        if (requestId === event.requestId) continue;
        pending.delete(requestId);
        await runBounded(work, deadline);
      }
      const work = await workOf(event.requestId, deadline);
      if (work) await runBounded(work, deadline);
    }
  })();

  return {
    schedule(requestId, work) {
      pending.set(requestId, work);
      if (waiting?.requestId === requestId) waiting.resolve();
    },
    stop() {
      stopper.abort();
    },
  };
}
