import { hash, randomBytes } from "node:crypto";
import { type ApiKeyRecord, type ApiKeyScope, effectiveScopes } from "../domain.js";
import { newId } from "../ids.js";
import type { TravelService } from "../service.js";

/**
 * SHA-256 hex of a plain API key: the only form in which keys are stored. Runs on every
 * authenticated request; the one-shot `crypto.hash` (Node ≥ 20.12) takes ~0.5 µs here where
 * `createHash().update().digest()` took ~1.5 µs.
 */
export function hashApiKey(plainKey: string): string {
  return hash("sha256", plainKey, "hex");
}

/** A new plain key: `tk_` + 32 random bytes in base64url (256 bits of entropy). */
export function generateApiKey(): string {
  return `tk_${randomBytes(32).toString("base64url")}`;
}

/** A stored key: its scopes may include the retired `admin` (keys made before v2). */
type ApiKeyItem = Omit<ApiKeyRecord, "scopes"> & { scopes: string[] | Set<string> };

/** The record as the key works today: a stored `admin` reads as `keys` (no table migration). */
function toRecord(item: ApiKeyItem): ApiKeyRecord {
  return { ...item, scopes: effectiveScopes(item.scopes) };
}

export function createApiKeyRepository(db: TravelService) {
  const { apiKey } = db.entities;
  return {
    /** Creates a key and returns its record with the plain key, which is never stored. */
    async create(input: {
      tenantId: string;
      name: string;
      scopes: ApiKeyScope[];
      rateLimitPerMinute: number;
      now: Date;
    }): Promise<{ record: ApiKeyRecord; plainKey: string }> {
      const plainKey = generateApiKey();
      const record: ApiKeyRecord = {
        keyId: newId("apiKey", input.now.getTime()),
        keyHash: hashApiKey(plainKey),
        tenantId: input.tenantId,
        name: input.name,
        scopes: [...new Set(input.scopes)].sort() as ApiKeyScope[],
        rateLimitPerMinute: input.rateLimitPerMinute,
        createdAt: input.now.toISOString(),
      };
      await apiKey.create(record).go();
      return { record, plainKey };
    },

    /** The key record for a presented plain key (strongly consistent), revoked or not. */
    async findByPlainKey(plainKey: string): Promise<ApiKeyRecord | undefined> {
      const { data } = await apiKey.get({ keyHash: hashApiKey(plainKey) }).go({ consistent: true });
      return data ? toRecord(data as ApiKeyItem) : undefined;
    },

    async findById(keyId: string): Promise<ApiKeyRecord | undefined> {
      const { data } = await apiKey.query.byKeyId({ keyId }).go();
      const first = data[0] as ApiKeyItem | undefined;
      return first ? toRecord(first) : undefined;
    },

    /** A tenant's keys, newest first, with cursor paging. */
    async listByTenant(
      tenantId: string,
      page: { limit: number; cursor?: string | null },
    ): Promise<{ items: ApiKeyRecord[]; cursor: string | null }> {
      const { data, cursor } = await apiKey.query
        .byTenant({ tenantId })
        .go({ order: "desc", limit: page.limit, cursor: page.cursor ?? null });
      return { items: (data as ApiKeyItem[]).map(toRecord), cursor };
    },

    /** Marks a key revoked (idempotent); `undefined` when no such key exists. */
    async revoke(keyId: string, now: Date): Promise<ApiKeyRecord | undefined> {
      const existing = await this.findById(keyId);
      if (!existing) return undefined;
      if (existing.revokedAt) return existing;
      const { data } = await apiKey
        .patch({ keyHash: existing.keyHash })
        .set({ revokedAt: now.toISOString() })
        .go({ response: "all_new" });
      return toRecord(data as ApiKeyItem);
    },
  };
}

export type ApiKeyRepository = ReturnType<typeof createApiKeyRepository>;
