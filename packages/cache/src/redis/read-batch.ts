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
 * Coalesces entry reads into one `MGET` of every key read plus the invalidation sequence. The
 * first read opens a batch and schedules it with `process.nextTick`: reads started by the same
 * synchronous code join it, and so do the promise continuations of that turn when the first
 * read itself ran in one (the usual case: a request handler after an `await`). Reads of one key
 * in a batch share its answer. A batch that reaches `maxKeys` is sent at once.
 *
 * As strict as a command per read: a read joins only a batch whose `MGET` has not been issued
 * yet, so the `MGET` is written to Redis after every read it answers started, and Redis runs it
 * after any invalidation that a caller saw acknowledged before starting its read.
 *
 * One command instead of one per read: under concurrency most of ioredis's per-command cost
 * (command object, promise, protocol encoding, reply parsing) is paid once. Standalone servers
 * only (the entries and the sequence live in different hash slots).
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
      // Promise.resolve: a client that answers without a promise still settles every read.
      reply = Promise.resolve(this.#o.client.mgetBuffer(keys));
    } catch (error) {
      fail(error);
      return;
    }
    reply.then((values) => {
      if (!Array.isArray(values) || values.length !== keys.length) {
        fail(new Error(`MGET of ${keys.length} keys answered ${describe(values)}`));
        return;
      }
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

function describe(value: unknown): string {
  return Array.isArray(value) ? `${value.length} values` : typeof value;
}
