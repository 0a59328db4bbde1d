import { describe, expect, it } from "vitest";
import { tableIdentityOf } from "./table-identity.js";

describe("tableIdentityOf", () => {
  const table = {
    tableId: "4f1c1c5e-0000-4000-8000-000000000001",
    tableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/travel-prod",
    createdAt: new Date("2026-12-01T08:15:00.123Z"),
  };

  it("is stable for one table instance and short enough for a key prefix", () => {
    expect(tableIdentityOf(table)).toBe(tableIdentityOf({ ...table }));
    expect(tableIdentityOf(table)).toMatch(/^t[0-9a-f]{12}$/);
  });

  it("changes when the table is recreated or restored under the same name", () => {
    const recreated = { ...table, createdAt: new Date("2026-12-08T03:00:00.000Z") };
    const restored = { ...table, tableId: "4f1c1c5e-0000-4000-8000-000000000002" };
    expect(tableIdentityOf(recreated)).not.toBe(tableIdentityOf(table));
    expect(tableIdentityOf(restored)).not.toBe(tableIdentityOf(table));
  });
});
