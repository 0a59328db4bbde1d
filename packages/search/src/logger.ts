/** The slice of a structured logger this package uses (Powertools' Logger fits it). */
export interface Logger {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One JSON line per message on stderr; fields carry codes and counts, never PII. */
export const consoleLogger: Logger = {
  warn: (message, fields) => console.warn(JSON.stringify({ level: "WARN", message, ...fields })),
  error: (message, fields) => console.error(JSON.stringify({ level: "ERROR", message, ...fields })),
};

/** The error's class name only: messages may echo inputs, so they stay out of logs and spans. */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
