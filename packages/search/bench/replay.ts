/**
 * Replays the reference workload (`workload.ts`) over simulated time through the real search
 * service, cache code, booking service (holds, idempotency, cancellation) and admin update path,
 * on dynalite loaded with the real seed. One injected clock drives everything.
 *
 * Measured per search: DynamoDB reads made while it ran (a middleware on the client every
 * service uses; reads = GetItem/Query/Scan/BatchGetItem; the replay is sequential, so every read
 * belongs to the operation in progress), service time, and every offer shown checked against a
 * shadow of the inventory kept by the replay itself (the seed's records plus the replay's own
 * bookings, cancellations and price changes): price and seats/rooms must be the truth at that
 * instant, and the number of matching offers (`meta.total`) must be the truth's.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import {
  bookingRequestSchema,
  createBookingRepositories,
  createBookingService,
} from "@travel/booking";
import type { Cache } from "@travel/cache";
import {
  addDays,
  createInventoryRepository,
  type FlightOfferRecord,
  fromMinor,
  type HotelRecord,
  hotelOfferId,
  type InventoryChange,
  type RoomNightRecord,
  toMinor,
} from "@travel/core";
import { type LocalEngine, seedInventory, startLocalEngine } from "@travel/core/local";
import { DEFAULT_SEED, generateInventory } from "@travel/core/seed";
import { createInventoryReadModel, type InventoryReadModel } from "../src/read-model/read-model.js";
import { createSearchService, type SearchCache } from "../src/service.js";
import { createInventorySupplier } from "../src/suppliers/inventory.js";
import { createPriceChanges, createWorkload, type SearchEvent } from "./workload.js";

export const SEED_DAYS = 90;

/** Seeds dynalite once into a directory; each replay runs on a copy. */
export async function seedOnce(startDate: string): Promise<{ dir: string; seconds: number }> {
  const dir = mkdtempSync(join(tmpdir(), "hit-ratio-seed-"));
  const engine = await startLocalEngine({ dataDir: dir });
  const started = performance.now();
  await seedInventory({ db: engine.db, startDate, days: SEED_DAYS });
  await engine.stop();
  return { dir, seconds: (performance.now() - started) / 1000 };
}

export interface ReplayOptions {
  mode: "read-model" | "ttl-exact";
  searchesPerDay: number;
  /** Simulated hours replayed (24 = the full day). */
  hours: number;
  startDate: string;
  seedDir: string;
  /** The cache under test, built on the replay's clock. */
  makeCache(clock: { now(): number }): Cache;
  /** Stop early (real time) and report the simulated span covered. */
  budgetMs?: number;
  /** Deliver every inventory change again via the engine's change capture (stream backstop). */
  stream?: boolean;
  /** Fill these read-model entries before the day starts (bootstrap). */
  warm?: { routes: number; months: number };
  /** Called once per simulated minute with the clock (fault injection, progress). */
  onMinute?(minute: number, ctx: { cache: Cache }): Promise<void> | void;
}

interface Shadow {
  flights: Map<string, FlightOfferRecord>;
  byRouteDate: Map<string, FlightOfferRecord[]>;
  nights: Map<string, RoomNightRecord>;
  hotelsByCity: Map<string, HotelRecord[]>;
  items: ({ kind: "flight"; id: string } | { kind: "night"; key: string })[];
}

let shadowTemplate: Shadow | undefined;

/** The seed as records, exactly as the loader wrote them (same seed, same start date). */
function loadShadow(startDate: string): Shadow {
  if (!shadowTemplate) {
    const inventory = generateInventory({ seed: DEFAULT_SEED, startDate, days: SEED_DAYS });
    const flights = new Map<string, FlightOfferRecord>();
    const nights = new Map<string, RoomNightRecord>();
    for (const day of inventory.days()) {
      for (const f of day.flights) flights.set(f.offerId, f);
      for (const n of day.nights) nights.set(`${n.hotelId}|${n.date}`, n);
    }
    const hotelsByCity = new Map<string, HotelRecord[]>();
    for (const h of inventory.hotels) {
      hotelsByCity.set(h.city, [...(hotelsByCity.get(h.city) ?? []), h]);
    }
    shadowTemplate = {
      flights,
      byRouteDate: new Map(),
      nights,
      hotelsByCity,
      items: [
        ...[...flights.keys()].map((id) => ({ kind: "flight" as const, id })),
        ...[...nights.keys()].map((key) => ({ kind: "night" as const, key })),
      ],
    };
  }
  const t = shadowTemplate;
  const flights = new Map([...t.flights].map(([k, v]) => [k, { ...v }]));
  const byRouteDate = new Map<string, FlightOfferRecord[]>();
  for (const f of flights.values()) {
    const key = `${f.origin}-${f.destination}|${f.departDate}|${f.cabin}`;
    byRouteDate.set(key, [...(byRouteDate.get(key) ?? []), f]);
  }
  return {
    flights,
    byRouteDate,
    nights: new Map([...t.nights].map(([k, v]) => [k, { ...v }])),
    hotelsByCity: t.hotelsByCity,
    items: t.items,
  };
}

