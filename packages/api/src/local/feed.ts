import { join } from "node:path";
import { WEBHOOK_STREAM_ENTITIES } from "@travel/webhooks";

/** The webhook producer's lane of the engine's change journal (a lane has one reader). */
export const WEBHOOK_FEED_LANES: Readonly<Record<string, readonly string[]>> = {
  webhooks: WEBHOOK_STREAM_ENTITIES,
};

/** Where local mode keeps the change feeds' dead letters (beside the engine's `dynamo/`). */
export function changeFeedDir(dataDir: string): string {
  return join(dataDir, "change-feed");
}

/** The dead-letter files of local mode's feeds: analytics, then webhooks. */
export const DEAD_LETTER_FILES = ["dead-letters.jsonl", "webhooks-dead-letters.jsonl"] as const;
