import { z } from "@hono/zod-openapi";

/** A tenant id: what keys, bookings and analytics are separated by. */
export const tenantIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1–64 characters of A–Z, a–z, 0–9, _ or -")
  .openapi({ example: "acme-travel" });
