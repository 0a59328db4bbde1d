import { DomainError } from "@travel/core";

/** 422 `webhook_url_rejected`: a URL the sender must never call (scheme, host, address). */
export class WebhookUrlRejectedError extends DomainError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      { status: 422, code: "webhook_url_rejected", title: "Webhook URL rejected", detail },
      options,
    );
    this.name = "WebhookUrlRejectedError";
  }
}

/** 404 for an endpoint that does not exist or belongs to another tenant (never says which). */
export class WebhookNotFoundError extends DomainError {
  constructor(endpointId: string) {
    super({
      status: 404,
      code: "not_found",
      title: "Not Found",
      detail: `No webhook endpoint ${endpointId}.`,
    });
    this.name = "WebhookNotFoundError";
  }
}

/** 422: the tenant already has the most endpoints allowed. */
export class WebhookLimitError extends DomainError {
  constructor(limit: number) {
    super({
      status: 422,
      code: "validation_failed",
      title: "Validation failed",
      detail: `A tenant can register at most ${limit} webhook endpoints; delete one first.`,
      errors: [{ path: "url", message: `at most ${limit} endpoints per tenant` }],
    });
    this.name = "WebhookLimitError";
  }
}

/** A stored secret that cannot be decrypted with the configured key (wrong key, tampering). */
export class WebhookSecretError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WebhookSecretError";
  }
}
