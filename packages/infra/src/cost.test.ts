import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { resolveStageConfig } from "./stage.js";

const cost = readFileSync(new URL("../../../COST.md", import.meta.url), "utf8");

/** `cost: <stage> <volume> $NN.NN/month` lines of COST.md. */
function costLine(stage: string, volume: string): number {
  const match = new RegExp(`^\`cost: ${stage} ${volume} \\$(\\d+\\.\\d{2})/month\`$`, "m").exec(
    cost,
  );
  if (!match?.[1]) throw new Error(`COST.md has no "cost: ${stage} ${volume}" line`);
  return Number(match[1]);
}

/** The amounts of a COST.md table, from its `## <heading>` to the next heading. */
function lines(heading: string): { total: number; sum: number } {
  const section = cost.slice(cost.indexOf(`## ${heading}`));
  const table = section.slice(0, section.indexOf("\n## ", 3));
  let sum = 0;
  let total = 0;
  for (const row of table.split("\n").filter((l) => l.startsWith("| "))) {
    const cells = row.split("|").map((c) => c.trim());
    const amount = Number((cells[2] ?? "").replace(/[*$,]/g, ""));
    if (!Number.isFinite(amount) || cells[2] === "") continue;
    if (cells[1]?.startsWith("**total")) total = amount;
    else if (!cells[1]?.startsWith("**")) sum += amount;
  }
  return { total, sum: Math.round(sum * 100) / 100 };
}

describe("COST.md", () => {
  it("keeps production at 100k searches/day within $80/month, the machine-readable line equal to its table", () => {
    const production = costLine("production", "100k/day");
    expect(production).toBeLessThanOrEqual(80);
    const table = lines("Production");
    expect(table.total).toBe(production);
    expect(table.sum).toBe(production);
    expect(lines("Dev profile").sum).toBe(costLine("dev", "100k/day"));
  });

  it("prices the shape the production profile deploys", () => {
    const config = resolveStageConfig("production", { ALARM_EMAIL: "oncall@example.com" });
    expect(config.network).toEqual({ availabilityZones: 2, nat: "ec2" });
    expect(cost).toContain(`Valkey ${1 + config.cache.replicas} × cache.${config.cache.nodeType}`);
    expect(cost).toContain(`NAT: ${config.network.availabilityZones} × t4g.nano`);
  });
});
