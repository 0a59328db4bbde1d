#!/usr/bin/env node
// Runs the local commands of the READMEs as written, in a fresh clone of HEAD, so no README
// can drift from what works. Commands come from the READMEs themselves: every `sh` code block
// and every `pnpm …` code span in the first column of a command table, in order, except the
// sections about deploying to AWS (their stack is checked offline by @travel/infra's synth tests)
// and blocks that call AWS (`aws …`, `sst deploy|dev|remove|secret|shell`).
//
//   node scripts/readme-check.mjs [--readme <path>]... [--skip "<command>"]... [--quick] [--keep]
//
// - `--readme` (repeatable) names the READMEs, relative to the repo root, run in the order given
//   in one clone (default: README.md). `packages` stands for every packages/*/README.md.
// - `--quick` runs the benchmarks with the smallest sizes their environment knobs allow
//   (BENCH_QUICK, below): each starts, measures and prints its result line, in seconds instead
//   of minutes. Without it they run as written.
// - A block that calls `localhost:3000` while no `pnpm start` runs starts one for its section
//   (e.g. the webhook registration example).
//
// - `pnpm start` runs in the background until its banner says it is serving; the code blocks after
//   it run against it; it is stopped (SIGINT) before the first command-table row or at the
//   section's end, since table commands such as `pnpm seed` need its data directory.
// - A command whose output is a JSON problem (status ≥ 400) fails, as does any non-zero exit.
// - `--skip` leaves out a command (CI runs `pnpm test` as its own step, and the benchmarks take
//   tens of minutes); skipped commands are listed in the summary.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const repoRoot = resolve(fileURLToPath(new URL("..", import.meta.url)));
const { values: flags } = parseArgs({
  options: {
    readme: { type: "string", multiple: true, default: [] },
    skip: { type: "string", multiple: true, default: [] },
    quick: { type: "boolean" },
    keep: { type: "boolean" },
  },
});
const skipped = new Set(flags.skip);

/**
 * The benchmarks' own size knobs at their smallest useful values (`--quick`): every bench still
 * starts its engines, measures and prints, only over less data and time.
 */
const BENCH_QUICK = {
  BENCH_DURATION_MS: "200",
  BENCH_ROUNDS: "1",
  BENCH_SECONDS: "1",
  BENCH_RECORDS: "100",
  BENCH_DELAY_SAMPLES: "3",
  BENCH_RUNS: "1",
  BENCH_ITERATIONS: "50",
  BENCH_OFFERS: "5",
  COLD_RUNS: "1",
  WARM_RUNS: "2",
};

/** Blocks that talk to AWS: checked offline elsewhere (synth tests), never run here. */
const AWS_COMMAND = /^\s*(aws |sst (deploy|dev|remove|secret|shell)\b|alias sst=)/m;

