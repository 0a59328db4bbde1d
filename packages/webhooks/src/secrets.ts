import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { WebhookSecretError } from "./errors.js";

const SECRET_PREFIX = "whsec_";
const FORMAT = "v1";

/**
 * A new endpoint signing secret in the Standard Webhooks form: `whsec_` + base64 of 32 random
 * bytes (what `new Webhook(secret)` of the `standardwebhooks` package takes).
 */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
}

export interface SecretBox {
  /** Encrypts `secret` for `endpointId` (the id is bound in: a ciphertext moved to another endpoint does not open). */
  seal(secret: string, endpointId: string): string;
  open(ciphertext: string, endpointId: string): string;
}

/**
 * Encryption at rest of endpoint secrets: AES-256-GCM under a key derived (HKDF-SHA256) from
 * the configured key material (`WEBHOOK_SECRET_KEY`, an SST secret in deployed stages). Stored
 * as `v1.<iv>.<ciphertext+tag>` (base64url), the endpoint id as additional authenticated data.
 *
 * @example
 * const box = createSecretBox(config.webhookSecretKey);
 * const stored = box.seal(generateWebhookSecret(), "whk_01…");
 */
export function createSecretBox(keyMaterial: string): SecretBox {
  if (keyMaterial.length < 32) {
    throw new WebhookSecretError("webhook secret key material must be at least 32 characters");
  }
  const key = Buffer.from(
    hkdfSync("sha256", keyMaterial, "travel-platform", "webhook endpoint secrets v1", 32),
  );
  return {
    seal(secret, endpointId) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(endpointId));
      const body = Buffer.concat([
        cipher.update(secret, "utf8"),
        cipher.final(),
        cipher.getAuthTag(),
      ]);
      return `${FORMAT}.${iv.toString("base64url")}.${body.toString("base64url")}`;
    },
    open(ciphertext, endpointId) {
      const [format, ivText, bodyText] = ciphertext.split(".");
      if (format !== FORMAT || !ivText || !bodyText) {
        throw new WebhookSecretError(`stored secret of ${endpointId} has an unknown format`);
      }
      const body = Buffer.from(bodyText, "base64url");
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(ivText, "base64url"));
        decipher.setAAD(Buffer.from(endpointId));
        decipher.setAuthTag(body.subarray(body.length - 16));
        return Buffer.concat([
          decipher.update(body.subarray(0, body.length - 16)),
          decipher.final(),
        ]).toString("utf8");
      } catch (error) {
        throw new WebhookSecretError(`stored secret of ${endpointId} does not decrypt`, {
          cause: error,
        });
      }
    },
  };
}
