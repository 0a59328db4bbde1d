import { cabinSchema, findPlace } from "@travel/core";
import { z } from "zod";
import { type Clock, daysBetween, localDate, systemClock } from "./clock.js";
import { SearchValidationError } from "./errors.js";

/** How far ahead a departure or check-in may be, in days from the local "today". */
export const MAX_DAYS_AHEAD = 365;
export const MAX_NIGHTS = 30;

export const flightSortSchema = z.enum(["price", "duration", "departure"]);
export type FlightSort = z.infer<typeof flightSortSchema>;
export const hotelSortSchema = z.enum(["price", "rating"]);
export type HotelSort = z.infer<typeof hotelSortSchema>;

/**
 * A 3-letter IATA code, case and whitespace folded: an airport of the bundled data set or a
 * metropolitan city code (`NYC`, `LON`) naming at least one of them.
 */
const placeCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, { message: "must be a 3-letter IATA code", abort: true })
  .refine((code) => findPlace(code) !== undefined, "is not a known airport or city code")
  .meta({
    description: "IATA airport or city code (a city searches all its airports)",
    example: "JFK",
  });

/** The airports two place codes have in common (`NYC` and `JFK` share JFK). */
function sharedAirports(a: string, b: string): string[] {
  const left = findPlace(a)?.airports ?? [];
  const right = new Set(findPlace(b)?.airports ?? []);
  return left.filter((code) => right.has(code));
}

const isoDate = z.iso
  .date({ error: "must be a calendar date in YYYY-MM-DD form" })
  .meta({ example: "2026-12-01" });

/**
 * zod runs object refinements even when a field failed (and hands them the raw value), so the
 * cross-field checks below first make sure the fields they read are the parsed ones.
 */
const isParsedDate = (value: unknown): value is string => isoDate.safeParse(value).success;
const isCount = (value: unknown): value is number => Number.isInteger(value);

/**
 * A query-string integer. Only plain digit strings are converted, so "abc", "1.5", "0x2" or ""
 * fail as "must be a whole number" instead of turning into NaN or 0.
 */
