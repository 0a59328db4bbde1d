/** Base class of every error `@travel/core` raises on purpose. */
export class CoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CoreError";
  }
}

/** A money amount that cannot be represented exactly in its currency's minor units. */
export class InvalidMoneyError extends CoreError {
  constructor(message: string) {
    super(message);
    this.name = "InvalidMoneyError";
  }
}

/** An id that does not carry the expected type prefix or shape. */
export class InvalidIdError extends CoreError {
  constructor(message: string) {
    super(message);
    this.name = "InvalidIdError";
  }
}

/** A conditional write lost: the item was not in the state the write required. */
export class ConditionFailedError extends CoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConditionFailedError";
  }
}

/** True for DynamoDB's ConditionalCheckFailedException, however it was wrapped (ElectroDB wraps it). */
export function isConditionalCheckFailed(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const e = current as { name?: string; code?: string; message?: string; cause?: unknown };
    if (
      e.name === "ConditionalCheckFailedException" ||
      e.code === "ConditionalCheckFailedException"
    ) {
      return true;
    }
    if (typeof e.message === "string" && e.message.includes("The conditional request failed")) {
      return true;
    }
    current = e.cause;
  }
  return false;
}
