import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { type Attributes, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import type {
  Cache,
  CacheResult,
  CacheStatus,
  Clock,
  EntryOptions,
  GetOrLoadOptions,
  HealthStatus,
  KeyOptions,
  VersionedRecordMap,
} from "./cache.js";
import { CacheConfigError } from "./errors.js";
import type { CacheMetrics, MetricEvent, MetricsSnapshot } from "./metrics.js";
import type { NearCache } from "./near-cache.js";
import { createRecordMap, type RecordsNearCacheOptions } from "./records.js";
import type { Guard } from "./resilience.js";
import type { Serializer } from "./serializer.js";
import type { Store } from "./store.js";
import { type Envelope, entryBody, isEnvelope, normalizeTags } from "./tags.js";
import {
  DEFAULT_NAMESPACE,
  DEFAULT_POLICY,
  isEmptyDefault,
  jitterMs,
  type NamespacePolicy,
  validateTtl,
} from "./ttl.js";

export interface LockOptions {
  /** Lifetime of the cross-process load lock; a dead holder blocks others at most this long. */
  ttlMs: number;
  /** How long a process waits for another's load before loading itself. */
  waitMs: number;
  /** First poll interval while waiting (doubles up to 50 ms). */
  pollMs: number;
}

export interface EngineOptions {
  store: Store;
  guard: Guard;
  serializer: Serializer;
  metrics: CacheMetrics;
  clock: Clock;
  random: () => number;
  tracer: Tracer;
  namespaces: Record<string, Partial<NamespacePolicy>>;
  /** How long a tag invalidation is remembered; also the longest an entry may live. */
  tagRetentionMs: number;
  lock: LockOptions;
  nearCache?: NearCache;
  /** Decoded record maps in process, reused while their generation is unchanged. */
  recordsNearCache?: RecordsNearCacheOptions;
}

type ReadResult =
  | { kind: "found"; envelope: Envelope; layer: "near" | "store" }
  | { kind: "absent" }
  | { kind: "error" };

interface ResolvedPolicy {
  namespace: string;
  ttlMs: number;
  staleMs: number;
  negativeMs: number;
  /** Built once per policy: a hit allocates no span options or metric events of its own. */
  spanOptions: { attributes: Attributes };
  hitEvent: MetricEvent;
  nearHitEvent: MetricEvent;
  staleEvent: MetricEvent;
  missEvent: MetricEvent;
}

/** Namespaces whose default policy is kept resolved (they come from code, not from input). */
const MAX_MEMO_NAMESPACES = 256;

const MAX_POLL_MS = 50;
const ABSENT: ReadResult = Object.freeze({ kind: "absent" });
const ERROR_READ: ReadResult = Object.freeze({ kind: "error" });

/** The cache logic shared by both backends; see `Cache` for the contract. */
export class CacheEngine implements Cache {
  readonly backend: "redis" | "memory";
  readonly records: VersionedRecordMap;
  readonly #o: EngineOptions;
  readonly #inflight = new Map<string, Promise<CacheResult<unknown>>>();
  readonly #refreshing = new Map<string, Promise<void>>();
  readonly #origin = randomUUID();
  /** Namespace → its policy without per-call overrides. */
  readonly #policies = new Map<string, ResolvedPolicy>();
  #closed = false;

  constructor(options: EngineOptions) {
    this.#o = options;
    this.backend = options.store.kind;
    this.records = createRecordMap(
      options.store,
      options.guard,
      options.serializer,
      options.recordsNearCache,
    );
    for (const [namespace, policy] of Object.entries(options.namespaces)) {
      this.#resolvePolicy(namespace, policy);
    }
    options.store.onInvalidation((message) => {
      const near = this.#o.nearCache;
      if (!near || message.origin === this.#origin) return;
      if (message.reset) near.clear();
      for (const key of message.keys ?? []) near.delete(key);
      if (message.tags?.length) near.dropTags(message.tags);
    });
  }

  async getOrLoad<T>(
    key: string,
    loader: () => Promise<T>,
    options: GetOrLoadOptions<T> = {},
  ): Promise<CacheResult<T>> {
    const policy = this.#policyFor(options);
    const span = this.#o.tracer.startSpan("cache.getOrLoad", policy.spanOptions);
    try {
      const fullKey = entryKey(policy.namespace, key);
      // The hit path stays in this frame: one await on the store read, nothing else async.
      const read = await this.#read(fullKey, options.tags !== undefined);
      let result: CacheResult<T> | undefined;
      if (read.kind === "found") {
        const now = this.#o.clock.now();
        result = servable(read.envelope as Envelope<T>, now);
        if (result?.status === "hit") {
          this.#emit(read.layer === "near" ? policy.nearHitEvent : policy.hitEvent);
        } else if (result) {
          this.#emit(policy.staleEvent);
          this.#refreshInBackground(fullKey, loader, policy, options);
        }
      }
      result ??= await this.#miss(fullKey, loader, policy, options, read.kind === "error");
      span.setAttribute("cache.status", result.status);
      return result;
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  }

  /** Single flight per process: concurrent misses of one key share one coordinated load. */
  async #miss<T>(
    key: string,
    loader: () => Promise<T>,
    policy: ResolvedPolicy,
    options: GetOrLoadOptions<T>,
    degraded: boolean,
  ): Promise<CacheResult<T>> {
    this.#emit(policy.missEvent);
    const running = this.#inflight.get(key);
    if (running) return (await running) as CacheResult<T>;
    const load = this.#loadCoordinated(key, loader, policy, options, degraded);
    this.#inflight.set(key, load);
    try {
      return await load;
    } finally {
      this.#inflight.delete(key);
    }
  }

  /** Across processes: one holder of a short Redis lock loads; the others poll for its result. */
  async #loadCoordinated<T>(
    key: string,
    loader: () => Promise<T>,
    policy: ResolvedPolicy,
    options: GetOrLoadOptions<T>,
    degraded: boolean,
  ): Promise<CacheResult<T>> {
    const { store, guard, lock } = this.#o;
    if (degraded || !store.shared)
      return this.#loadAndWrite(key, loader, policy, options, degraded);
    const lockKey = `l:${key}`;
    const token = randomUUID();
    const deadline = Date.now() + lock.waitMs;
    let delay = lock.pollMs;
    for (;;) {
      let acquired: boolean;
      try {
        acquired = await guard.run(() => store.tryLock(lockKey, token, lock.ttlMs));
      } catch (error) {
        this.#storeError("lock", error);
        return this.#loadAndWrite(key, loader, policy, options, true);
      }
      if (acquired) {
        try {
          // Another process may have finished between our miss and our lock.
          const again = await this.#read(key);
          if (again.kind === "found" && this.#o.clock.now() < again.envelope.f) {
            return { ...resultOf(again.envelope as Envelope<T>, "miss", this.#o.clock.now()) };
          }
          return await this.#loadAndWrite(key, loader, policy, options, again.kind === "error");
        } finally {
          guard.run(() => store.unlock(lockKey, token)).catch((e) => this.#storeError("unlock", e));
        }
      }
      if (Date.now() >= deadline) return this.#loadAndWrite(key, loader, policy, options, false);
      await sleep(delay);
      delay = Math.min(delay * 2, MAX_POLL_MS);
      const read = await this.#read(key);
      if (read.kind === "error") return this.#loadAndWrite(key, loader, policy, options, true);
      if (read.kind === "found" && this.#o.clock.now() < read.envelope.f) {
        return resultOf(read.envelope as Envelope<T>, "miss", this.#o.clock.now());
      }
    }
  }

  async #loadAndWrite<T>(
    key: string,
    loader: () => Promise<T>,
    policy: ResolvedPolicy,
    options: GetOrLoadOptions<T>,
    degraded: boolean,
  ): Promise<CacheResult<T>> {
    let seq: number | undefined;
    if (!degraded) seq = await this.#currentSeq();
    const generation = this.#o.nearCache?.generation ?? 0;
    const started = performance.now();
    let value: T;
    try {
      value = await loader();
    } catch (error) {
      this.#emit({
        type: "load",
        namespace: policy.namespace,
        durationMs: performance.now() - started,
        ok: false,
      });
      throw error;
    }
    this.#emit({
      type: "load",
      namespace: policy.namespace,
      durationMs: performance.now() - started,
      ok: true,
    });
    const empty = (options.isEmpty ?? isEmptyDefault)(value);
    const envelope = this.#envelope(value, policy, options.tags, seq ?? 0, empty);
    // Without a sequence read before the load, tagged data could outlive an invalidation: skip the write.
    if (seq !== undefined) await this.#write(key, envelope, generation);
    return resultOf(envelope, "miss", envelope.c);
  }

  #refreshInBackground<T>(
    key: string,
    loader: () => Promise<T>,
    policy: ResolvedPolicy,
    options: GetOrLoadOptions<T>,
  ): void {
    if (this.#refreshing.has(key) || this.#closed) return;
    const { store, guard, lock } = this.#o;
    const refresh = (async () => {
      const token = randomUUID();
      const lockKey = `l:${key}`;
      if (store.shared && !(await guard.run(() => store.tryLock(lockKey, token, lock.ttlMs)))) {
        return; // another process is refreshing it
      }
      try {
        // A failing loader is already counted (loaderErrors); the stale value simply stays.
        await this.#loadAndWrite(key, loader, policy, options, false).catch(() => undefined);
      } finally {
        if (store.shared) await guard.run(() => store.unlock(lockKey, token));
      }
    })()
      .catch((error) => this.#storeError("refresh", error))
      .finally(() => this.#refreshing.delete(key));
    this.#refreshing.set(key, refresh);
  }

  /** Not async: the guard maps the store's answer where it settles (the only await of a hit). */
  #read(key: string, expectTags = false): Promise<ReadResult> {
    const near = this.#o.nearCache?.get(key);
    if (near) return Promise.resolve({ kind: "found", envelope: near, layer: "near" });
    const { store, guard } = this.#o;
    const generation = this.#o.nearCache?.generation ?? 0;
    const failed = (error: unknown) => {
      this.#storeError("get", error);
      return ERROR_READ;
    };
    try {
      // The store answers only entries no tag invalidation has overtaken (one round trip in Redis).
      return guard.runThen(
        () => store.getEntry(key, expectTags),
        (bytes) => this.#decoded(key, bytes, generation),
        failed,
      );
    } catch (error) {
      // A guard or store that throws instead of rejecting still falls open.
      return Promise.resolve(failed(error));
    }
  }

  #decoded(key: string, bytes: Uint8Array | undefined, generation: number): ReadResult {
    if (!bytes) return ABSENT;
    let envelope: unknown;
    try {
      envelope = this.#o.serializer.decode(entryBody(bytes));
    } catch (error) {
      this.#storeError("decode", error);
      return ABSENT;
    }
    if (!isEnvelope(envelope)) return ABSENT;
    this.#o.nearCache?.set(key, envelope, bytes.length, generation);
    return { kind: "found", envelope, layer: "store" };
  }

  async #currentSeq(): Promise<number | undefined> {
    try {
      return await this.#o.guard.run(() => this.#o.store.currentSeq());
    } catch (error) {
      this.#storeError("seq", error);
      return undefined;
    }
  }

  async #write(key: string, envelope: Envelope, generation: number): Promise<boolean> {
    const { store, guard, serializer, clock } = this.#o;
    try {
      const bytes = serializer.encode(envelope);
      const ttlMs = Math.max(1, envelope.s - clock.now());
      const meta = envelope.t ? { tags: envelope.t, seq: envelope.q ?? 0 } : undefined;
      await guard.run(() => store.setEntry(key, bytes, ttlMs, meta));
      this.#o.nearCache?.set(key, envelope, bytes.length, generation);
      return true;
    } catch (error) {
      this.#storeError("set", error);
      return false;
    }
  }

  #envelope<T>(
    value: T,
    policy: ResolvedPolicy,
    tagsOption: EntryOptions<T>["tags"],
    seq: number,
    empty: boolean,
  ): Envelope<T> {
    const now = this.#o.clock.now();
    const ttlMs = empty ? policy.negativeMs : jitterMs(policy.ttlMs, this.#o.random);
    const staleMs = empty ? 0 : policy.staleMs;
    const tags = normalizeTags(typeof tagsOption === "function" ? tagsOption(value) : tagsOption);
    const envelope: Envelope<T> = { v: value, c: now, f: now + ttlMs, s: now + ttlMs + staleMs };
    if (tags.length > 0) {
      envelope.t = tags;
      envelope.q = seq;
    }
    return envelope;
  }

  async get<T>(key: string, options: KeyOptions = {}): Promise<CacheResult<T> | undefined> {
    const read = await this.#read(entryKey(options.namespace ?? DEFAULT_NAMESPACE, key));
    if (read.kind !== "found") return undefined;
    return servable(read.envelope as Envelope<T>, this.#o.clock.now());
  }

  async set<T>(key: string, value: T, options: EntryOptions<T> = {}): Promise<boolean> {
    const policy = this.#policyFor(options);
    const fullKey = entryKey(policy.namespace, key);
    const seq = await this.#currentSeq();
    if (seq === undefined) return false;
    this.#o.nearCache?.delete(fullKey);
    const generation = this.#o.nearCache?.generation ?? 0;
    const written = await this.#write(
      fullKey,
      this.#envelope(value, policy, options.tags, seq, false),
      generation,
    );
    if (written) await this.#publish({ keys: [fullKey] });
    return written;
  }

  async delete(key: string, options: KeyOptions = {}): Promise<boolean> {
    const fullKey = entryKey(options.namespace ?? DEFAULT_NAMESPACE, key);
    this.#o.nearCache?.delete(fullKey);
    try {
      await this.#o.guard.run(() => this.#o.store.deleteEntry(fullKey));
    } catch (error) {
      this.#storeError("delete", error);
      return false;
    }
    await this.#publish({ keys: [fullKey] });
    return true;
  }

  async invalidate(
    tagOrTags: string | readonly string[],
    options: { throwOnError?: boolean } = {},
  ): Promise<boolean> {
    const tags = normalizeTags(typeof tagOrTags === "string" ? [tagOrTags] : tagOrTags);
    if (tags.length === 0) return true;
    this.#o.nearCache?.dropTags(tags);
    try {
      const { store, tagRetentionMs } = this.#o;
      await this.#o.guard.run(() => store.invalidateTags(tags, tagRetentionMs));
    } catch (error) {
      this.#storeError("invalidate", error);
      if (options.throwOnError) throw error;
      return false;
    }
    await this.#publish({ tags });
    return true;
  }

  async #publish(message: { keys?: string[]; tags?: string[] }): Promise<void> {
    if (!this.#o.nearCache) return;
    try {
      await this.#o.guard.run(() =>
        this.#o.store.publishInvalidation({ origin: this.#origin, ...message }),
      );
    } catch (error) {
      this.#storeError("publish", error);
    }
  }

  async health(): Promise<HealthStatus> {
    try {
      await this.#o.guard.run(() => this.#o.store.ping());
      return "ok";
    } catch {
      return "down";
    }
  }

  metrics(): MetricsSnapshot {
    return this.#o.metrics.snapshot();
  }

  onMetric(listener: (event: MetricEvent) => void): () => void {
    return this.#o.metrics.subscribe(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#refreshing.values()]);
    this.#o.guard.dispose();
    await this.#o.store.close();
  }

  #emit(event: MetricEvent): void {
    this.#o.metrics.record(event);
  }

  #storeError(operation: string, error: unknown): void {
    this.#emit({ type: "error", operation, error });
  }

  #policyFor(options: GetOrLoadOptions<never> | EntryOptions<never>): ResolvedPolicy {
    const namespace = options.namespace ?? DEFAULT_NAMESPACE;
    const overrides = options as GetOrLoadOptions<never>;
    const overridden =
      overrides.ttlSeconds !== undefined ||
      overrides.staleTtlSeconds !== undefined ||
      overrides.negativeTtlSeconds !== undefined;
    if (!overridden) {
      const known = this.#policies.get(namespace);
      if (known) return known;
    }
    if (namespace.length === 0 || namespace.includes(":")) {
      throw new CacheConfigError(
        `cache namespace must be non-empty and without ":", got "${namespace}"`,
      );
    }
    const base = this.#o.namespaces[namespace];
    const policy = this.#resolvePolicy(namespace, {
      ttlSeconds: overrides.ttlSeconds ?? base?.ttlSeconds,
      staleTtlSeconds: overrides.staleTtlSeconds ?? base?.staleTtlSeconds,
      negativeTtlSeconds: overrides.negativeTtlSeconds ?? base?.negativeTtlSeconds,
    });
    if (!overridden && this.#policies.size < MAX_MEMO_NAMESPACES) {
      this.#policies.set(namespace, policy);
    }
    return policy;
  }

  #resolvePolicy(namespace: string, policy: Partial<NamespacePolicy>): ResolvedPolicy {
    const ttl = validateTtl(
      namespace,
      "ttlSeconds",
      policy.ttlSeconds ?? DEFAULT_POLICY.ttlSeconds,
    );
    const stale = validateTtl(
      namespace,
      "staleTtlSeconds",
      policy.staleTtlSeconds ?? DEFAULT_POLICY.staleTtlSeconds,
    );
    const negative = validateTtl(
      namespace,
      "negativeTtlSeconds",
      policy.negativeTtlSeconds ?? DEFAULT_POLICY.negativeTtlSeconds,
    );
    if (ttl <= 0) throw new CacheConfigError(`ttlSeconds for namespace "${namespace}" must be > 0`);
    if ((ttl * (1 + 0.1) + stale) * 1000 > this.#o.tagRetentionMs) {
      throw new CacheConfigError(
        `ttlSeconds + staleTtlSeconds for namespace "${namespace}" exceed the tag retention of ${this.#o.tagRetentionMs / 1000} s`,
      );
    }
    return {
      namespace,
      ttlMs: ttl * 1000,
      staleMs: stale * 1000,
      negativeMs: negative * 1000,
      spanOptions: Object.freeze({
        attributes: Object.freeze({ "cache.backend": this.backend, "cache.namespace": namespace }),
      }),
      hitEvent: Object.freeze({ type: "hit", namespace, layer: "store" }),
      nearHitEvent: Object.freeze({ type: "hit", namespace, layer: "near" }),
      staleEvent: Object.freeze({ type: "stale", namespace }),
      missEvent: Object.freeze({ type: "miss", namespace }),
    };
  }
}

function entryKey(namespace: string, key: string): string {
  return `e:${namespace}:${key}`;
}

/** A hit while fresh, stale within the stale window, nothing after. */
function servable<T>(envelope: Envelope<T>, now: number): CacheResult<T> | undefined {
  if (now < envelope.f) return resultOf(envelope, "hit", now);
  if (now < envelope.s) return resultOf(envelope, "stale", now);
  return undefined;
}

function resultOf<T>(envelope: Envelope<T>, status: CacheStatus, now: number): CacheResult<T> {
  return {
    value: envelope.v,
    status,
    ageSeconds: status === "miss" ? 0 : Math.max(0, Math.floor((now - envelope.c) / 1000)),
    ttlSeconds: Math.round((envelope.f - envelope.c) / 1000),
  };
}
