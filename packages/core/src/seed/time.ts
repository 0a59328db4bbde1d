/** Seed-only calendar helpers; the general ones live in `../time.ts`. */
import { localTimeToUtc, zoneOffsetMinutes } from "../time.js";

export { dayOfWeek, daysBetween, isoInstant, localTimeToUtc, zoneOffsetMinutes } from "../time.js";

const dayOffsets = new Map<string, number>();

/**
 * The zone's offset during the daytime of a local date (taken at local noon), cached. Seed
 * departures are between 06:00 and midnight, after any DST change of that night (01:00–03:00).
 */
export function daytimeOffsetMinutes(date: string, timeZone: string): number {
  const key = `${timeZone}|${date}`;
  let offset = dayOffsets.get(key);
  if (offset === undefined) {
    offset = zoneOffsetMinutes(timeZone, localTimeToUtc(date, 12 * 60, timeZone));
    dayOffsets.set(key, offset);
  }
  return offset;
}
