import { Resource } from "sst/resource";
import { environmentWithResources, type LinkedResources } from "./lambda-env.js";

const LINK_NAMES = ["Table", "Cache", "CursorSigningKey", "WebhookSecretKey"] as const;

/**
 * The environment every Lambda entry (API, consumer, reconciler) hands to `loadConfig`:
 * `process.env` with the links SST attached to the function (decrypted by `sst/resource`)
 * filled in by `environmentWithResources`. A function sees only the links its stack file gives it.
 *
 * @example
 * const config = loadConfig(linkedEnvironment());
 */
export function linkedEnvironment(
  env: Record<string, string | undefined> = process.env,
): Record<string, string | undefined> {
  const linked: LinkedResources = {};
  for (const name of LINK_NAMES) {
    if (name in Resource)
      Object.assign(linked, { [name]: Resource[name as keyof typeof Resource] });
  }
  return environmentWithResources(env, linked);
}
