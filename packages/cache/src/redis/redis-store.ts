import { randomBytes } from "node:crypto";
import type { Cluster, Redis } from "ioredis";
import type { InvalidationMessage, Store, StoredRecords } from "../store.js";
import {
  type EntryMeta,
  hasTagHeader,
  isInvalidated,
  parseSeq,
  splitTagHeader,
  tagHeaderSeq,
  withTagHeader,
} from "../tags.js";
import { APPLY_RECORDS, INVALIDATE, UNLOCK } from "./scripts.js";

export type RedisClient = Redis | Cluster;

interface ScriptCommands {
  travelCacheUnlock(key: string, token: string): Promise<number>;
  travelCacheInvalidate(...args: (string | number)[]): Promise<number>;
  travelCacheApplyRecords(
    key: string,
    ...args: (string | number | Buffer)[]
  ): Promise<[string[], string[]]>;
}

export interface RedisStoreOptions {
  client: RedisClient;
  /** Prepended to every key and the pub/sub channel, e.g. `"prod:"`. */
  keyPrefix: string;
  /** Quit the client on close (true when the factory built it). */
  ownsClient: boolean;
  /** Open a pub/sub connection for near-cache invalidation. */
  subscribe: boolean;
  /**
   * How a tagged read checks its tag stamps. `seq` (standalone): the entry and the global
   * invalidation sequence in one MGET; the stamps are read (second MGET) only when something
   * was invalidated since the entry was written. `mget` (cluster too): GET, then MGET of the
   * stamps.
   */
  tagCheck: "seq" | "mget";
  onConnectionError?: (error: unknown) => void;
}

/**
 * Store on ioredis (Redis 7 / Valkey, standalone or cluster). Entries are plain string keys with
 * PX expiry; tag stamps and the invalidation sequence share one hash slot so MGET and the
 * invalidation script work in cluster mode too. No KEYS/SCAN anywhere.
 */
export class RedisStore implements Store {
  readonly kind = "redis" as const;
  readonly shared = true;
  readonly #client: RedisClient & ScriptCommands;
  readonly #prefix: string;
  readonly #seqKey: string;
  readonly #tagPrefix: string;
  readonly #channel: string;
  readonly #options: RedisStoreOptions;
  #subscriber: RedisClient | undefined;
  readonly #listeners: ((message: InvalidationMessage) => void)[] = [];
  readonly #tagCheck: RedisStoreOptions["tagCheck"];

  constructor(options: RedisStoreOptions) {
    this.#options = options;
    this.#client = options.client as RedisClient & ScriptCommands;
    this.#prefix = options.keyPrefix;
    const slot = `{${options.keyPrefix}tags}`;
    this.#seqKey = `${slot}:seq`;
    this.#tagPrefix = `${slot}:t:`;
    this.#channel = `${options.keyPrefix}cache-invalidation`;
    this.#tagCheck = options.tagCheck;
    const client = options.client as RedisClient & Partial<ScriptCommands>;
    if (!client.travelCacheUnlock)
      client.defineCommand("travelCacheUnlock", { numberOfKeys: 1, lua: UNLOCK });
    if (!client.travelCacheInvalidate)
      client.defineCommand("travelCacheInvalidate", { lua: INVALIDATE });
    if (!client.travelCacheApplyRecords) {
      client.defineCommand("travelCacheApplyRecords", { numberOfKeys: 1, lua: APPLY_RECORDS });
    }
    if (options.ownsClient && options.onConnectionError) {
      options.client.on("error", options.onConnectionError);
    }
  }

  getEntry(key: string, expectTags: boolean): Promise<Uint8Array | undefined> {
    // Not async: each path is one `then` on the client's promise (a hit's only await). Entries
    // come back as stored, tag header included (the engine skips it when it decodes).
    if (expectTags && this.#tagCheck === "seq") {
      return this.#client
        .mgetBuffer(this.#prefix + key, this.#seqKey)
        .then((reply) => this.#judge(reply[0] ?? null, reply[1] ?? null));
    }
    return this.#client.getBuffer(this.#prefix + key).then((stored) => {
      if (!stored) return undefined;
      // An entry without a tag header (the common untagged case) needs no second look.
      return hasTagHeader(stored) ? this.#checkStamps(stored) : stored;
    });
  }

