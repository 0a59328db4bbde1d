/** Calendar helpers for seed data: local wall-clock times in IANA time zones, via Intl only. */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Minutes the zone's wall clock is ahead of UTC at the instant `utcMs` (e.g. -300 for New York in winter). */
export function zoneOffsetMinutes(timeZone: string, utcMs: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(utcMs))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const wallAsUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    (parts.hour ?? 0) % 24,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return Math.round((wallAsUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

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

/**
 * The UTC instant (epoch ms) of a wall-clock time on a local date in `timeZone`.
 * Resolves the offset twice so times next to a DST change land on the right side; a time that
 * does not exist (inside a spring-forward gap) moves forward by the gap, as clocks do.
 *
 * @example
 * localTimeToUtc("2026-07-01", 8 * 60 + 15, "America/New_York") // 2026-07-01T12:15:00Z
 */
export function localTimeToUtc(date: string, minuteOfDay: number, timeZone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`) + minuteOfDay * 60_000;
  const first = wall - zoneOffsetMinutes(timeZone, wall) * 60_000;
  return wall - zoneOffsetMinutes(timeZone, first) * 60_000;
}

/** ISO 8601 instant in UTC without milliseconds, as the public contract writes them. */
export function isoInstant(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Day of the week of a `YYYY-MM-DD` date: 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
