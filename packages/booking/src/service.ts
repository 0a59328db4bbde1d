import { setTimeout as sleep } from "node:timers/promises";
import { type Tracer, trace } from "@opentelemetry/api";
import {
  type BookingRecord,
  type BookingStatus,
  currencyExponent,
  type IdempotencyRecord,
  type InventoryChange,
  type InventoryChangeListener,
  newId,
  parseOfferId,
  type StoredResponse,
  toMinor,
  workQueueFor,
} from "@travel/core";
import { requestHash } from "./canonical.js";
import { type CursorCodec, createCursorCodec } from "./cursor.js";
import {
  BookingError,
  BookingNotCancellableError,
  BookingNotFoundError,
  BookingValidationError,
  fromStoredProblem,
  IdempotencyConflictError,
  isStorableOutcome,
  OfferNotFoundError,
  PriceChangedError,
  SoldOutError,
  type StoredProblem,
  toStoredProblem,
} from "./errors.js";
import type { HoldStore } from "./holds.js";
import { type OfferReader, priceOffer } from "./pricing.js";
import { MAX_REFERENCE_ATTEMPTS, referenceCandidate } from "./reference.js";
import {
  type BookingRequest,
  type BookingResponse,
  bookingIdSchema,
  MAX_TRAVELERS,
} from "./request.js";
import { problemResponse, settledResponse, toBookingResponse } from "./response.js";
import { flightTravelerErrors, quantityOf } from "./travelers.js";
import {
  type BookingStore,
  type Clock,
  createBookingWorkflow,
  type IdempotencyStore,
} from "./workflow.js";

export interface BookingServiceDeps {
  /** Live reads of offers (the source of truth, never the search cache). */
  inventory: OfferReader;
  holds: HoldStore;
  bookings: BookingStore;
  idempotency: IdempotencyStore;
  clock: Clock;
  /** Secret that signs list cursors (≥ 16 characters). */
  cursorSecret: string;
  /** Told about every inventory change before the booking/cancellation is acknowledged. */
  listener?: InventoryChangeListener | undefined;
  /** Told when the listener could not be told (the booking still answers as written). */
  onRefreshFailed?: ((error: unknown, changes: readonly InventoryChange[]) => void) | undefined;
  /** Share (percent) of a flight's seats or a night's rooms one tenant may hold (default 50). */
  tenantSharePercent?: number;
  /** How long one worker owns an idempotency key / a booking before others may take over. */
  leaseMs?: number;
  /** How long a request waits for a concurrent identical one before answering 409. */
  maxWaitMs?: number;
  tracer?: Tracer;
}

export interface BookingOutcome {
  status: number;
  booking: BookingResponse;
  /** True when this request did not make the booking itself (same key seen before). */
  replayed: boolean;
}

export const DEFAULT_LEASE_MS = 30_000;
/** Below API Gateway's 29 s so a waiting request can still answer. */
export const DEFAULT_MAX_WAIT_MS = 10_000;
const OPERATION = "POST /v1/bookings";

/**
 * Bookings that never oversell and survive a crash between any two writes.
 *
 * @example
 * const bookings = createBookingService({ ...createBookingRepositories(db), clock, cursorSecret, listener: search });
 * const { status, booking, replayed } = await bookings.book({ tenantId, idempotencyKey, request });
 */
