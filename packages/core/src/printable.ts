/**
 * Printable text: no control, format or line/paragraph separator characters, so a name never
 * carries ANSI escapes or line breaks into logs, consoles or the dashboard. Key names use it in
 * the API and in `pnpm keys`.
 */
export const PRINTABLE_TEXT = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+$/u;