function wholeNumber(min: number, max: number) {
  return z.preprocess(
    (value) => (typeof value === "string" && /^\s*\d{1,6}\s*$/.test(value) ? Number(value) : value),
    z
      .int({ error: "must be a whole number" })
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`),
  );
}

/** A non-negative decimal amount such as "250" or "199.99" (compared against the shown `price`). */
const decimalAmount = z
  .string()
  .trim()
  .regex(/^\d{1,12}(\.\d{1,3})?$/, 'must be a non-negative decimal such as "250.00"')
  .meta({ example: "450.00" });

/** "aa, DL" → ["AA", "DL"]: upper-cased, trimmed, de-duplicated and sorted (order is not meaningful). */
const carrierList = z
  .string()
  .max(200)
  .transform((value) => [
    ...new Set(
      value
        .split(",")
        .map((c) => c.trim().toUpperCase())
        .filter((c) => c.length > 0),
    ),
  ])
  .pipe(
    z
      .array(
        z.string().regex(/^[A-Z0-9]{2}$/, "each carrier must be a 2-character IATA airline code"),
      )
      .min(1, "must name at least one carrier")
      .max(20, "must name at most 20 carriers"),
  )
  .transform((codes) => codes.sort())
  .meta({ description: "Comma-separated IATA airline codes", example: "AA,DL" });

const limit = wholeNumber(1, 100)
  .default(20)
  .meta({ description: "Page size (1–100)", example: 20 });
const cursor = z
  .string()
  .min(1)
  .max(2048)
  .optional()
  .meta({ description: "Opaque cursor from `meta.nextCursor` of the previous page" });

/** The time zone of an airport or city code; "UTC" for anything that is not one. */
function timeZoneOf(code: unknown): string {
  return (typeof code === "string" && findPlace(code)?.timeZone) || "UTC";
}

/** Today (and the last allowed day) at a place, from the injected clock. */
function dateWindow(clock: Clock, code: unknown): { today: string; last: string } {
  const today = localDate(clock.now(), timeZoneOf(code));
  const last = new Date(Date.parse(`${today}T00:00:00Z`) + MAX_DAYS_AHEAD * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return { today, last };
}

/**
 * The flight search query, validated against `clock` (dates are "today" at the origin).
 * Its input is the raw query string; its output the normalised {@link FlightQuery}.
 *
 * @example
 * const schema = createFlightQuerySchema(clock);
 * schema.parse({ origin: " jfk", destination: "LAX", departureDate: "2026-12-01", adults: "2" })
 */
export function createFlightQuerySchema(clock: Clock = systemClock) {
  return z
    .strictObject({
      origin: placeCode,
      destination: placeCode,
      departureDate: isoDate,
      returnDate: isoDate
        .optional()
        .meta({ description: "A round trip: the return slice's date (≥ departureDate)" }),
      adults: wholeNumber(1, 9)
        .default(1)
        .meta({ description: "Adults (1–9); adults + children need seats", example: 1 }),
      children: wholeNumber(0, 8)
        .default(0)
        .meta({ description: "Children aged 2–11 (seat, 75 % of the adult fare)", example: 0 }),
      infants: wholeNumber(0, 9).default(0).meta({
        description: "Infants under 2 on a lap (no seat, 10 %); at most adults",
        example: 0,
      }),
      cabin: cabinSchema.default("economy"),
      maxStops: wholeNumber(0, 2)
        .default(1)
        .meta({ description: "Connections per slice (default 1)", example: 1 }),
      maxPrice: decimalAmount
        .optional()
        .meta({ description: "Highest `price` (one adult, all slices)", example: "450.00" }),
      maxTotalPrice: decimalAmount
        .optional()
        .meta({ description: "Highest `totalPrice` (all passengers)", example: "1800.00" }),
      carriers: carrierList.optional(),
      sort: flightSortSchema.default("price"),
      limit,
      cursor,
    })
    .superRefine((query, ctx) => {
      if (
        typeof query.origin === "string" &&
        typeof query.destination === "string" &&
        sharedAirports(query.origin, query.destination).length > 0
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["destination"],
          message: "must differ from origin (and share no airport with it)",
        });
      }
      const adultsOk = isCount(query.adults) && query.adults >= 1 && query.adults <= 9;
      if (adultsOk && isCount(query.children) && query.adults + query.children > 9) {
        ctx.addIssue({
          code: "custom",
          path: ["children"],
          message: "adults + children must be at most 9",
        });
      }
      if (adultsOk && isCount(query.infants) && query.infants > query.adults) {
        ctx.addIssue({
          code: "custom",
          path: ["infants"],
          message: "must be at most adults (one lap each)",
        });
      }
      if (!isParsedDate(query.departureDate)) return;
      const { today, last } = dateWindow(clock, query.origin);
      checkDateWindow(ctx, "departureDate", query.departureDate, today, last);
      if (query.returnDate !== undefined && isParsedDate(query.returnDate)) {
        if (query.returnDate < query.departureDate) {
          ctx.addIssue({
            code: "custom",
            path: ["returnDate"],
            message: "must not be before departureDate",
          });
        } else if (query.returnDate > last) {
          ctx.addIssue({
            code: "custom",
            path: ["returnDate"],
            message: `must not be after ${last}`,
          });
        }
      }
    });
}

/**
 * The hotel search query, validated against `clock` (dates are "today" in the city).
 * `guests` must be at least `rooms` (a room needs a guest); it does not filter otherwise,
 * the inventory carries no occupancy.
 */
export function createHotelQuerySchema(clock: Clock = systemClock) {
  return z
    .strictObject({
      city: placeCode.meta({ description: "IATA city or airport code", example: "LAX" }),
      checkIn: isoDate,
      checkOut: isoDate,
      guests: wholeNumber(1, 8).default(1).meta({ example: 2 }),
      rooms: wholeNumber(1, 4)
        .default(1)
        .meta({ description: "Rooms needed on every night (1–4)", example: 1 }),
      maxPrice: decimalAmount
        .optional()
        .meta({ description: "Highest price for the whole stay, per room", example: "900.00" }),
      sort: hotelSortSchema.default("price"),
      limit,
      cursor,
    })
    .superRefine((query, ctx) => {
      if (isParsedDate(query.checkIn)) {
        const { today, last } = dateWindow(clock, query.city);
        checkDateWindow(ctx, "checkIn", query.checkIn, today, last);
        const nights = isParsedDate(query.checkOut)
          ? daysBetween(query.checkIn, query.checkOut)
          : undefined;
        if (nights !== undefined && (nights < 1 || nights > MAX_NIGHTS)) {
          ctx.addIssue({
            code: "custom",
            path: ["checkOut"],
            message: `must be 1 to ${MAX_NIGHTS} nights after checkIn`,
          });
        }
      }
      if (isCount(query.guests) && isCount(query.rooms) && query.guests < query.rooms) {
        ctx.addIssue({ code: "custom", path: ["guests"], message: "must be at least rooms" });
      }
    });
}

function checkDateWindow(
  ctx: z.RefinementCtx,
  path: string,
  date: string,
  today: string,
  last: string,
): void {
  if (date < today) {
    ctx.addIssue({ code: "custom", path: [path], message: `must not be before ${today}` });
  } else if (date > last) {
    ctx.addIssue({ code: "custom", path: [path], message: `must not be after ${last}` });
  }
}

/** Schemas bound to the system clock, for the OpenAPI document (validation uses the factories). */
export const flightQuerySchema = createFlightQuerySchema();
export const hotelQuerySchema = createHotelQuerySchema();

type ParsedFlightQuery = z.output<ReturnType<typeof createFlightQuerySchema>>;
/** A parsed flight query; the v2 fields a v1-shaped caller may leave out take their defaults. */
export type FlightQuery = Omit<ParsedFlightQuery, "children" | "infants" | "maxStops"> &
  Partial<Pick<ParsedFlightQuery, "children" | "infants" | "maxStops">>;
export type FlightQueryInput = z.input<ReturnType<typeof createFlightQuerySchema>>;
export type HotelQuery = z.output<ReturnType<typeof createHotelQuerySchema>>;
export type HotelQueryInput = z.input<ReturnType<typeof createHotelQuerySchema>>;

/**
 * zod issues as the contract's `errors: [{ path, message }]`; an unknown parameter is named by
 * its own path (zod reports them together at the object's path).
 */
export function toFieldErrors(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: [...at, key].join("."),
        message: "is not a known parameter",
      }));
    }
    return [{ path: at.join(".") || "(root)", message: issue.message }];
  });
}

/** Parses with `schema` or throws a 422 {@link SearchValidationError} naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new SearchValidationError(
      "The request has invalid fields.",
      toFieldErrors(result.error),
      {
        cause: result.error,
      },
    );
  }
  return result.data;
}
