/**
 * `pnpm feed`: local mode's change feed.
 *
 *   pnpm feed status     dead letters waiting, per feed (analytics, webhooks)
 *   pnpm feed redrive    hands every dead letter back to the feed, which delivers it again
 *
 * A redrive moves the dead-letter files aside at once; the running `pnpm start` delivers the
 * letters within a second (this command waits for it and says how many failed again), or, when
 * none runs, the next `pnpm start` does. Letters that fail again go back to the dead-letter
 * store with their new error. The consumer counts a record once however often it is delivered.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createFileDeadLetterStore, type FileDeadLetterStore } from "@travel/analytics";
import { findRunningLocalEngine } from "@travel/core/local";
import { changeFeedDir, DEAD_LETTER_FILES } from "./local/feed.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DATA_DIR = resolve(REPO_ROOT, process.env.LOCAL_DATA_DIR ?? ".data");
const USAGE = `Usage:
  pnpm feed status     dead letters of local mode's change feeds
  pnpm feed redrive    deliver them again (through the running pnpm start, or the next one)
(env LOCAL_DATA_DIR: the data directory, default .data)`;

const stores = DEAD_LETTER_FILES.map((file) => ({
  name: file.startsWith("webhooks") ? "webhooks" : "analytics",
  store: createFileDeadLetterStore(resolve(changeFeedDir(DATA_DIR), file)),
}));

function status(): void {
  for (const { name, store } of stores) {
    const waiting = store.pendingRedrive();
    process.stdout.write(
      `${name}: ${store.count()} dead-lettered${waiting ? `, ${waiting} handed back and not yet redelivered` : ""}\n`,
    );
  }
}

async function redrive(): Promise<void> {
  let handedBack = 0;
  for (const { store } of stores) handedBack += store.requestRedrive();
  const pending = (all: FileDeadLetterStore[]) => all.reduce((n, s) => n + s.pendingRedrive(), 0);
  const all = stores.map((s) => s.store);
  if (handedBack === 0 && pending(all) === 0) {
    process.stdout.write("no dead letters to redrive\n");
    return;
  }
  const running = findRunningLocalEngine(resolve(DATA_DIR, "dynamo"));
  if (!running) {
    process.stdout.write(
      `${handedBack} dead letter(s) handed back; pnpm start is not running: its next start delivers them\n`,
    );
    return;
  }
  process.stdout.write(
    `${handedBack} dead letter(s) handed back to pnpm start (pid ${running.pid})\n`,
  );
  const deadline = Date.now() + 120_000;
  while (pending(all) > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
  }
  const left = pending(all);
  const failedAgain = all.reduce((n, s) => n + s.count(), 0);
  if (left > 0) {
    process.stdout.write(`${left} not redelivered yet (pnpm start is still on it)\n`);
  } else {
    process.stdout.write(
      failedAgain > 0
        ? `redelivered; ${failedAgain} dead-lettered again (see pnpm start's log for why)\n`
        : "redelivered; none failed again\n",
    );
  }
}

const [command] = process.argv.slice(2);
if (command === "redrive") {
  redrive().catch((error: unknown) => {
    console.error(
      `pnpm feed redrive failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  });
} else if (command === "status") {
  status();
} else {
  console.error(USAGE);
  process.exit(command === "--help" || command === "help" ? 0 : 2);
}
