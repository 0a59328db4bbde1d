import type { z } from "zod";
import { CacheConfigError } from "./errors.js";

/** Parses with zod; a failure names every bad field, e.g. `cache config: commandTimeoutMs: …`. */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
  throw new CacheConfigError(`invalid ${what}: ${details}`, { cause: parsed.error });
}