  /**
   * An entry read together with the invalidation sequence (one atomic MGET): if nothing was
   * invalidated since the entry was written, none of its tags can have been; otherwise its
   * stamps decide.
   */
  #judge(
    stored: Buffer | null,
    seq: Buffer | null,
  ): Uint8Array | undefined | Promise<Uint8Array | undefined> {
    if (!stored) return undefined;
    if (!hasTagHeader(stored)) return stored;
    const written = tagHeaderSeq(stored);
    if (written !== undefined && parseSeq(seq) <= written) return stored;
    return this.#checkStamps(stored);
  }

  /** The stored entry unless one of its tags was stamped after it was written. */
  async #checkStamps(stored: Buffer): Promise<Uint8Array | undefined> {
    const { meta } = splitTagHeader(stored);
    if (meta && meta.tags.length > 0) {
      const stamps = await this.#client.mget(meta.tags.map((tag) => this.#tagPrefix + tag));
      const seqs = stamps.map((v) => (v === null ? 0 : Number(v)));
      if (isInvalidated(meta, seqs)) return undefined;
    }
    return stored;
  }

  async setEntry(key: string, bytes: Uint8Array, ttlMs: number, meta?: EntryMeta): Promise<void> {
    const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const stored = meta && meta.tags.length > 0 ? withTagHeader(meta, body) : body;
    await this.#client.set(this.#prefix + key, stored, "PX", Math.ceil(ttlMs));
  }

  async deleteEntry(key: string): Promise<void> {
    await this.#client.del(this.#prefix + key);
  }

  async currentSeq(): Promise<number> {
    return Number((await this.#client.get(this.#seqKey)) ?? 0);
  }

  invalidateTags(tags: readonly string[], retentionMs: number): Promise<number> {
    const keys = [this.#seqKey, ...tags.map((tag) => this.#tagPrefix + tag)];
    return this.#client.travelCacheInvalidate(keys.length, ...keys, Math.ceil(retentionMs));
  }

  async tryLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.#client.set(this.#prefix + key, token, "PX", ttlMs, "NX")) === "OK";
  }

  async unlock(key: string, token: string): Promise<void> {
    await this.#client.travelCacheUnlock(this.#prefix + key, token);
  }

  async applyRecords(
    key: string,
    entries: readonly { field: string; version: number; bytes: Uint8Array }[],
    ttlMs: number,
    fill: boolean,
  ): Promise<{ applied: string[]; ignored: string[] }> {
    const token = randomBytes(12).toString("base64url");
    const args: (string | number | Buffer)[] = [Math.ceil(ttlMs), fill ? "1" : "0", token];
    for (const { field, version, bytes } of entries) {
      args.push(
        field,
        String(version),
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      );
    }
    const [applied, ignored] = await this.#client.travelCacheApplyRecords(
      this.#prefix + key,
      ...args,
    );
    return { applied, ignored };
  }

  async getRecords(key: string): Promise<StoredRecords | null> {
    const hash = await this.#client.hgetallBuffer(this.#prefix + key);
    if (!hash.m) return null;
    const fields = new Map<string, { version: number; bytes: Uint8Array }>();
    for (const [name, value] of Object.entries(hash)) {
      if (!name.startsWith("v:")) continue;
      const field = name.slice(2);
      const bytes = hash[`d:${field}`];
      if (bytes) fields.set(field, { version: Number(value.toString()), bytes });
    }
    return { fields, generation: hash.g ? hash.g.toString() : null };
  }

  async recordsGeneration(key: string): Promise<string | null> {
    return this.#client.hget(this.#prefix + key, "g");
  }

  async deleteRecords(key: string): Promise<void> {
    await this.#client.del(this.#prefix + key);
  }

  async recordsMemoryUsage(key: string): Promise<number | null> {
    const usage = await this.#client.memory("USAGE", this.#prefix + key);
    return usage === null ? null : Number(usage);
  }

  async publishInvalidation(message: InvalidationMessage): Promise<void> {
    await this.#client.publish(this.#channel, JSON.stringify(message));
  }

  onInvalidation(listener: (message: InvalidationMessage) => void): void {
    this.#listeners.push(listener);
    if (!this.#options.subscribe || this.#subscriber) return;
    const subscriber = this.#options.client.duplicate();
    this.#subscriber = subscriber;
    subscriber.on("error", (error: unknown) => this.#options.onConnectionError?.(error));
    // Messages sent while we were disconnected are lost: start from an empty near cache.
    subscriber.on("ready", () => this.#deliver({ origin: "", reset: true }));
    subscriber.on("message", (channel: string, raw: string) => {
      if (channel !== this.#channel) return;
      try {
        this.#deliver(JSON.parse(raw) as InvalidationMessage);
      } catch (error) {
        this.#options.onConnectionError?.(error);
      }
    });
    subscriber
      .subscribe(this.#channel)
      .catch((error: unknown) => this.#options.onConnectionError?.(error));
  }

  #deliver(message: InvalidationMessage): void {
    for (const listener of this.#listeners) listener(message);
  }

  async ping(): Promise<void> {
    await (this.#client as Redis).ping();
  }

  async close(): Promise<void> {
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    subscriber?.disconnect();
    if (this.#options.ownsClient) {
      await this.#client.quit().catch(() => this.#client.disconnect());
    }
  }
}
