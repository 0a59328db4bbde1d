import type { ParsedOfferId } from "@travel/core";
import type { BookingRequest } from "./request.js";

export interface FieldError {
  path: string;
  message: string;
}

/** Whole years between a birth date and a day (both `YYYY-MM-DD`). */
export function ageOn(dateOfBirth: string, day: string): number {
  const [by, bm, bd] = dateOfBirth.split("-").map(Number) as [number, number, number];
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The contract's ages on the first departure date: child 2–11, infant under 2, adult 12+. */
const AGES = {
  adult: { min: 12, max: Number.POSITIVE_INFINITY, label: "12 or older" },
  child: { min: 2, max: 11, label: "2 to 11" },
  infant: { min: 0, max: 1, label: "under 2" },
} as const;

/** Travellers who take a seat (infants travel on a lap). */
export function seatTravelers(request: Pick<BookingRequest, "travelers">): number {
  return request.travelers.filter((t) => t.type !== "infant").length;
}

/**
 * Traveller rules of a flight booking, before any I/O (contract v2, "Booking itineraries"):
 * types and birth dates against the first departure date, the searched passenger mix for an
 * itinerary searched with children or infants, adults only otherwise; `quantity`, when sent,
 * is the seat count.
 */
export function flightTravelerErrors(
  request: BookingRequest,
  parsed: Extract<ParsedOfferId, { type: "flight" | "itinerary" }>,
): FieldError[] {
  const errors: FieldError[] = [];
  const counts = { adult: 0, child: 0, infant: 0 };
  for (const t of request.travelers) counts[t.type]++;
  const seats = counts.adult + counts.child;
  if (request.quantity !== undefined && request.quantity !== seats) {
    errors.push({
      path: "travelers",
      message:
        "flights need exactly one traveler per seat (quantity); infants travel on a lap, without one",
    });
  }
  if (counts.adult === 0) {
    errors.push({ path: "travelers", message: "at least one adult must travel" });
  }
  if (counts.infant > counts.adult) {
    errors.push({ path: "travelers", message: "each infant needs an adult's lap" });
  }
  const mix = parsed.type === "itinerary" ? parsed.itinerary.passengers : undefined;
  if (mix && mix.children + mix.infants > 0) {
    if (
      counts.adult !== mix.adults ||
      counts.child !== mix.children ||
      counts.infant !== mix.infants
    ) {
      errors.push({
        path: "travelers",
        message: `this offer was searched for ${mix.adults} adult(s), ${mix.children} child(ren) and ${mix.infants} infant(s): book exactly those travellers`,
      });
    }
  } else if (counts.child + counts.infant > 0) {
    errors.push({
      path: "travelers",
      message: "children and infants need an offer searched with them (children=, infants=)",
    });
  }
  const day = parsed.type === "itinerary" ? parsed.itinerary.firstDepartureDate : undefined;
  request.travelers.forEach((t, i) => {
    if (t.type !== "adult" && !t.dateOfBirth) {
      errors.push({ path: `travelers.${i}.dateOfBirth`, message: `is required for a ${t.type}` });
      return;
    }
    if (!t.dateOfBirth || !day) return;
    const age = ageOn(t.dateOfBirth, day);
    const rule = AGES[t.type];
    if (age < 0) {
      errors.push({ path: `travelers.${i}.dateOfBirth`, message: "is after the departure" });
    } else if (age < rule.min || age > rule.max) {
      errors.push({
        path: `travelers.${i}.dateOfBirth`,
        message: `a ${t.type} must be ${rule.label} on ${day} (the first departure)`,
      });
    }
  });
  return errors;
}

/** Seats (flights: the travellers who take one) or rooms (default 1) a request books. */
export function quantityOf(
  request: Pick<BookingRequest, "quantity" | "travelers">,
  parsed: ParsedOfferId | undefined,
): number {
  if (request.quantity !== undefined) return request.quantity;
  if (!parsed || parsed.type === "hotel") return 1;
  return Math.max(1, seatTravelers(request));
}
