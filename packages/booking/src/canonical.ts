import { createHash } from "node:crypto";

/** JSON with object keys sorted at every level, so equal requests serialise identically. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * SHA-256 (hex) of an operation and its validated request: the same `Idempotency-Key` with a
 * different hash is a conflict. Hashing the *validated* request (defaults applied, key order
 * irrelevant) means `{"quantity":1}` and an omitted quantity are the same request.
 */
export function requestHash(operation: string, request: unknown): string {
  return createHash("sha256")
    .update(operation)
    .update("\n")
    .update(canonicalJson(request))
    .digest("hex");
}
