/** Calendar helpers: dates and wall-clock times in IANA time zones, via Intl only (DST-aware). */

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * One formatter per zone and kind, built once (building one costs far more than using it):
 * `parts` gives every wall-clock field, `date` formats YYYY-MM-DD (en-CA's date order).
 */
function formatterFor(timeZone: string, kind: "parts" | "date" = "parts"): Intl.DateTimeFormat {
  const key = `${kind}|${timeZone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    const date = { timeZone, year: "numeric", month: "2-digit", day: "2-digit" } as const;
    formatter =
      kind === "date"
        ? new Intl.DateTimeFormat("en-CA", date)
        : new Intl.DateTimeFormat("en-US", {
            ...date,
            hourCycle: "h23",
            hour: "2-digit",
            minute: "2-digit",
            second: "2-digit",
          });
    formatters.set(key, formatter);
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
  const second = wall - zoneOffsetMinutes(timeZone, first) * 60_000;
  if (second + zoneOffsetMinutes(timeZone, second) * 60_000 === wall) return second;
  // The wall time falls in a spring-forward gap: the instant the clocks jumped to.
  return Math.max(first, second);
}

/** ISO 8601 instant in UTC without milliseconds, as the public contract writes them. */
export function isoInstant(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Day of the week of a `YYYY-MM-DD` date: 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** `YYYY-MM` of a `YYYY-MM-DD` day (the month partitions of aggregates and read-model entries). */
export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Per zone, the last local day asked for and the instants it spans: most calls are "today". */
const lastDays = new Map<string, { date: string; from: number; to: number }>();

/**
 * The calendar date (YYYY-MM-DD) an instant falls on in an IANA time zone.
 *
 * @example
 * localDate(new Date("2026-12-01T03:00:00Z"), "America/Los_Angeles") // "2026-11-30"
 */
export function localDate(instant: Date, timeZone: string): string {
  const at = instant.getTime();
  const last = lastDays.get(timeZone);
  if (last && at >= last.from && at < last.to) return last.date;
  const date = formatterFor(timeZone, "date").format(instant);
  if (Number.isFinite(at)) {
    const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const from = localTimeToUtc(date, 0, timeZone);
    const to = localTimeToUtc(next, 0, timeZone);
    // Only remember a span that really holds the instant (it always should).
    if (at >= from && at < to) lastDays.set(timeZone, { date, from, to });
  }
  return date;
}

/** The UTC instant at which a local calendar date begins in a time zone (DST-aware). */
export function startOfLocalDay(date: string, timeZone: string): Date {
  return new Date(localTimeToUtc(date, 0, timeZone));
}
