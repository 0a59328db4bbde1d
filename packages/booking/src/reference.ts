import { createHash } from "node:crypto";

/** The contract's reference alphabet: A–Z and 0–9. */
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
export const REFERENCE_LENGTH = 6;

/**
 * The `attempt`-th reference candidate of a booking: 6 characters derived from the booking id
 * (whose ULID carries 80 random bits). Deterministic on purpose: a booking resumed after a
 * crash tries the same candidates in the same order, finds the one it already claimed, and so
 * never leaves a claimed-but-unused reference behind. A collision with another booking moves
 * on to the next candidate.
 *
 * @example
 * referenceCandidate("bkg_01JD8X3Z5K7M9P1Q3R5T7V9X1Z", 0) // "Q7M2ZK"
 */
export function referenceCandidate(bookingId: string, attempt: number): string {
  const digest = createHash("sha256").update(`${bookingId}#${attempt}`).digest();
  let reference = "";
  // 36^6 ≈ 2.2e9 references; bytes mod 36 has a negligible bias for a non-secret label.
  for (let i = 0; i < REFERENCE_LENGTH; i++) reference += ALPHABET[digest[i]! % ALPHABET.length];
  return reference;
}

/** How many candidates to try before giving up (collisions are rare: 36^6 ≈ 2.2 billion). */
export const MAX_REFERENCE_ATTEMPTS = 20;
