import { toBookingResponse } from "@travel/booking";
import type { BookingRecord } from "@travel/core";

/** The event types an endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = ["booking.confirmed", "booking.cancelled"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export const TEST_EVENT_TYPE = "webhook.test";

export interface BookingEvent {
  type: WebhookEventType;
  /** When the booking changed: its `confirmedAt` / `cancelledAt`. */
  occurredAt: string;
  booking: BookingRecord;
}

/**
 * The events one booking change makes: `booking.confirmed` when a booking becomes confirmed,
 * `booking.cancelled` when it becomes cancelled. Any other change (leases, the reconciler's
 * queue bookkeeping, a write of the same state) makes none, so a redelivered or repeated write
 * never makes a second event.
 */
export function bookingEvents(
  oldImage: BookingRecord | undefined,
  newImage: BookingRecord | undefined,
): BookingEvent[] {
  if (!newImage || newImage.status === oldImage?.status) return [];
  if (newImage.status === "confirmed") {
    return [
      {
        type: "booking.confirmed",
        occurredAt: newImage.confirmedAt ?? newImage.updatedAt,
        booking: newImage,
      },
    ];
  }
  if (newImage.status === "cancelled") {
    return [
      {
        type: "booking.cancelled",
        occurredAt: newImage.cancelledAt ?? newImage.updatedAt,
        booking: newImage,
      },
    ];
  }
  return [];
}

/** The body every attempt sends: `{ id, type, createdAt, data }` (data: the contract's Booking). */
export function eventPayload(input: {
  eventId: string;
  type: string;
  createdAt: string;
  data: unknown;
}): string {
  return JSON.stringify({
    id: input.eventId,
    type: input.type,
    createdAt: input.createdAt,
    data: input.data,
  });
}

export function bookingEventPayload(eventId: string, event: BookingEvent): string {
  return eventPayload({
    eventId,
    type: event.type,
    createdAt: event.occurredAt,
    data: toBookingResponse(event.booking),
  });
}
