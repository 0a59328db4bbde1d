import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSeedFlags, UsageError } from "./seed-cli.js";

describe("pnpm seed flags", () => {
  it("has sensible defaults", () => {
    const flags = parseSeedFlags([], {});
    expect(flags).toMatchObject({
      table: "travel",
      memory: false,
      days: 30,
      seed: "travel-platform",
      concurrency: 8,
    });
    expect(flags.endpoint).toBeUndefined();
    expect(flags.start).toBe(new Date().toISOString().slice(0, 10));
    expect(flags["data-dir"]).toBe(resolve(import.meta.dirname, "../../../../.data/dynamo"));
  });

  it("reads the endpoint and table from the environment, flags winning", () => {
    const env = { DYNAMO_ENDPOINT: "http://127.0.0.1:8000", TABLE_NAME: "travel-dev" };
    expect(parseSeedFlags([], env)).toMatchObject({
      endpoint: "http://127.0.0.1:8000",
      table: "travel-dev",
    });
    expect(
      parseSeedFlags(["--endpoint", "http://localhost:9000", "--table", "other"], env),
    ).toMatchObject({
      endpoint: "http://localhost:9000",
      table: "other",
    });
    expect(parseSeedFlags([], { DYNAMO_ENDPOINT: "" }).endpoint).toBeUndefined();
  });

  it("parses numbers and dates", () => {
    expect(
      parseSeedFlags(["--days", "7", "--start", "2026-02-28", "--seed", "demo", "--memory"], {}),
    ).toMatchObject({
      days: 7,
      start: "2026-02-28",
      seed: "demo",
      memory: true,
    });
  });

  it.each([
    [["--days", "0"], /--days: must be at least 1/],
    [["--days", "400"], /--days: must be at most 365/],
    [["--days", "ten"], /--days: must be a whole number/],
    [["--start", "2026-02-30"], /--start: is not a real calendar date/],
    [["--start", "tomorrow"], /--start: must be a date like 2026-01-31/],
    [["--endpoint", "localhost"], /--endpoint \/ DYNAMO_ENDPOINT: must be a URL/],
    [["--table", "a b"], /--table \/ TABLE_NAME: must be 3-255/],
    [["--concurrency", "0"], /--concurrency: must be at least 1/],
    [
      ["--memory", "--endpoint", "http://127.0.0.1:1"],
      /--memory and --endpoint exclude each other/,
    ],
  ])("refuses %j with a message naming the flag", (argv, message) => {
    expect(() => parseSeedFlags(argv, {})).toThrow(message);
    expect(() => parseSeedFlags(argv, {})).toThrow(UsageError);
  });

  it("names a bad environment variable", () => {
    expect(() => parseSeedFlags([], { DYNAMO_ENDPOINT: "not a url" })).toThrow(
      /DYNAMO_ENDPOINT: must be a URL/,
    );
  });

  it("refuses unknown flags", () => {
    expect(() => parseSeedFlags(["--bogus"], {})).toThrow(/Unknown option '--bogus'/);
  });
});