const READS = new Set(["GetItemCommand", "QueryCommand", "ScanCommand", "BatchGetItemCommand"]);
type Phase = "search" | "booking" | "admin" | "stream" | "warm" | "idle";

export interface ReplayResult {
  mode: ReplayOptions["mode"];
  searchesPerDay: number;
  simulatedHours: number;
  searches: number;
  flightSearches: number;
  hotelSearches: number;
  searchesWithoutRead: number;
  searchReads: number;
  readsByPhase: Record<Phase, number>;
  /** Searches that failed (503): counted as searches answered with a read, never as clean. */
  errors: number;
  offersChecked: number;
  staleOffers: number;
  wrongTotals: number;
  bookings: {
    attempted: number;
    confirmed: number;
    soldOut: number;
    priceChanged: number;
    other: number;
    noOffer: number;
  };
  cancellations: number;
  priceChanges: number;
  streamDeliveries: number;
  serviceMs: { p50: number; p99: number; mean: number };
  cacheStatus: Record<string, number>;
  memory?: { entries: number; bytes: number };
  readModelStats?: ReturnType<InventoryReadModel["stats"]>;
  warmFilled?: number;
  realSeconds: number;
  /** Hit ratio (no DynamoDB read) per simulated hour. */
  hourly: number[];
}

