import { z } from "@hono/zod-openapi";
import { DomainError, isDependencyFailure, PROBLEM_CODES, type ProblemCode } from "@travel/core";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./env.js";
import { RateLimitedError } from "./errors.js";
import type { AppLogger } from "./observability.js";

/** The RFC 9457 body every error answer carries. */
export const problemSchema = z
  .object({
    type: z.string().openapi({ description: "`urn:travel:problem:<code>`" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(PROBLEM_CODES),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .catchall(z.unknown())
  .openapi("Problem");

export type Problem = z.infer<typeof problemSchema>;

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Validation failed",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Problem code for a bare HTTP status (framework errors that are not `DomainError`s). */
function codeForStatus(status: number): ProblemCode {
  switch (status) {
    case 400:
    case 422:
      return "validation_failed";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
    case 405:
      return "not_found";
    case 413:
      return "payload_too_large";
    case 415:
      return "unsupported_media_type";
    case 429:
      return "rate_limited";
    case 503:
      return "service_unavailable";
    default:
      return "internal_error";
  }
}

/** A problem+json response; `extensions` become extra top-level members. */
export function problemResponse(
  c: Context<AppEnv>,
  init: {
    status: number;
    code: ProblemCode;
    title?: string;
    detail: string;
    errors?: { path: string; message: string }[];
    extensions?: Record<string, unknown>;
    headers?: Record<string, string>;
  },
): Response {
  const body: Record<string, unknown> = {
    ...init.extensions,
    type: `urn:travel:problem:${init.code}`,
    title: init.title ?? TITLES[init.status] ?? "Error",
    status: init.status,
    detail: init.detail,
    code: init.code,
    requestId: c.get("requestId") ?? "unknown",
  };
  if (init.errors) body.errors = init.errors;
  // Through the context, so the headers middleware set before the handler (request id, rate
  // limit, CORS) stay on the problem answer too.
  return c.body(JSON.stringify(body), init.status as ContentfulStatusCode, {
    ...init.headers,
    "content-type": PROBLEM_CONTENT_TYPE,
  });
}

interface ZodLikeError {
  name: string;
  issues: { path: PropertyKey[]; message: string }[];
}

function isZodError(error: unknown): error is ZodLikeError {
  const e = error as Partial<ZodLikeError> | null;
  return (
    typeof e === "object" &&
    e !== null &&
    (e.name === "ZodError" || e.name === "$ZodError") &&
    Array.isArray(e.issues)
  );
}

/**
 * `[{ path: "origin", message }]` from zod issues (dotted paths, the target name when empty).
 * Unknown keys (a strict object's `unrecognized_keys`) are named one by one.
 */
export function zodIssuesToErrors(
  issues: readonly {
    path: readonly PropertyKey[];
    message: string;
    code?: string;
    keys?: readonly string[];
  }[],
  fallbackPath = "",
): { path: string; message: string }[] {
  return issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === "unrecognized_keys" && issue.keys) {
      return issue.keys.map((key) => ({
        path: [...at, key].join("."),
        message: `is not a known ${fallbackPath === "query" ? "query parameter" : "field"}`,
      }));
    }
    return [{ path: at.join(".") || fallbackPath, message: issue.message }];
  });
}

/**
 * The API's single error handler: `DomainError`s become their problem, framework errors
 * (malformed JSON, body limit, content type) map by status, anything else is a 500 whose body
 * says nothing about the cause (the cause goes to the log, with the request id).
 */
export function createErrorHandler(logger: AppLogger): ErrorHandler<AppEnv> {
  return function handleError(error, c) {
    if (error instanceof DomainError) {
      const headers: Record<string, string> = {};
      if (error instanceof RateLimitedError) {
        headers["retry-after"] = String(error.retryAfterSeconds);
      }
      if (error.status >= 500) {
        logger.error("request failed", {
          requestId: c.get("requestId"),
          code: error.code,
          error: error as Error,
        });
      }
      return problemResponse(c, {
        status: error.status,
        code: error.code,
        title: error.title,
        detail: error.message,
        ...(error.errors ? { errors: error.errors } : {}),
        ...(error.extensions ? { extensions: error.extensions } : {}),
        headers,
      });
    }
    if (isZodError(error)) {
      const errors = zodIssuesToErrors(error.issues);
      return problemResponse(c, {
        status: 422,
        code: "validation_failed",
        detail:
          errors.length === 1 ? `${errors[0]?.path}: ${errors[0]?.message}` : "Invalid input.",
        errors,
      });
    }
    if (isDependencyUnavailable(error)) {
      logger.error("dependency unavailable", {
        requestId: c.get("requestId"),
        error: error as Error,
      });
      return problemResponse(c, {
        status: 503,
        code: "service_unavailable",
        detail: "A backing service is unavailable; retry shortly.",
        headers: { "retry-after": "1" },
      });
    }
    if (error instanceof HTTPException && error.status < 500) {
      const status = error.status === 400 ? 400 : error.status;
      const code = codeForStatus(status);
      return problemResponse(c, {
        status,
        code,
        detail: publicDetail(status, error.message),
        // A 413 whose body could not be read to its end: the connection cannot be reused.
        ...(error.cause === "undrained" ? { headers: { connection: "close" } } : {}),
      });
    }
    logger.error("unhandled error", { requestId: c.get("requestId"), error: error as Error });
    return problemResponse(c, {
      status: 500,
      code: "internal_error",
      detail: "An unexpected error occurred. Quote the request id when reporting it.",
    });
  };
}

/**
 * True when an error (or one it wraps) says a backing service could not be reached or is
 * overloaded: that is a 503 the client may retry, not a bug (500). Core's `isDependencyFailure`,
 * the same rule the circuit breakers count by.
 */
export const isDependencyUnavailable = isDependencyFailure;

function publicDetail(status: number, message: string): string {
  switch (status) {
    case 400:
      return message === "Malformed JSON in request body"
        ? "The request body is not valid JSON."
        : "The request is malformed.";
    case 413:
      return "The request body is larger than this API accepts.";
    case 415:
      return "Send the request body as application/json.";
    default:
      return TITLES[status] ?? "The request failed.";
  }
}

/** 404 problem for a path no route serves. */
export const handleNotFound: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(c, {
    status: 404,
    code: "not_found",
    detail: `No route serves ${c.req.method} ${c.req.path}.`,
  });

/** OpenAPI `responses` entries for the problem answers a route can give. */
export function problemResponses<S extends number>(
  ...statuses: S[]
): Record<
  S,
  { description: string; content: { [PROBLEM_CONTENT_TYPE]: { schema: typeof problemSchema } } }
> {
  const out = {} as Record<
    S,
    { description: string; content: { [PROBLEM_CONTENT_TYPE]: { schema: typeof problemSchema } } }
  >;
  for (const status of statuses) {
    out[status] = {
      description: TITLES[status] ?? "Error",
      content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
    };
  }
  return out;
}
