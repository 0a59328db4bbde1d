/** The linked resources the API reads (SST `Resource` names, see `packages/infra`). */
export interface LinkedResources {
  Table?: { name: string };
  Cache?: { host: string; port: number; username?: string; password?: string };
  CursorSigningKey?: { value: string };
  WebhookSecretKey?: { value: string };
}

/**
 * The environment `loadConfig` parses, with the linked resources filled in: `Table` →
 * `TABLE_NAME`, `Cache` → `REDIS_URL` (`rediss://` unless `CACHE_TLS=false`, as under `sst dev`),
 * `CursorSigningKey` → `CURSOR_SIGNING_KEY`, `WebhookSecretKey` → `WEBHOOK_SECRET_KEY`. Explicit environment variables win, so a stage can
 * still override one.
 */
export function environmentWithResources(
  env: Record<string, string | undefined>,
  resources: LinkedResources,
): Record<string, string | undefined> {
  const merged = { ...env };
  if (resources.Table && !merged.TABLE_NAME) merged.TABLE_NAME = resources.Table.name;
  if (resources.CursorSigningKey && !merged.CURSOR_SIGNING_KEY) {
    merged.CURSOR_SIGNING_KEY = resources.CursorSigningKey.value;
  }
  if (resources.WebhookSecretKey && !merged.WEBHOOK_SECRET_KEY) {
    merged.WEBHOOK_SECRET_KEY = resources.WebhookSecretKey.value;
  }
  if (resources.Cache && !merged.REDIS_URL) {
    const { host, port, username, password } = resources.Cache;
    const scheme = merged.CACHE_TLS === "false" ? "redis" : "rediss";
    const auth =
      username || password
        ? `${encodeURIComponent(username ?? "")}:${encodeURIComponent(password ?? "")}@`
        : "";
    merged.REDIS_URL = `${scheme}://${auth}${host}:${port}`;
  }
  return merged;
}
