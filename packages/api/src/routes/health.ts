import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps } from "../deps.js";
import { createRouter } from "../router.js";

const checkStatusSchema = z.enum(["ok", "down"]);

export const healthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    checks: z.object({ dynamodb: checkStatusSchema, cache: checkStatusSchema }),
    breakers: z.record(z.string(), z.enum(["closed", "open", "half-open", "isolated"])).openapi({
      description:
        "This instance's circuit breakers (`<source>.search`, `<source>.price`); any not closed " +
        "makes the status `degraded`.",
      example: { "inventory.search": "closed", "inventory.price": "closed" },
    }),
    changeFeed: z
      .object({
        queued: z.number().int(),
        lagMs: z.number().int(),
        deadLettered: z.number().int(),
      })
      .optional()
      .openapi({
        description:
          "Local mode only (`pnpm start`): the change feed's undelivered records, the age of the " +
          "oldest (ms) and the records in its dead-letter store (`pnpm feed redrive` replays " +
          "them). Dead letters make the status `degraded`.",
        example: { queued: 0, lagMs: 0, deadLettered: 0 },
      }),
  })
  .openapi("Health");

const healthRoute = createRoute({
  method: "get",
  path: "/health",
  tags: ["Health"],
  summary: "Liveness and dependency health",
  description:
    "A cache outage or an open circuit breaker degrades the service (still 200: searches fall " +
    "back to the source, or to what is cached); a DynamoDB outage is a 503.",
  responses: {
    200: { description: "Serving", content: { "application/json": { schema: healthSchema } } },
    503: {
      description: "DynamoDB is unreachable",
      content: { "application/json": { schema: healthSchema } },
    },
  },
});

export function createHealthRoutes(deps: AppDeps) {
  return createRouter().openapi(healthRoute, async (c) => {
    const [dynamodb, cache] = await Promise.all([deps.health.dynamodb(), deps.health.cache()]);
    const breakers = deps.search.breakerStates();
    const allClosed = Object.values(breakers).every((state) => state === "closed");
    const changeFeed = deps.changeFeed.status();
    const healthy =
      dynamodb === "ok" && cache === "ok" && allClosed && (changeFeed?.deadLettered ?? 0) === 0;
    const body = {
      status: healthy ? ("ok" as const) : ("degraded" as const),
      checks: { dynamodb, cache },
      breakers,
      ...(changeFeed
        ? {
            changeFeed: {
              queued: changeFeed.queued,
              lagMs: Math.round(changeFeed.lagMs),
              deadLettered: changeFeed.deadLettered,
            },
          }
        : {}),
    };
    c.header("cache-control", "no-store");
    return dynamodb === "ok" ? c.json(body, 200) : c.json(body, 503);
  });
}
