import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ScanCommand, type ScanCommandOutput } from "@aws-sdk/client-dynamodb";
import { createDynamoClients } from "@travel/core";
import {
  findRunningLocalEngine,
  LOCAL_CREDENTIALS,
  parseSearchEventBatch,
} from "@travel/core/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

interface Summary {
  searches: number;
  bookings: number;
}

interface Offer {
  id: string;
  price: { amount: string; currency: string };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `pnpm start` as the root script runs it (the same node process: API, engine, feeds). */
class LocalStart {
  readonly process: ChildProcess;
  output = "";
  readonly url: string;
  constructor(
    readonly dataDir: string,
    port: number,
    env: Record<string, string> = {},
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.process = spawn(
      process.execPath,
      ["--conditions=@travel/source", "--import", "tsx", "packages/api/src/local.ts"],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          LOCAL_DATA_DIR: dataDir,
          PORT: String(port),
          HOST: "127.0.0.1",
          REDIS_URL: "",
          LOG_LEVEL: "",
          ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    this.process.stdout?.on("data", (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    this.process.stderr?.on("data", (chunk: Buffer) => {
      this.output += chunk.toString();
    });
  }

  async serving(timeoutMs = 240_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes("serving on")) {
      if (this.process.exitCode !== null) throw new Error(`pnpm start exited:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`pnpm start did not serve:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  get key(): string {
    return readFileSync(join(this.dataDir, "demo-key"), "utf8").trim();
  }

  request(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      ...init,
      headers: { "x-api-key": this.key, ...(init.headers as Record<string, string>) },
    });
  }

  async kill9(): Promise<void> {
    const exited = new Promise((resolve) => this.process.once("exit", resolve));
    this.process.kill("SIGKILL");
    await exited;
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.process.once("exit", resolve));
    this.process.kill("SIGTERM");
    await exited;
  }
}

const today = () => new Date().toISOString().slice(0, 10);
const departure = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);

async function search(app: LocalStart, i: number): Promise<Offer[]> {
  // Different result sizes: some answers are cache misses, some hits. A 503 (the machine is too
  // busy for the inventory breaker's budget while seeding) is retried like a client would.
  for (let attempt = 0; ; attempt++) {
    const res = await app.request(
      `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${departure}&sort=price&limit=${5 + (i % 5)}`,
    );
    const body = (await res.json()) as { data: Offer[] };
    if (res.status === 503 && attempt < 5) {
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    expect(res.status, JSON.stringify(body)).toBe(200);
    return body.data;
  }
}

async function book(app: LocalStart, offer: Offer, idempotencyKey: string): Promise<Response> {
  return app.request("/v1/bookings", {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": idempotencyKey },
    body: JSON.stringify({
      offerId: offer.id,
      quantity: 1,
      travelers: [{ givenName: "Ada", familyName: "Lovelace" }],
      contact: { email: "ada@example.com" },
      expectedTotal: offer.price,
    }),
  });
}

async function summary(app: LocalStart): Promise<Summary> {
  const res = await app.request(`/v1/analytics/summary?from=${today()}&to=${today()}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Summary;
}

/**
 * Searches and bookings of today as the table holds them (one Scan through the running engine):
 * search events alone or in batch items, confirmed bookings by the day they were confirmed.
 */
async function groundTruth(dataDir: string): Promise<Summary> {
  const running = findRunningLocalEngine(join(dataDir, "dynamo"));
  if (!running) throw new Error("no engine running on the data directory");
  const clients = createDynamoClients({
    endpoint: running.endpoint,
    credentials: LOCAL_CREDENTIALS,
    // A Scan page of the seeded table takes seconds on a busy machine.
    requestTimeoutMs: 60_000,
  });
  const day = today();
  const searchIds = new Set<string>();
  let bookings = 0;
  try {
    let startKey: ScanCommandOutput["LastEvaluatedKey"];
    do {
      const page = await clients.raw.send(
        new ScanCommand({
          TableName: running.tableName,
          FilterExpression: "#e IN (:search, :batch, :booking)",
          Limit: 5_000,
          ExpressionAttributeNames: { "#e": "__edb_e__" },
          ExpressionAttributeValues: {
            ":search": { S: "searchEvent" },
            ":batch": { S: "searchEventBatch" },
            ":booking": { S: "booking" },
          },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const wire of page.Items ?? []) {
        const item = Object.fromEntries(Object.entries(wire).map(([k, v]) => [k, v.S]));
        if (item.__edb_e__ === "searchEvent" && item.day === day)
          searchIds.add(item.searchId ?? "");
        if (item.__edb_e__ === "searchEventBatch") {
          for (const event of parseSearchEventBatch(item.events as string)) {
            if (event.day === day) searchIds.add(event.searchId);
          }
        }
        if (
          item.__edb_e__ === "booking" &&
          item.status === "confirmed" &&
          String(item.confirmedAt ?? "").startsWith(day)
        ) {
          bookings++;
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  } finally {
    clients.raw.destroy();
  }
  return { searches: searchIds.size, bookings };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("local mode's change feed through pnpm start (fresh start, kill -9, restart)", () => {
  let root: string;
  let dataDir: string;
  let app: LocalStart | undefined;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "api-durable-feed-"));
    dataDir = join(root, "data");
  });
  afterAll(async () => {
    await app?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("counts 50 searches and 10 bookings made while the first start seeds within 5 s of the last one", async () => {
    app = new LocalStart(dataDir, await freePort());
    await app.serving();
    expect(app.output).toContain("seeding inventory (first start)");

    let offers: Offer[] = [];
    for (let i = 0; i < 50; i++) offers = await search(app, i);
    expect(offers.length).toBeGreaterThanOrEqual(5);
    for (let i = 0; i < 10; i++) {
      const res = await book(app, offers[i % offers.length] as Offer, `fresh-start-${i}`);
      expect(res.status).toBe(201);
    }
    const lastAt = Date.now();
    // The point of the test: all of it happened while the background seeding was still loading.
    expect(app.output).not.toContain("seeding complete");

    let seen = await summary(app);
    while ((seen.searches < 50 || seen.bookings < 10) && Date.now() - lastAt < 5_000) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await summary(app);
    }
    expect(seen).toMatchObject({ searches: 50, bookings: 10 });
    expect(Date.now() - lastAt).toBeLessThan(5_000);
  }, 300_000);

  it("after kill -9 with writes in flight and a restart on the same data, the summary equals the table", async () => {
    if (!app) throw new Error("the first test starts pnpm start");
    const offers = await search(app, 0);
    // Writes in flight: 4 loops of searches and 2 of bookings keep going; the process dies under
    // them once some have been answered (so committed, not yet delivered records exist).
    const done = { searches: 0, bookings: 0 };
    let dead = false;
    const running = app;
    const loops = [
      ...Array.from({ length: 4 }, async (_, loop) => {
        for (let i = 0; i < 40 && !dead; i++) {
          await search(running, loop * 40 + i).then(
            () => done.searches++,
            () => {},
          );
        }
      }),
      ...Array.from({ length: 2 }, async (_, loop) => {
        for (let i = 0; i < 10 && !dead; i++) {
          const offer = offers[(loop * 10 + i) % offers.length] as Offer;
          await book(running, offer, `kill-${loop}-${i}`).then(
            (res) => res.status === 201 && done.bookings++,
            () => {},
          );
        }
      }),
    ];
    const waitUntil = Date.now() + 120_000;
    while ((done.searches < 20 || done.bookings < 3) && Date.now() < waitUntil) await sleep(20);
    // Past the search-event queue's flush window: answered searches are in the table.
    await sleep(400);
    dead = true;
    await app.kill9();
    await Promise.all(loops);

    app = new LocalStart(dataDir, await freePort());
    await app.serving();
    // Wait until the counts settle (the restarted feed delivered the journal's backlog).
    const deadline = Date.now() + 150_000;
    let seen = await summary(app);
    for (let stableSince = Date.now(); Date.now() - stableSince < 3_000; ) {
      await sleep(500);
      const next = await summary(app);
      if (next.searches !== seen.searches || next.bookings !== seen.bookings) {
        [seen, stableSince] = [next, Date.now()];
      }
      if (Date.now() > deadline) break;
    }
    // The table is the truth: what committed before the kill must be counted, once. (A booking
    // the kill left half-done is settled by the restart's reconciler after a minute: then the
    // table and the summary both move, so compare again, a few times, until they meet.) A full
    // Scan of the seeded table is slow on a busy machine: few of them.
    let truth = await groundTruth(dataDir);
    for (
      let i = 0;
      i < 3 && (seen.searches !== truth.searches || seen.bookings !== truth.bookings);
      i++
    ) {
      await sleep(10_000);
      [seen, truth] = [await summary(app), await groundTruth(dataDir)];
    }
    expect(seen).toMatchObject(truth);
    // Writes made before the kill are there (and counted): the table holds more than test 1's.
    expect(truth.searches).toBeGreaterThanOrEqual(50 + 20);
    expect(truth.bookings).toBeGreaterThanOrEqual(10 + 3);
    const health = (await (await app.request("/health")).json()) as {
      changeFeed?: { deadLettered: number };
    };
    expect(health.changeFeed?.deadLettered).toBe(0);
  }, 600_000);

  it("says in one warning at start that REDIS_URL is unreachable, naming it", async () => {
    await app?.stop();
    const deadPort = await freePort();
    app = new LocalStart(dataDir, await freePort(), { REDIS_URL: `redis://127.0.0.1:${deadPort}` });
    await app.serving();
    const warnings = app.output
      .split("\n")
      .filter((line) => line.includes(`REDIS_URL redis://127.0.0.1:${deadPort} is unreachable`));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] as string)).toMatchObject({ level: "WARN" });
    // Still serving: searches fall open to the table.
    expect((await search(app, 0)).length).toBeGreaterThan(0);
  }, 120_000);
});