export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const dir = mkdtempSync(join(tmpdir(), "hit-ratio-run-"));
  cpSync(options.seedDir, dir, { recursive: true });
  const engine: LocalEngine = await startLocalEngine({ dataDir: dir });
  const startMs = Date.parse(`${options.startDate}T00:00:00Z`);
  let nowMs = startMs;
  const clock = { now: () => new Date(nowMs) };
  let phase: Phase = "idle";
  const readsByPhase: Record<Phase, number> = {
    search: 0,
    booking: 0,
    admin: 0,
    stream: 0,
    warm: 0,
    idle: 0,
  };
  engine.clients.raw.middlewareStack.add(
    (next, context) => async (args) => {
      if (READS.has(String(context.commandName))) readsByPhase[phase]++;
      return next(args);
    },
    { step: "initialize", name: "replayReadCounter" },
  );

  const cache = options.makeCache({ now: () => nowMs });
  const inventory = createInventoryRepository(engine.db);
  let readModel: InventoryReadModel | undefined;
  let exactKey = "";
  let search: ReturnType<typeof createSearchService>;
  if (options.mode === "read-model") {
    readModel = createInventoryReadModel({ cache, inventory, clock });
    search = createSearchService({
      suppliers: [],
      readModel,
      inventory,
      cache,
      clock,
      cursorSecret: "bench-cursor-secret-0123456789abcdef",
      logger: { warn: () => {}, error: (m, f) => console.error(m, f) },
      // dynalite shares this process's 2 cores: a month fill can stall past the 2 s default.
      options: { supplierTimeoutMs: 15_000 },
    });
  } else {
    // TTL-only baseline: the inventory supplier cache-aside, one entry per exact query
    // (the key is widened by the query's every parameter), 10-minute TTL, invalidation on writes.
    const perQuery: SearchCache = {
      getOrLoad: (key, loader, opts) => cache.getOrLoad(`${key}|${exactKey}`, loader, opts),
      invalidate: (tags) => cache.invalidate(tags),
    };
    search = createSearchService({
      suppliers: [createInventorySupplier({ inventory })],
      inventory,
      cache: perQuery,
      clock,
      cursorSecret: "bench-cursor-secret-0123456789abcdef",
      logger: { warn: () => {}, error: (m, f) => console.error(m, f) },
      options: { ttlSeconds: 600, supplierTimeoutMs: 15_000 },
    });
  }
  const bookings = createBookingService({
    ...createBookingRepositories(engine.db),
    clock,
    cursorSecret: "bench-cursor-secret-0123456789abcdef",
    listener: search,
  });

  // Stream backstop: every committed inventory write comes back as a change, delivered after
  // the write path's own update, newest batch reversed, a tenth of it again with the next one.
  const pending: InventoryChange[] = [];
  let streamDeliveries = 0;
  if (options.stream !== false) {
    engine.onChange((change) => {
      const image = change.newImage;
      const entity = image?.__edb_e__?.S;
      if (!image || (entity !== "flightOffer" && entity !== "roomNight")) return;
      const item = unmarshall(image);
      if (entity === "flightOffer") {
        const { data } = engine.db.entities.flightOffer.parse({ Item: item });
        const { holds: _h, ...record } = data as FlightOfferRecord & { holds?: unknown };
        pending.push({ type: "flightOffer", record });
      } else {
        const { data } = engine.db.entities.roomNight.parse({ Item: item });
        const {
          holds: _h,
          month: _m,
          ...record
        } = data as RoomNightRecord & {
          holds?: unknown;
          month?: unknown;
        };
        pending.push({ type: "roomNight", record });
      }
    });
  }
  const deliverStream = async () => {
    if (pending.length === 0) return;
    const batch = pending.splice(0, pending.length).reverse();
    phase = "stream";
    await search.inventoryChanged(batch);
    streamDeliveries += batch.length;
    pending.push(...batch.filter((_, i) => i % 10 === 0)); // redelivered next time
    phase = "idle";
  };

  const shadow = loadShadow(options.startDate);
  let warmFilled: number | undefined;
  if (options.warm && readModel) {
    phase = "warm";
    const { seedRoutes } = await import("@travel/core/seed");
    const routes = seedRoutes().slice(0, options.warm.routes);
    const months = Array.from({ length: options.warm.months }, (_, i) => {
      const d = new Date(startMs);
      d.setUTCMonth(d.getUTCMonth() + i, 1);
      return d.toISOString().slice(0, 7);
    });
    const { HOTEL_SEARCH_CITIES } = await import("./workload.js");
    warmFilled = (await readModel.warm({ routes, cities: HOTEL_SEARCH_CITIES, months })).filled;
    phase = "idle";
  }

  const workload = createWorkload({ searchesPerDay: options.searchesPerDay });
  const prices = createPriceChanges({ items: shadow.items.length });
  const endMs = startMs + options.hours * 3_600_000;
  let nextSearch = startMs + workload.nextSearchInMs();
  let nextPrice = startMs + prices.nextInMs();
  const cancellations: { at: number; bookingId: string; change: () => void }[] = [];
  const times: number[] = [];
  const hourly: { searches: number; clean: number }[] = [];
  const result = {
    searches: 0,
    flightSearches: 0,
    hotelSearches: 0,
    searchesWithoutRead: 0,
    errors: 0,
    offersChecked: 0,
    staleOffers: 0,
    wrongTotals: 0,
    bookings: {
      attempted: 0,
      confirmed: 0,
      soldOut: 0,
      priceChanged: 0,
      expired: 0,
      other: 0,
      noOffer: 0,
    },
    cancellations: 0,
    priceChanges: 0,
    cacheStatus: {} as Record<string, number>,
  };
  const realStart = performance.now();
  let minute = -1;
  let bookingSeq = 0;

  const dateAt = (daysAhead: number) => addDays(options.startDate, daysAhead);

  async function runSearch(event: SearchEvent): Promise<void> {
    try {
      await searchAndCheck(event);
    } catch (error) {
      phase = "idle";
      result.searches++;
      result.errors++;
      if (result.errors <= 3) console.error("search failed", (error as Error).name);
    }
  }

  async function searchAndCheck(event: SearchEvent): Promise<void> {
    const now = clock.now();
    phase = "search";
    const readsBefore = readsByPhase.search;
    const t0 = performance.now();
    let data: { id: string; price: { amount: string; currency: string } }[];
    let total: number;
    let status: string;
    if (event.kind === "flight") {
      const query = {
        origin: event.origin,
        destination: event.destination,
        departureDate: dateAt(event.daysAhead),
        adults: event.adults,
        children: 0,
        infants: 0,
        maxStops: 1,
        cabin: event.cabin,
        sort: event.sort,
        limit: 20,
      };
      exactKey = JSON.stringify(query);
      const res = await search.searchFlights(query, { tenantId: "ten_bench" });
      times.push(performance.now() - t0);
      ({ data } = res);
      total = res.meta.total;
      status = res.meta.cache.status;
      // Truth: offers of the route/date/cabin with the seats, not departed.
      const truth = (
        shadow.byRouteDate.get(
          `${query.origin}-${query.destination}|${query.departureDate}|${query.cabin}`,
        ) ?? []
      ).filter((f) => f.seatsAvailable >= query.adults && Date.parse(f.departAt) > now.getTime());
      if (total !== truth.length) result.wrongTotals++;
      for (const offer of res.data) {
        result.offersChecked++;
        const f = shadow.flights.get(offer.id);
        if (
          !f ||
          toMinor(offer.price).minor !== f.priceMinor ||
          offer.seatsAvailable !== f.seatsAvailable
        ) {
          result.staleOffers++;
        }
      }
      result.flightSearches++;
    } else {
      const checkIn = dateAt(event.daysAhead);
      const checkOut = addDays(checkIn, event.nights);
      const query = {
        city: event.city,
        checkIn,
        checkOut,
        guests: event.guests,
        rooms: event.rooms,
        sort: event.sort,
        limit: 20,
      };
      exactKey = JSON.stringify(query);
      const res = await search.searchHotels(query, { tenantId: "ten_bench" });
      times.push(performance.now() - t0);
      ({ data } = res);
      total = res.meta.total;
      status = res.meta.cache.status;
      let expected = 0;
      const stayDates = Array.from({ length: event.nights }, (_, i) => addDays(checkIn, i));
      const truthOf = (hotelId: string) => {
        let price = 0;
        let rooms = Number.POSITIVE_INFINITY;
        for (const date of stayDates) {
          const n = shadow.nights.get(`${hotelId}|${date}`);
          if (!n) return undefined;
          price += n.priceMinor;
          rooms = Math.min(rooms, n.roomsAvailable);
        }
        return { price, rooms };
      };
      for (const hotel of shadow.hotelsByCity.get(event.city) ?? []) {
        const t = truthOf(hotel.hotelId);
        if (t && t.rooms >= event.rooms) expected++;
      }
      if (total !== expected) result.wrongTotals++;
      for (const offer of res.data) {
        result.offersChecked++;
        const t = truthOf(offer.hotelId);
        if (!t || toMinor(offer.price).minor !== t.price || offer.roomsAvailable !== t.rooms) {
          result.staleOffers++;
        }
      }
      result.hotelSearches++;
    }
    phase = "idle";
    const clean = readsByPhase.search === readsBefore;
    result.searches++;
    if (clean) result.searchesWithoutRead++;
    result.cacheStatus[status] = (result.cacheStatus[status] ?? 0) + 1;
    const hour = Math.floor((now.getTime() - startMs) / 3_600_000);
    hourly[hour] ??= { searches: 0, clean: 0 };
    (hourly[hour] as { searches: number; clean: number }).searches++;
    if (clean) (hourly[hour] as { searches: number; clean: number }).clean++;

    if (!event.books) return;
    result.bookings.attempted++;
    const first = data[0];
    if (!first) {
      result.bookings.noOffer++;
      return;
    }
    const quantity = event.kind === "flight" ? event.adults : event.rooms;
    const travelers = Array.from(
      { length: event.kind === "flight" ? event.adults : 1 },
      (_, i) => ({
        givenName: "Ada",
        familyName: `Replay${"abcdefghi"[i]}`,
      }),
    );
    const { minor, currency } = toMinor(first.price);
    phase = "booking";
    try {
      const outcome = await bookings.book({
        tenantId: "ten_bench",
        idempotencyKey: `replay-${options.mode}-${++bookingSeq}`,
        request: bookingRequestSchema.parse({
          offerId: first.id,
          quantity,
          travelers,
          contact: { email: "replay@example.com" },
          expectedTotal: fromMinor(minor * quantity, currency),
        }),
      });
      result.bookings.confirmed++;
      const apply = (sign: number) => {
        if (event.kind === "flight") {
          const f = shadow.flights.get(first.id);
          if (f) f.seatsAvailable -= sign * quantity;
        } else {
          const hotelId = (first as { hotelId?: string }).hotelId ?? "";
          for (let i = 0; i < event.nights; i++) {
            const n = shadow.nights.get(`${hotelId}|${addDays(dateAt(event.daysAhead), i)}`);
            if (n) n.roomsAvailable -= sign * quantity;
          }
        }
      };
      apply(1);
      const cancelIn = workload.cancellation();
      if (cancelIn !== undefined) {
        cancellations.push({
          at: now.getTime() + cancelIn,
          bookingId: outcome.booking.id,
          change: () => apply(-1),
        });
        cancellations.sort((a, b) => a.at - b.at);
      }
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "sold_out") result.bookings.soldOut++;
      else if (code === "price_changed") result.bookings.priceChanged++;
      else if (code === "offer_expired") result.bookings.expired++;
      else {
        result.bookings.other++;
        if (result.bookings.other <= 3)
          console.error("booking failed", code, (error as Error).message);
      }
    } finally {
      phase = "idle";
    }
  }

  async function runPriceChange(): Promise<void> {
    const { index, factor } = prices.next();
    const item = shadow.items[index];
    if (!item) return;
    phase = "admin";
    try {
      if (item.kind === "flight") {
        const f = shadow.flights.get(item.id);
        if (!f) return;
        const priceMinor = Math.max(100, Math.round(f.priceMinor * factor));
        await search.updateOffer(item.id, { price: fromMinor(priceMinor, f.currency) });
        f.priceMinor = priceMinor;
      } else {
        const n = shadow.nights.get(item.key);
        if (!n) return;
        const priceMinor = Math.max(100, Math.round(n.priceMinor * factor));
        const offerId = hotelOfferId({
          hotelId: n.hotelId,
          checkIn: n.date,
          checkOut: addDays(n.date, 1),
        });
        await search.updateOffer(offerId, { price: fromMinor(priceMinor, n.currency) });
        n.priceMinor = priceMinor;
      }
      result.priceChanges++;
    } finally {
      phase = "idle";
    }
  }

  while (true) {
    const nextCancel = cancellations[0]?.at ?? Number.POSITIVE_INFINITY;
    const next = Math.min(nextSearch, nextPrice, nextCancel);
    if (next >= endMs) break;
    if (options.budgetMs && performance.now() - realStart > options.budgetMs) break;
    nowMs = next;
    const m = Math.floor((nowMs - startMs) / 60_000);
    if (m !== minute) {
      minute = m;
      await options.onMinute?.(m, { cache });
    }
    if (next === nextSearch) {
      await runSearch(workload.nextSearch());
      nextSearch += workload.nextSearchInMs();
    } else if (next === nextPrice) {
      await runPriceChange();
      nextPrice += prices.nextInMs();
    } else {
      const due = cancellations.shift();
      if (due) {
        phase = "booking";
        try {
          await bookings.cancel({ tenantId: "ten_bench", bookingId: due.bookingId });
          due.change();
          result.cancellations++;
        } catch (error) {
          console.error("cancel failed", (error as { code?: string }).code);
        } finally {
          phase = "idle";
        }
      }
    }
    if (next !== nextSearch) await deliverStream();
  }
  await deliverStream();

  const sorted = [...times].sort((a, b) => a - b);
  const pct = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  const memory = readModel ? await readModel.memoryUsage() : undefined;
  const out: ReplayResult = {
    mode: options.mode,
    searchesPerDay: options.searchesPerDay,
    simulatedHours: (nowMs - startMs) / 3_600_000,
    ...result,
    searchReads: readsByPhase.search,
    readsByPhase,
    streamDeliveries,
    serviceMs: {
      p50: pct(0.5),
      p99: pct(0.99),
      mean: times.reduce((a, b) => a + b, 0) / Math.max(1, times.length),
    },
    ...(memory ? { memory } : {}),
    ...(readModel ? { readModelStats: readModel.stats() } : {}),
    ...(warmFilled !== undefined ? { warmFilled } : {}),
    realSeconds: (performance.now() - realStart) / 1000,
    hourly: hourly.map((h) => (h ? h.clean / Math.max(1, h.searches) : 0)),
  };
  await cache.close();
  await engine.stop();
  rmSync(dir, { recursive: true, force: true });
  return out;
}
