import { Resource } from "sst/resource";
import { loadConfig } from "./config.js";
import { createAppDeps } from "./deps.js";
import { environmentWithResources, type LinkedResources } from "./lambda-env.js";
import { createReconcilerHandler } from "./reconciler-handler.js";

/** The table and cache SST linked to the reconciler function (`packages/infra/src/stack/reconciler.ts`). */
function linkedResources(): LinkedResources {
  const linked: LinkedResources = {};
  if ("Table" in Resource) linked.Table = Resource.Table as LinkedResources["Table"];
  if ("Cache" in Resource) linked.Cache = Resource.Cache as LinkedResources["Cache"];
  return linked;
}

// Built once per cold start, like the API: the same composition root, so the reconciler
// invalidates the same shared cache the API's searches use.
const config = loadConfig(environmentWithResources(process.env, linkedResources()));
// It serves no HTTP and signs no cursors, so the cursor secret is not linked to it.
const deps = await createAppDeps(config, { emitEmf: true, servesCursors: false });

/** Entry of the scheduled `BookingReconciler` function (EventBridge Scheduler). */
export const handler = createReconcilerHandler(deps);
