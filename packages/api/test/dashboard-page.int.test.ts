/**
 * The live operations page in a real browser: Debian's chromium (`/usr/bin/chromium`, or
 * `CHROMIUM_PATH`) driven by playwright-core against the real app over HTTP. Without a
 * chromium it is skipped, except under CI=true, where `.ci/run` installs one and a missing
 * browser fails. Screenshots go to `packages/api/test-results/`.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { createLocalChangeFeed, type LocalChangeFeed } from "@travel/analytics";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayFromToday, flightRecords, HOTELS, insertInventory, roomNights } from "./fixtures.js";
import { startTestApp, type TestApp } from "./harness.js";

// The page callbacks below run in the browser; the package's types are Node's (no DOM lib).
declare const document: {
  querySelector(selector: string): { textContent: string | null; toDataURL(): string } | null;
  documentElement: { scrollWidth: number; clientWidth: number };
};
declare const sessionStorage: { length: number } & Record<string, string>;

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const RESULTS = fileURLToPath(new URL("../test-results/", import.meta.url));
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser && !process.env.CI) {
  console.warn(
    `dashboard page test skipped: no chromium at ${CHROMIUM} (apt-get install chromium)`,
  );
}

describe.skipIf(!hasBrowser && !process.env.CI)("GET /dashboard in headless chromium", () => {
  let t: TestApp;
  let feed: LocalChangeFeed;
  let server: ReturnType<typeof serve>;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const keys: Record<"acme" | "globex" | "platform", string> = {
    acme: "",
    globex: "",
    platform: "",
  };
  const departure = dayFromToday(14);

  beforeAll(async () => {
    t = await startTestApp();
    await insertInventory(t.engine.db, {
      flights: flightRecords(departure),
      hotels: HOTELS,
      nights: roomNights(departure, dayFromToday(16)),
    });
    feed = createLocalChangeFeed({ engine: t.engine, handler: t.deps.analytics.consumer.handle });
    feed.start();
    t.deps.live.attachStream(() => {
      const { queued, deadLetters } = feed.stats();
      return { queued, deadLettered: deadLetters.length };
    });
    keys.acme = await t.createKey(["search", "book", "analytics"], { tenantId: "acme" });
    keys.globex = await t.createKey(["search", "analytics"], { tenantId: "globex" });
    keys.platform = await t.createKey(["analytics", "platform"], { tenantId: "operator" });

    server = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    userDataDir = mkdtempSync(join(tmpdir(), "dashboard-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    mkdirSync(RESULTS, { recursive: true });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await feed?.stop();
    await t?.close();
  });

  const api = (path: string, key: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { ...init.headers, "x-api-key": key } });

  async function enterKey(key: string) {
    await page.fill("#api-key", key);
    await page.press("#api-key", "Enter");
  }
  const text = (selector: string) => page.textContent(selector).then((s) => s?.trim() ?? "");
  const trafficPixels = () =>
    page.$eval("#c-traffic canvas", (canvas) =>
      (canvas as unknown as { toDataURL(): string }).toDataURL(),
    );

  it("says clearly when a key is wrong, and keeps keys out of the URL", async () => {
    await page.goto(`${base}/dashboard`);
    await enterKey("tp_this-key-does-not-exist");
    await page.waitForSelector("#message:not([hidden])", { timeout: 5_000 });
    expect(await text("#message")).toContain("not accepted (401 unauthorized)");
    expect(await page.isVisible("#board")).toBe(false);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(page.url()).toBe(`${base}/dashboard`);
  });

  it("shows a tenant its own searches and booking within 5 s, chart included, and nobody else's", async () => {
    await enterKey(keys.acme);
    await page.waitForSelector("#board:not([hidden])", { timeout: 10_000 });
    await page.waitForFunction(() => document.querySelector("#t-searches")?.textContent === "0");
    expect(await page.isVisible("#tenant-pair")).toBe(false);
    expect(await text("#scope-note")).toBe("tenant acme");
    expect(page.url()).toBe(`${base}/dashboard`);
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([keys.acme]);
    const chartBefore = await trafficPixels();

    // Another tenant's traffic (hotels in LHR), then acme's searches and a booking.
    const hotels = `/v1/hotels/search?city=LHR&checkIn=${departure}&checkOut=${dayFromToday(15)}`;
    for (let i = 0; i < 2; i++) expect((await api(hotels, keys.globex)).status).toBe(200);
    const flights = `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${departure}`;
    let offer: { id: string; price: { amount: string; currency: string } } | undefined;
    for (let i = 0; i < 3; i++) {
      const res = await api(flights, keys.acme);
      expect(res.status).toBe(200);
      offer = ((await res.json()) as { data: NonNullable<typeof offer>[] }).data[0];
    }
    const booked = await api("/v1/bookings", keys.acme, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": "dashboard-page-1" },
      body: JSON.stringify({
        offerId: offer?.id,
        quantity: 1,
        travelers: [{ givenName: "Ada", familyName: "Lovelace" }],
        contact: { email: "ada@example.com" },
        expectedTotal: offer?.price,
      }),
    });
    expect(booked.status).toBe(201);

    await page.waitForFunction(
      () =>
        document.querySelector("#t-searches")?.textContent === "3" &&
        document.querySelector("#t-bookings")?.textContent === "1",
      undefined,
      { timeout: 5_000 },
    );
    await page.waitForFunction(
      (before) => document.querySelector("#c-traffic canvas")?.toDataURL() !== before,
      chartBefore,
      { timeout: 5_000 },
    );
    expect(await text("#c-traffic-desc")).toMatch(
      /^Over the last 15 minutes: 3 searches and 1 bookings,/,
    );
    expect(await text("#t-hit-ratio")).toMatch(/^66[.,]7 %$/);
    expect(
      await page.$$eval("#routes th[scope=row]", (cells) => cells.map((c) => c.textContent)),
    ).toEqual(["JFK-LAX"]);
    expect(await text("#revenue")).toContain(offer?.price.currency);
    expect(await text("#latency")).toContain("GET /v1/flights/search");
    expect(await text("#latency")).not.toContain("/v1/hotels/search");
    expect(await text("#health")).toContain("DynamoDBok");
    await page.screenshot({ path: join(RESULTS, "dashboard.png"), fullPage: true });
  });

  it("lets a platform key see every tenant or pick one", async () => {
    await page.click("#forget");
    await enterKey(keys.platform);
    await page.waitForFunction(
      () => document.querySelector("#t-searches")?.textContent === "5",
      undefined,
      {
        timeout: 5_000,
      },
    );
    expect(await page.isVisible("#tenant-pair")).toBe(true);
    expect(
      await page.$$eval("#tenant option", (options) => options.map((o) => o.textContent)),
    ).toEqual(["All tenants", "acme", "globex"]);
    await page.selectOption("#tenant", "globex");
    await page.waitForFunction(
      () => document.querySelector("#t-searches")?.textContent === "2",
      undefined,
      {
        timeout: 5_000,
      },
    );
    expect(await text("#t-bookings")).toBe("0");
    expect(
      await page.$$eval("#routes th[scope=row]", (cells) => cells.map((c) => c.textContent)),
    ).toEqual(["LHR"]);
  });

  it("fits a phone screen without sideways scrolling", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(RESULTS, "dashboard-phone.png"), fullPage: true });
  });
});
