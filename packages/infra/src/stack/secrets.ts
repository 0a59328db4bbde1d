/**
 * Secrets set per stage with `sst secret set <Name> <value> --stage <stage>`.
 * A deploy fails with SST's "secret not set" error until they are.
 */
export function createSecrets() {
  return {
    /** HMAC key that signs search pagination cursors (32+ random bytes, hex). */
    cursorSigningKey: new sst.Secret("CursorSigningKey"),
    /** Key material (32+ random bytes, base64) encrypting webhook endpoint secrets at rest. */
    webhookSecretKey: new sst.Secret("WebhookSecretKey"),
  };
}

export type Secrets = ReturnType<typeof createSecrets>;
