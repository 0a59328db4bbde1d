import { Webhook } from "standardwebhooks";

/**
 * The Standard Webhooks headers of one attempt: `webhook-signature` carries one `v1,<sig>` per
 * secret, space-separated (during a rotation's overlap the new and the old secret both sign, so
 * a receiver verifying with either accepts it).
 *
 * @example
 * signatureHeaders({ id: "evt_…", timestamp: new Date(), payload, secrets: [secret] });
 */
export function signatureHeaders(input: {
  id: string;
  timestamp: Date;
  payload: string;
  secrets: readonly string[];
}): Record<string, string> {
  const signatures = input.secrets.map((secret) =>
    new Webhook(secret).sign(input.id, input.timestamp, input.payload),
  );
  return {
    "webhook-id": input.id,
    "webhook-timestamp": String(Math.floor(input.timestamp.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
  };
}