/** The README's sections, each with its commands in order. */
export function readmeCommands(markdown) {
  const sections = [];
  let section = { title: "", commands: [], tableCommands: new Set() };
  sections.push(section);
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith("## ")) {
      section = { title: line.slice(3).trim(), commands: [], tableCommands: new Set() };
      sections.push(section);
    } else if (line.startsWith("```sh")) {
      const block = [];
      for (i++; i < lines.length && !lines[i].startsWith("```"); i++) block.push(lines[i]);
      section.commands.push(block.join("\n").trim());
    } else if (line.startsWith("| `pnpm ")) {
      const firstCell = line.split(/(?<!\\)\|/)[1];
      for (const [, code] of firstCell.matchAll(/`([^`]+)`/g)) {
        section.commands.push(code.trim());
        section.tableCommands.add(code.trim());
      }
    }
  }
  return sections
    .filter((s) => !/^Deploying with SST/.test(s.title))
    .map((s) => ({ ...s, commands: s.commands.filter((c) => !AWS_COMMAND.test(c)) }))
    .filter((s) => s.commands.length > 0);
}

/** The READMEs named by `--readme` (default the root one); `packages` = every package's. */
function readmePaths() {
  const named = flags.readme.length > 0 ? flags.readme : ["README.md"];
  return named.flatMap((name) =>
    name === "packages"
      ? readdirSync(join(repoRoot, "packages"))
          .sort()
          .map((pkg) => join("packages", pkg, "README.md"))
          .filter((path) => existsSync(join(repoRoot, path)))
      : [name],
  );
}

function freePort(preferred) {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => {
      const any = createServer().listen(0, "127.0.0.1", () => {
        const { port } = any.address();
        any.close(() => done(port));
      });
    });
    server.listen(preferred, "127.0.0.1", () => server.close(() => done(preferred)));
  });
}

function step(message) {
  process.stdout.write(`\n--- readme-check: ${message}\n`);
}

function failIfProblem(command, stdout) {
  const text = stdout.trim();
  if (!text.startsWith("{")) return;
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return;
  }
  if (typeof body.status === "number" && body.status >= 400) {
    throw new Error(`${command}\n  answered a problem: ${text.slice(0, 300)}`);
  }
}

async function main() {
  const sections = readmePaths().flatMap((path) =>
    readmeCommands(readFileSync(join(repoRoot, path), "utf8")).map((section) => ({
      ...section,
      title: `${path}: ${section.title}`,
    })),
  );
  const clone = mkdtempSync(join(tmpdir(), "readme-check-"));
  step(`fresh clone of HEAD in ${clone}`);
  const cloned = spawnSync("git", ["clone", "--quiet", repoRoot, clone], { stdio: "inherit" });
  if (cloned.status !== 0) throw new Error("git clone failed");
  // The README says localhost:3000; another server on this machine may hold it.
  const port = await freePort(3000);
  const env = {
    ...process.env,
    PORT: String(port),
    FORCE_COLOR: "0",
    ...(flags.quick ? BENCH_QUICK : {}),
  };
  const asWritten = (command) =>
    port === 3000 ? command : command.replaceAll("localhost:3000", `localhost:${port}`);
  if (port !== 3000)
    step(`port 3000 is taken here: PORT=${port} and localhost:${port} in the commands`);

  const ran = [];
  let server;
  try {
    for (const section of sections) {
      for (let command of section.commands) {
        // The command tables list independent commands (pnpm seed needs the data directory
        // pnpm start holds): the server started by the walkthrough above them stops first.
        if (server && section.tableCommands.has(command)) {
          step("stopping pnpm start (the command table runs with the server stopped)");
          await server.stop();
          server = undefined;
        }
        if (skipped.has(command)) {
          ran.push(`skipped  ${command}`);
          continue;
        }
        // A skipped command can also be one line of a block (its trailing comment aside).
        const lines = command.split("\n");
        const kept = lines.filter((line) => !skipped.has(line.replace(/\s+#.*$/, "").trim()));
        for (const line of lines.filter((l) => !kept.includes(l))) {
          ran.push(`skipped  ${line.replace(/\s+#.*$/, "").trim()}`);
        }
        if (kept.length < lines.length) command = kept.join("\n");
        const parts =
          command === "pnpm install && pnpm start" ? ["pnpm install", "pnpm start"] : [command];
        for (const part of parts) {
          if (part === "pnpm start") {
            step("pnpm start (background, until it serves)");
            server = await startServer(clone, env);
            ran.push("ok       pnpm start");
            continue;
          }
          // An example that calls the running server, in a section without one, starts it.
          if (!server && /localhost:3000/.test(part)) {
            step("pnpm start (background: this block calls the server)");
            server = await startServer(clone, env);
          }
          step(part);
          const started = Date.now();
          // A 503 problem says "retry shortly"; a user would, so does the check (twice, loudly).
          for (let attempt = 1; ; attempt++) {
            const result = spawnSync("bash", ["-euo", "pipefail", "-c", asWritten(part)], {
              cwd: clone,
              env,
              encoding: "utf8",
              stdio: ["ignore", "pipe", "inherit"],
              maxBuffer: 256 * 1024 * 1024,
            });
            process.stdout.write(result.stdout ?? "");
            if (result.status !== 0) throw new Error(`${part}\n  exited with ${result.status}`);
            try {
              failIfProblem(part, result.stdout ?? "");
              break;
            } catch (error) {
              if (attempt === 3 || !/"status":503/.test(result.stdout ?? "")) throw error;
              step(`answered 503 (attempt ${attempt}); retrying in 5 s as the problem asks`);
              ran.push(`retried  ${part.split("\n")[0]} after a 503`);
              await new Promise((r) => setTimeout(r, 5_000));
            }
          }
          ran.push(
            `ok       ${part.split("\n")[0]}${part.includes("\n") ? " …" : ""}  (${Math.round((Date.now() - started) / 1000)} s)`,
          );
        }
      }
      if (server) {
        step(`stopping pnpm start (end of "${section.title}")`);
        await server.stop();
        server = undefined;
      }
    }
  } finally {
    if (server) await server.stop().catch(() => {});
    process.stdout.write(`\nreadme-check summary:\n${ran.map((r) => `  ${r}`).join("\n")}\n`);
    if (flags.keep) process.stdout.write(`clone kept in ${clone}\n`);
    else rmSync(clone, { recursive: true, force: true });
  }
}

function startServer(cwd, env) {
  const child = spawn("pnpm", ["start"], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  let output = "";
  const exited = new Promise((done) =>
    child.once("exit", (code, signal) => done({ code, signal })),
  );
  return new Promise((ready, fail) => {
    const timer = setTimeout(
      () => fail(new Error("pnpm start did not serve within 5 minutes")),
      300_000,
    );
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
      if (/serving on http/.test(output)) {
        clearTimeout(timer);
        ready({
          async stop() {
            process.kill(-child.pid, "SIGINT");
            const { code, signal } = await exited;
            // pnpm itself also gets the SIGINT (process group) and reports 130 for it.
            if (code !== 0 && code !== 130 && signal !== "SIGINT") {
              throw new Error(`pnpm start exited with ${code ?? signal} on SIGINT`);
            }
          },
        });
      }
    });
    exited.then(({ code }) => {
      clearTimeout(timer);
      fail(new Error(`pnpm start exited with ${code} before serving`));
    });
  });
}

main().catch((error) => {
  process.stderr.write(`\nreadme-check FAILED: ${error.message}\n`);
  process.exit(1);
});
