/** Base class of every error this package throws on purpose. */
export class CacheError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CacheError";
  }
}

/** A configuration value is invalid; the message names the offending field. */
export class CacheConfigError extends CacheError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CacheConfigError";
  }
}

/**
 * The backing store could not answer (down, too slow, or the circuit breaker is open).
 * `getOrLoad`/`get`/`set` never throw it (they fail open); the versioned record map does,
 * because its callers must know whether a write landed.
 */
export class CacheUnavailableError extends CacheError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CacheUnavailableError";
  }
}

/** A call argument is invalid (bad version, empty field name…): a bug in the caller. */
export class CacheArgumentError extends CacheError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CacheArgumentError";
  }
}

/** A store call took longer than the command budget (the call falls open). */
export class CacheTimeoutError extends CacheError {
  constructor(timeoutMs: number) {
    super(`cache store call exceeded ${timeoutMs} ms`);
    this.name = "CacheTimeoutError";
  }
}
