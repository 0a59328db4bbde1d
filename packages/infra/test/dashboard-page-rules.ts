import { existsSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import {
  DASHBOARD_PAGE_FUNCTION,
  DASHBOARD_PAGE_ROUTES,
  STATIC_ASSETS_FUNCTION,
} from "../src/bundling.js";
import { type RecordedResource, repoRoot, type Synthesis } from "./synth.js";

const PAGE_FUNCTION = "DashboardPageFunction";

/** The Lambda function an HTTP API route's integration invokes (its ARN as the mocks make it). */
function targetOf(stack: Synthesis, route: RecordedResource): string {
  const integration = String(route.inputs.target)
    .replace(/^integrations\//, "")
    .replace(/-id$/, "");
  return String(
    stack.one("aws:apigatewayv2/integration:Integration", integration).inputs.integrationUri,
  );
}

/**
 * Issue 23: `GET /dashboard` works in every deployed stage. The page's static files are served by
 * a small Lambda of their own, routed on the stage's HTTP API; the API Lambda neither serves nor
 * ships them.
 */
export function itRoutesTheDashboardPage(stack: () => Synthesis, expected: { dev: boolean }) {
  it("routes GET /dashboard and GET /dashboard/{proxy+} to the page's own Lambda, everything else to the API", () => {
    const s = stack();
    const page = s.one("aws:lambda/function:Function", PAGE_FUNCTION);
    const routes = s.ofType("aws:apigatewayv2/route:Route");
    expect(routes.map((r) => r.inputs.routeKey).sort()).toEqual(
      ["$default", ...DASHBOARD_PAGE_ROUTES, ...STATIC_ASSETS_FUNCTION.routes].sort(),
    );
    for (const key of DASHBOARD_PAGE_ROUTES) {
      const route = routes.find((r) => r.inputs.routeKey === key) as RecordedResource;
      expect(targetOf(s, route), key).toBe(`arn:aws:mock:us-east-1:123456789012:${PAGE_FUNCTION}`);
    }
    const fallback = routes.find((r) => r.inputs.routeKey === "$default") as RecordedResource;
    expect(targetOf(s, fallback)).toMatch(/ApiHandlerFunction/);
    // API Gateway may invoke it.
    const permissions = s
      .ofType("aws:lambda/permission:Permission")
      .filter((p) => String(p.inputs.function).includes(PAGE_FUNCTION));
    expect(permissions.length).toBeGreaterThanOrEqual(1);
    for (const permission of permissions) {
      expect(permission.inputs).toMatchObject({
        action: "lambda:InvokeFunction",
        principal: "apigateway.amazonaws.com",
      });
    }
    // Static files only: no VPC, no table, no secrets, a small size.
    expect(page.inputs).toMatchObject({ memorySize: 128 });
    // Under `sst dev` every function is SST's stub (`bootstrap`) that runs the handler on the laptop.
    if (!expected.dev) {
      expect(page.inputs).toMatchObject({
        handler: DASHBOARD_PAGE_FUNCTION.handler,
        runtime: "nodejs22.x",
        architectures: ["arm64"],
      });
    }
    expect(page.inputs.vpcConfig).toBeUndefined();
    const variables = (page.inputs.environment as { variables?: Record<string, string> })
      ?.variables;
    expect(Object.keys(variables ?? {}).filter((name) => !name.startsWith("SST_"))).toEqual([]);
  });

  it.skipIf(expected.dev)(
    "builds the page Lambda with the page's files and uPlot beside it; the API Lambda gets neither",
    () => {
      const s = stack();
      const build = (handler: string) =>
        s.builds.find((b) => b.handler === handler) as
          | { copyFiles?: { from: string; to: string }[]; properties?: { install?: object } }
          | undefined;
      const page = build(DASHBOARD_PAGE_FUNCTION.handler);
      expect(page?.copyFiles).toEqual([
        { from: path.join(repoRoot, "packages/api/dashboard"), to: "dashboard", isDir: true },
      ]);
      for (const file of ["index.html", "dashboard.js", "dashboard.css"]) {
        expect(existsSync(path.join(repoRoot, "packages/api/dashboard", file)), file).toBe(true);
      }
      expect(Object.keys(page?.properties?.install ?? {})).toEqual(["uplot"]);
      const api = build("packages/api/src/lambda.handler");
      expect(api).toBeDefined();
      expect(api?.copyFiles ?? []).toEqual([]);
      expect(Object.keys(api?.properties?.install ?? {})).not.toContain("uplot");
    },
  );
}
