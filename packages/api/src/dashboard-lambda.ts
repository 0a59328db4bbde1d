import { join } from "node:path";
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import type { AppEnv } from "./env.js";
import { createDashboardPageRoutes } from "./routes/dashboard-page.js";

/**
 * The live operations page's own Lambda in deployed stages (`GET /dashboard`,
 * `GET /dashboard/{proxy+}` on the stage's HTTP API; `packages/infra/src/stack/dashboard-page.ts`).
 * It serves the static files only: the page's (copied to `dashboard/` beside the bundle) and
 * uPlot's (installed beside it). Its figures come from `GET /v1/analytics/live`, answered by the
 * API Lambda with the user's key; nothing of the page enters the API Lambda's bundle.
 */
const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
const app = new Hono<AppEnv>();
app.route("/dashboard", createDashboardPageRoutes({ pageDir: join(root, "dashboard") }));

export const handler = handle(app);
