import type { ApiKeyRecord } from "@travel/core";

/**
 * Per-request values carried on the Hono context (`c.set` / `c.get`).
 * `tenantId` and `apiKey` are set by the auth middleware before any `/v1` handler runs.
 */
export interface AppVariables {
  requestId: string;
  tenantId: string;
  apiKey: ApiKeyRecord;
  /** Extra structured fields for the access log line (no PII), e.g. `{ cache: "hit" }`. */
  logFields: Record<string, string | number | boolean>;
}

export interface AppEnv {
  Variables: AppVariables;
}
