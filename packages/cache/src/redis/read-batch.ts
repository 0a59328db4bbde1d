/** What the batch needs from ioredis: one `MGET` with Buffer replies. */
export interface MgetClient {
  mgetBuffer(keys: string[]): Promise<(Buffer | null)[]>;
}

export interface ReadBatchOptions<T> {
  client: MgetClient;
  /** Read last in every `MGET`: the global invalidation sequence. */
  seqKey: string;
  /** Keys per `MGET` (the sequence comes on top); a fuller batch is sent at once. */
  maxKeys: number;
  /**
   * What one key's stored bytes become, given the sequence read in the same `MGET` (a value,
   * or a promise when the tag stamps must be read too).
   */
  judge: (stored: Buffer | null, seq: Buffer | null) => T | Promise<T>;
}

interface Waiter<T> {
  promise: Promise<T>;
  resolve: (value: T | Promise<T>) => void;
  reject: (error: unknown) => void;
}

/**
 * Coalesces the entry reads of one event-loop turn into one `MGET` of every key read plus the
 * invalidation sequence, sent when the turn's synchronous work and microtasks are done
 * (`process.nextTick`, where ioredis's own auto-pipelining flushes too). Readers of the same key
 * in one turn share its answer.
 *
 * Strict like a `GET` per read: the `MGET` is issued after every read that joined it, so Redis
 * executes it after each of them started. An invalidation whose reply a caller had seen before
 * reading arrived in an earlier I/O callback, and a batch never outlives the turn it was opened
 * in, so that invalidation precedes the `MGET` and its sequence. One command per turn instead of
 * one per read: under concurrency most of ioredis's per-command cost (command object, promise,
 * protocol encoding, reply parsing) is paid once. Standalone servers only (the entries and the
 * sequence live in different hash slots).
 */
export class ReadBatch<T> {
  readonly #o: ReadBatchOptions<T>;
  #open: Map<string, Waiter<T>> | undefined;

  constructor(options: ReadBatchOptions<T>) {
    this.#o = options;
  }

  read(key: string): Promise<T> {
    let open = this.#open;
    if (open === undefined) {
      open = new Map();
      this.#open = open;
      const batch = open;
      process.nextTick(() => this.#send(batch));
    }
    const joined = open.get(key);
    if (joined) return joined.promise;
    let resolve!: Waiter<T>["resolve"];
    let reject!: Waiter<T>["reject"];
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    open.set(key, { promise, resolve, reject });
    // Full: sent now (still after every read that joined it), the next read opens a new batch.
    if (open.size >= this.#o.maxKeys) this.#send(open);
    return promise;
  }

  #send(batch: Map<string, Waiter<T>>): void {
    if (this.#open === batch) this.#open = undefined;
    else if (batch.size === 0) return;
    const keys = [...batch.keys()];
    const waiters = [...batch.values()];
    batch.clear(); // a batch sent when full is not sent again by its nextTick
    keys.push(this.#o.seqKey);
    const fail = (error: unknown) => {
      for (const waiter of waiters) waiter.reject(error);
    };
    let reply: Promise<(Buffer | null)[]>;
    try {
      reply = this.#o.client.mgetBuffer(keys);
    } catch (error) {
      fail(error);
      return;
    }
    reply.then((values) => {
      const seq = values[waiters.length] ?? null;
      for (let i = 0; i < waiters.length; i++) {
        const waiter = waiters[i] as Waiter<T>;
        try {
          waiter.resolve(this.#o.judge(values[i] ?? null, seq));
        } catch (error) {
          waiter.reject(error);
        }
      }
    }, fail);
  }
}