export function createBookingService(deps: BookingServiceDeps) {
  const { inventory, bookings, idempotency, clock } = deps;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const maxWaitMs = deps.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const tracer = deps.tracer ?? trace.getTracer("@travel/booking");
  const cursors: CursorCodec = createCursorCodec(deps.cursorSecret);
  const workflow = createBookingWorkflow(deps);

  /** What a settled answer means to the caller: a booking, or the stored problem thrown. */
  function outcomeOf(stored: StoredResponse, replayed: boolean): BookingOutcome {
    const body = JSON.parse(stored.body) as unknown;
    if (stored.status >= 400) throw fromStoredProblem(body as StoredProblem, replayed);
    return { status: stored.status, booking: body as BookingResponse, replayed };
  }

  /** Booking rules that depend on the kind of offer (known from its id, before any I/O). */
  function validateForOffer(request: BookingRequest): void {
    const errors: { path: string; message: string }[] = [];
    const parsed = parseOfferId(request.offerId);
    if (parsed?.type === "flight" || parsed?.type === "itinerary") {
      errors.push(...flightTravelerErrors(request, parsed));
    }
    if (parsed?.type === "hotel" && quantityOf(request, parseOfferId(request.offerId)) > 4) {
      errors.push({ path: "quantity", message: "at most 4 rooms can be booked at once" });
    }
    if (
      parsed?.type === "hotel" &&
      request.travelers.length >
        Math.min(MAX_TRAVELERS, 2 * quantityOf(request, parseOfferId(request.offerId)) + 4)
    ) {
      errors.push({ path: "travelers", message: "too many guests for the rooms booked" });
    }
    const { amount, currency } = request.expectedTotal;
    const decimals = amount.split(".")[1]?.length ?? 0;
    if (decimals > currencyExponent(currency)) {
      errors.push({
        path: "expectedTotal.amount",
        message: `${currency} amounts have at most ${currencyExponent(currency)} decimal places`,
      });
    }
    if (errors.length > 0) throw new BookingValidationError(errors);
  }

  async function store(
    record: IdempotencyRecord,
    response: StoredResponse,
  ): Promise<StoredResponse> {
    const completed = await idempotency.complete({
      tenantId: record.tenantId,
      idempotencyKey: record.idempotencyKey,
      bookingId: record.bookingId,
      response,
    });
    return completed?.response ?? response;
  }

  async function claimReference(bookingId: string, now: Date): Promise<string> {
    for (let attempt = 0; attempt < MAX_REFERENCE_ATTEMPTS; attempt++) {
      const candidate = referenceCandidate(bookingId, attempt);
      if ((await bookings.claimReference(candidate, bookingId, now)) !== "taken") return candidate;
    }
    throw new Error(`no free booking reference after ${MAX_REFERENCE_ATTEMPTS} attempts`);
  }

  /**
   * Waits for the owner of an idempotency key to finish, or takes the key over when the
   * owner's lease expired (it crashed or gave up after an error). Answers the stored response
   * or the record now owned by this request.
   */
  async function awaitTurn(
    first: IdempotencyRecord,
    hash: string,
  ): Promise<{ stored: StoredResponse } | { owned: IdempotencyRecord }> {
    const started = performance.now();
    let record: IdempotencyRecord | undefined = first;
    for (let attempt = 0; ; attempt++) {
      if (!record) throw new IdempotencyConflictError("The key's earlier request expired; retry.");
      if (record.requestHash !== hash) {
        throw new IdempotencyConflictError(
          "This Idempotency-Key was used with a different request body.",
        );
      }
      if (record.status === "completed" && record.response) return { stored: record.response };
      const now = clock.now().getTime();
      if (record.lockedUntil <= now) {
        const taken = await idempotency.takeOver(record, now + leaseMs);
        if (taken) return { owned: taken };
      } else if (performance.now() - started > maxWaitMs) {
        throw new IdempotencyConflictError(
          "A request with this Idempotency-Key is still being processed; retry shortly.",
        );
      }
      await sleep(Math.min(10 * 2 ** Math.min(attempt, 5), 200) * (0.5 + Math.random()));
      record = await idempotency.get(first.tenantId, first.idempotencyKey, clock.now());
    }
  }

  /**
   * Resumes a booking an earlier attempt with the same key created: settles it if it is still
   * pending (after taking its lease, so the reconciler keeps out), else answers its outcome.
   */
  async function resume(
    existing: BookingRecord,
    record: IdempotencyRecord,
    leases: { bookingLease?: number },
  ): Promise<StoredResponse> {
    const started = performance.now();
    let current = existing;
    while (current.status === "pending") {
      const now = clock.now().getTime();
      const leaseUntil = now + leaseMs;
      const leased = await bookings.takeLease(current.bookingId, {
        status: "pending",
        now: clock.now(),
        leaseUntil,
      });
      if (leased) {
        leases.bookingLease = leaseUntil;
        return store(record, settledResponse(await workflow.settlePending(leased)));
      }
      // Another worker (the reconciler, or the crashed attempt's lease) owns it: wait for it.
      if (performance.now() - started > maxWaitMs) {
        throw new IdempotencyConflictError(
          "A request with this Idempotency-Key is still being processed; retry shortly.",
        );
      }
      await sleep(25 + Math.random() * 50);
      const reread = await bookings.get(current.bookingId);
      if (!reread) throw new Error(`booking ${current.bookingId} disappeared`);
      current = reread;
    }
    const settled = await workflow.finishReleases(current);
    return store(record, settledResponse(settled));
  }

  /** Runs (or resumes) the booking the idempotency record stands for; answers what to store. */
  async function execute(
    record: IdempotencyRecord,
    request: BookingRequest,
    leases: { bookingLease?: number },
    fresh: boolean,
  ): Promise<StoredResponse> {
    // A record this request just created has no booking yet: skip the read (one op saved).
    if (!fresh) {
      const existing = await bookings.get(record.bookingId);
      if (existing) return resume(existing, record, leases);
    }

    const now = clock.now();
    let live: Awaited<ReturnType<typeof priceOffer>>;
    try {
      live = await priceOffer(
        inventory,
        request.offerId,
        quantityOf(request, parseOfferId(request.offerId)),
        now,
        deps.tenantSharePercent,
      );
      if (live.available < quantityOf(request, parseOfferId(request.offerId)))
        throw new SoldOutError();
      const expected = toMinor(request.expectedTotal);
      if (expected.currency !== live.currency || expected.minor !== live.totalMinor) {
        throw PriceChangedError.fromMinor(live.totalMinor, live.currency);
      }
    } catch (error) {
      // Business outcomes are answers: stored, so the same request replays the same 4xx.
      if (isStorableOutcome(error)) return store(record, problemResponse(toStoredProblem(error)));
      throw error;
    }

    const reference = await claimReference(record.bookingId, now);
    const leaseUntil = now.getTime() + leaseMs;
    const booking: BookingRecord = {
      bookingId: record.bookingId,
      tenantId: record.tenantId,
      reference,
      status: "pending",
      offerId: live.offerId,
      offerType: live.offerType,
      route: live.route,
      quantity: quantityOf(request, parseOfferId(request.offerId)),
      totalMinor: live.totalMinor,
      currency: live.currency,
      travelers: request.travelers,
      contact: request.contact,
      items: live.items,
      startsAt: live.startsAt,
      idempotencyKey: record.idempotencyKey,
      workQueue: workQueueFor("pending", record.bookingId),
      leaseUntil,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    if (!(await bookings.createPending(booking))) {
      const raced = await bookings.get(record.bookingId);
      if (!raced) throw new Error(`booking ${record.bookingId} exists but cannot be read`);
      return resume(raced, record, leases);
    }
    leases.bookingLease = leaseUntil;
    return store(record, settledResponse(await workflow.settlePending(booking)));
  }

  /**
   * After an unexpected error, hands both leases back so a retry with the same key resumes at
   * once instead of waiting for them to expire. If that fails too (the table is unreachable),
   * the leases simply expire.
   */
  async function releaseLeases(
    record: IdempotencyRecord,
    leases: { bookingLease?: number },
    error: unknown,
  ): Promise<never> {
    try {
      if (leases.bookingLease !== undefined) {
        await bookings.releaseLease(record.bookingId, leases.bookingLease);
      }
      await idempotency.releaseLease(record, record.lockedUntil);
    } catch (releaseError) {
      throw new AggregateError(
        [error, releaseError],
        "booking failed and its leases could not be released",
      );
    }
    throw error;
  }

  function visible(record: BookingRecord | undefined, tenantId: string): BookingRecord {
    // Another tenant's booking and internal failed attempts are indistinguishable from absent.
    if (!record || record.tenantId !== tenantId || record.status === "failed") {
      throw new BookingNotFoundError();
    }
    return record;
  }

  return {
    /**
     * Books an offer under an idempotency key. Answers the booking (status 201, `replayed` for
     * a repeat of an earlier request) or throws a `BookingError` (also `replayed` when stored).
     */
    async book(input: {
      tenantId: string;
      idempotencyKey: string;
      request: BookingRequest;
    }): Promise<BookingOutcome> {
      const { tenantId, idempotencyKey } = input;
      // Seats or rooms made explicit, so an omitted quantity and the same number sent hash alike.
      const request = {
        ...input.request,
        quantity: quantityOf(input.request, parseOfferId(input.request.offerId)),
      };
      return tracer.startActiveSpan("booking.book", async (span) => {
        try {
          validateForOffer(input.request);
          if (!parseOfferId(request.offerId)) throw new OfferNotFoundError();
          const hash = requestHash(OPERATION, request);
          const now = clock.now();
          const begun = await idempotency.begin({
            tenantId,
            idempotencyKey,
            requestHash: hash,
            bookingId: newId("booking", now.getTime()),
            now,
            leaseMs,
          });
          let record = begun.record;
          if (!begun.created) {
            const turn = await awaitTurn(record, hash);
            if ("stored" in turn) return outcomeOf(turn.stored, true);
            record = turn.owned;
          }
          span.setAttribute("booking.id", record.bookingId);
          const leases: { bookingLease?: number } = {};
          let stored: StoredResponse;
          try {
            stored = await execute(record, request, leases, begun.created);
          } catch (error) {
            return await releaseLeases(record, leases, error);
          }
          return outcomeOf(stored, !begun.created);
        } catch (error) {
          if (error instanceof BookingError) span.setAttribute("booking.problem", error.code);
          else span.recordException(error as Error);
          throw error;
        } finally {
          span.end();
        }
      });
    },

    async get(input: { tenantId: string; bookingId: string }): Promise<BookingResponse> {
      if (!bookingIdSchema.safeParse(input.bookingId).success) throw new BookingNotFoundError();
      return toBookingResponse(visible(await bookings.get(input.bookingId), input.tenantId));
    },

    /** The tenant's bookings, newest first, with an opaque signed cursor. */
    async list(input: {
      tenantId: string;
      status?: Exclude<BookingStatus, "failed"> | undefined;
      limit: number;
      cursor?: string | undefined;
    }): Promise<{ data: BookingResponse[]; meta: { count: number; nextCursor: string | null } }> {
      const position = input.cursor
        ? cursors.decode(input.cursor, input.tenantId, input.status)
        : null;
      const page = await bookings.listByTenant(input.tenantId, {
        limit: input.limit,
        cursor: position,
        status: input.status,
      });
      const data = page.items.map(toBookingResponse);
      return {
        data,
        meta: {
          count: data.length,
          nextCursor: cursors.encode(input.tenantId, input.status, page.cursor),
        },
      };
    },

    /**
     * Cancels a confirmed booking before it starts and returns its seats/rooms exactly once.
     * Repeating it answers the same body and returns nothing twice.
     */
    async cancel(input: { tenantId: string; bookingId: string }): Promise<BookingResponse> {
      return tracer.startActiveSpan("booking.cancel", async (span) => {
        try {
          if (!bookingIdSchema.safeParse(input.bookingId).success) throw new BookingNotFoundError();
          let booking = visible(await bookings.get(input.bookingId), input.tenantId);
          if (booking.status === "pending") {
            throw new BookingNotCancellableError(
              "The booking is still being confirmed; retry shortly.",
            );
          }
          if (booking.status === "confirmed") {
            const now = clock.now();
            if (now.getTime() >= Date.parse(booking.startsAt)) {
              throw new BookingNotCancellableError(
                booking.offerType === "flight"
                  ? "The flight has departed; it can no longer be cancelled."
                  : "The stay has begun (check-in passed); it can no longer be cancelled.",
              );
            }
            booking =
              (await bookings.cancel(booking.bookingId, {
                now,
                leaseUntil: now.getTime() + leaseMs,
              })) ?? visible(await bookings.get(booking.bookingId), input.tenantId);
          }
          // Cancelled: finish returning inventory if that is still due (a crash, a concurrent cancel).
          booking = await workflow.finishReleases(booking);
          return toBookingResponse(booking);
        } finally {
          span.end();
        }
      });
    },
  };
}

export type BookingService = ReturnType<typeof createBookingService>;
