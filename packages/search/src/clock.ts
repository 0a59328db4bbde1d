/** Wall-clock time, injected so tests and simulated-day replays can drive it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

// The calendar helpers are core's (one implementation for seed data, search and booking).
export { daysBetween, localDate, startOfLocalDay } from "@travel/core";
