import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Which inventory the table holds: written when seeding starts, `completed` when it ends. */
export interface SeedMarker {
  seed: string;
  startDate: string;
  days: number;
  completed: boolean;
  items?: number;
  seconds?: number;
}

/**
 * What local mode remembers between runs, in `.data/` (git-ignored): the cursor signing key,
 * the webhook secrets' key, the demo API key and the seeding marker. Files holding secrets are written 0600.
 */
export function createLocalState(dataDir: string) {
  mkdirSync(dataDir, { recursive: true });

  function read(name: string): string | undefined {
    try {
      return readFileSync(join(dataDir, name), "utf8").trim() || undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  function write(name: string, content: string, secret: boolean): void {
    const path = join(dataDir, name);
    // Write then rename, so a crash never leaves half a file behind.
    writeFileSync(`${path}.tmp`, content, { mode: secret ? 0o600 : 0o644 });
    renameSync(`${path}.tmp`, path);
  }

  return {
    dataDir,
    /** A per-checkout HMAC key for cursors, created on first use. */
    cursorKey(): string {
      let key = read("cursor-key");
      if (!key) {
        key = randomBytes(32).toString("base64url");
        write("cursor-key", key, true);
      }
      return key;
    },
    /** Key material encrypting webhook endpoint secrets, created on first use. */
    webhookKey(): string {
      let key = read("webhook-key");
      if (!key) {
        key = randomBytes(32).toString("base64url");
        write("webhook-key", key, true);
      }
      return key;
    },
    demoKey: () => read("demo-key"),
    saveDemoKey: (plainKey: string) => write("demo-key", plainKey, true),
    seedMarker(): SeedMarker | undefined {
      const raw = read("seed.json");
      return raw ? (JSON.parse(raw) as SeedMarker) : undefined;
    },
    saveSeedMarker: (marker: SeedMarker) =>
      write("seed.json", JSON.stringify(marker, null, 2), false),
  };
}

export type LocalState = ReturnType<typeof createLocalState>;
