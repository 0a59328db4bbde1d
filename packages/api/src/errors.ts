import { DomainError } from "@travel/core";

/** A configuration value that is missing or malformed; raised once, at start. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** 401: no key, an unknown key or a revoked key (the answer never says which). */
export class UnauthorizedError extends DomainError {
  constructor(detail = "A valid API key is required in the x-api-key header.") {
    super({ status: 401, code: "unauthorized", title: "Unauthorized", detail });
    this.name = "UnauthorizedError";
  }
}

/** 403: a valid key without the scope the route needs. */
export class ForbiddenError extends DomainError {
  constructor(scope: string) {
    super({
      status: 403,
      code: "forbidden",
      title: "Forbidden",
      detail: `This API key does not have the "${scope}" scope.`,
    });
    this.name = "ForbiddenError";
  }
}

/** 403: the key has the scope, but not over that tenant, scope or limit. */
export class TenantForbiddenError extends DomainError {
  constructor(detail: string) {
    super({ status: 403, code: "forbidden", title: "Forbidden", detail });
    this.name = "TenantForbiddenError";
  }
}

/** 429: the key spent its requests for the current window. */
export class RateLimitedError extends DomainError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super({
      status: 429,
      code: "rate_limited",
      title: "Too Many Requests",
      detail: `Rate limit exceeded; retry in ${retryAfterSeconds} s.`,
    });
    this.name = "RateLimitedError";
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** 422 with one entry per offending field. */
export class ValidationFailedError extends DomainError {
  constructor(errors: { path: string; message: string }[], status = 422) {
    super({
      status,
      code: "validation_failed",
      title: "Validation failed",
      detail:
        errors.length === 1
          ? `${errors[0]?.path}: ${errors[0]?.message}`
          : `${errors.length} fields are invalid.`,
      errors,
    });
    this.name = "ValidationFailedError";
  }
}

/** 404 for a resource (or route) that does not exist. */
export class NotFoundError extends DomainError {
  constructor(detail = "No such resource.") {
    super({ status: 404, code: "not_found", title: "Not Found", detail });
    this.name = "NotFoundError";
  }
}
