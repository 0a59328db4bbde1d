import type { WebhookDeliveryRecord, WebhookRepository } from "@travel/core";
import type { DeliveryRef } from "./delivery-ref.js";
import type { WebhookSender } from "./sender.js";

export interface LocalWebhookWorkerOptions {
  repository: WebhookRepository;
  sender: WebhookSender;
  clock: { now(): Date };
  /** How often due deliveries are looked for when nothing kicks the worker (default 1 s). */
  pollIntervalMs?: number;
  /** Ordering groups sent at once (default 4); a group is always sent one delivery at a time. */
  concurrency?: number;
  /** Due deliveries read per round (default 100). */
  batchSize?: number;
  logger?: { error(message: string, fields?: Record<string, unknown>): void };
}

export interface LocalWebhookWorker {
  start(): void;
  /** Look for due deliveries now (the producer calls it when it queues new ones). */
  kick(): void;
  /** Makes one attempt at every delivery due now (in group order) and waits for them. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Local mode's stand-in for the SQS queue and the delivery Lambda: it reads due deliveries from
 * the table (the `webhookDelivery` items are the durable queue, so nothing is lost across a
 * restart) and sends them with the same sender as AWS. Deliveries of one group (one booking to
 * one endpoint) go one at a time in order; a group whose head is not delivered waits for its
 * next attempt.
 *
 * @example
 * const worker = createLocalWebhookWorker({ repository, sender, clock });
 * worker.start();
 */
export function createLocalWebhookWorker(options: LocalWebhookWorkerOptions): LocalWebhookWorker {
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const concurrency = options.concurrency ?? 4;
  const batchSize = options.batchSize ?? 100;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let started = false;

  async function sendGroup(group: WebhookDeliveryRecord[]): Promise<void> {
    for (const delivery of group) {
      const result = await options.sender.attempt(delivery as DeliveryRef);
      if (result.kind === "retry") return;
    }
  }

  /** One round: every due delivery, grouped, `concurrency` groups at a time. */
  async function round(): Promise<number> {
    const due = await options.repository.listDue(options.clock.now(), batchSize);
    const groups = new Map<string, WebhookDeliveryRecord[]>();
    for (const delivery of due) {
      const key = `${delivery.endpointId}\u0000${delivery.orderKey}`;
      const group = groups.get(key) ?? [];
      group.push(delivery);
      groups.set(key, group);
    }
    const queue = [...groups.values()].map((g) =>
      g.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt)),
    );
    await Promise.all(
      Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
        for (let group = queue.shift(); group; group = queue.shift()) {
          try {
            await sendGroup(group);
          } catch (error) {
            options.logger?.error("webhook delivery failed", {
              deliveryId: group[0]?.deliveryId,
              error: error instanceof Error ? error.message : String(error),
            });
          }
        }
      }),
    );
    return due.length;
  }

  function schedule(delayMs: number): void {
    if (!started) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, delayMs);
    timer.unref();
  }

  function run(): void {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    running = round()
      .then(
        () => undefined,
        (error: unknown) => {
          options.logger?.error("webhook worker round failed", {
            error: error instanceof Error ? error.message : String(error),
          });
        },
      )
      .finally(() => {
        running = undefined;
        const rerun = again;
        again = false;
        schedule(rerun ? 0 : pollIntervalMs);
      });
  }

  return {
    start() {
      started = true;
      schedule(0);
    },
    kick() {
      if (!started) return;
      if (running) again = true;
      else schedule(0);
    },
    async drain() {
      while (running) await running;
      await round();
    },
    async stop() {
      started = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      while (running) await running;
    },
  };
}
