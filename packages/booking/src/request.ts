import { BOOKING_STATUSES, moneySchema } from "@travel/core";
import { z } from "zod";

/** Printable ASCII without leading/trailing spaces, as `Idempotency-Key` values must be. */
export const idempotencyKeySchema = z
  .string()
  .min(8, "must be 8–128 printable characters")
  .max(128, "must be 8–128 printable characters")
  .regex(/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/, "must be printable ASCII characters");

/** Letters in any script, marks, spaces and the punctuation names carry; nothing else. */
const PERSON_NAME = /^[\p{L}\p{M}][\p{L}\p{M} '’.-]*$/u;

// A refinement, not `.regex`: a Unicode-property pattern does not survive into OpenAPI's
// (ECMA-262 without flags) `pattern`, so the document states the rule in words instead.
const personName = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(100, "must be at most 100 characters")
  .refine((value) => PERSON_NAME.test(value), "must contain letters only (with ' . - and spaces)")
  .meta({ description: "Letters (any script), spaces and ' . - only." });

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine((value) => {
    const t = Date.parse(`${value}T00:00:00Z`);
    return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === value;
  }, "must be a real calendar date");

export const travelerTypeSchema = z.enum(["adult", "child", "infant"]);
export type TravelerType = z.infer<typeof travelerTypeSchema>;

/**
 * Today where the calendar is furthest ahead (UTC+14): someone born today anywhere is accepted,
 * a birth date later than that is in the future everywhere.
 */
function latestBirthDate(): string {
  return new Date(Date.now() + 14 * 3_600_000).toISOString().slice(0, 10);
}

export const travelerSchema = z
  .object({
    /** v2: children (2–11) and infants (under 2, on a lap, no seat) need `dateOfBirth`. */
    type: travelerTypeSchema.default("adult"),
    givenName: personName,
    familyName: personName,
    dateOfBirth: isoDate
      .refine((value) => value >= "1900-01-01", "must be after 1900-01-01")
      .refine((value) => value <= latestBirthDate(), "must be in the past")
      .optional(),
  })
  .strict();

export const contactSchema = z
  .object({
    email: z.email("must be an email address").max(254),
    phone: z
      .string()
      .regex(/^\+?[0-9][0-9 ()-]{3,30}$/, "must be a phone number such as +1 212 555 0100")
      .optional(),
  })
  .strict();

export const MAX_QUANTITY = 9;
export const MAX_TRAVELERS = 9;

/** The body of `POST /v1/bookings` (the contract's Bookings section). */
export const bookingRequestSchema = z
  .object({
    offerId: z
      .string()
      .max(200)
      .regex(/^off_[A-Za-z0-9_-]{6,196}$/, "must be an offer id (off_…)"),
    /**
     * Seats (flights) or rooms (hotels). Flights: optional, the travellers who take a seat
     * (infants do not); hotels: default 1.
     */
    quantity: z.number().int().min(1).max(MAX_QUANTITY).optional(),
    travelers: z.array(travelerSchema).min(1).max(MAX_TRAVELERS),
    contact: contactSchema,
    expectedTotal: moneySchema,
  })
  .strict();
export type BookingRequest = z.infer<typeof bookingRequestSchema>;
export type BookingRequestInput = z.input<typeof bookingRequestSchema>;

/** Statuses a client can see and filter by (`failed` attempts are internal). */
export const VISIBLE_BOOKING_STATUSES = BOOKING_STATUSES.filter((s) => s !== "failed") as [
  "pending",
  "confirmed",
  "cancelled",
];

export const bookingResponseSchema = z.object({
  id: z.string(),
  reference: z.string().regex(/^[A-Z0-9]{6}$/),
  status: z.enum(VISIBLE_BOOKING_STATUSES),
  offerId: z.string(),
  offerType: z.enum(["flight", "hotel"]),
  quantity: z.number().int(),
  total: moneySchema,
  travelers: z.array(travelerSchema),
  contact: contactSchema,
  createdAt: z.string(),
  confirmedAt: z.string().optional(),
  cancelledAt: z.string().optional(),
});
export type BookingResponse = z.infer<typeof bookingResponseSchema>;

export const bookingListQuerySchema = z.object({
  status: z.enum(VISIBLE_BOOKING_STATUSES).optional(),
  // Plain digits only, as search's `limit`: "0x10", "1e1", " 16" or "" are not numbers here.
  limit: z
    .preprocess(
      (value) => (typeof value === "string" && /^\d{1,6}$/.test(value) ? Number(value) : value),
      z
        .int({ error: "must be a whole number" })
        .min(1, "must be at least 1")
        .max(100, "must be at most 100"),
    )
    .default(20)
    .meta({ description: "Page size (1–100)", example: 20 }),
  cursor: z.string().min(1).max(2048).optional(),
});
export type BookingListQuery = z.infer<typeof bookingListQuerySchema>;

export const bookingIdSchema = z.string().regex(/^bkg_[A-Za-z0-9]{6,64}$/, "must be a booking id");
