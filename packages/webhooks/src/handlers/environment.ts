import { Resource } from "sst/resource";
import { z } from "zod";

/**
 * What the webhook Lambdas read from their environment and SST links, parsed once: the table
 * (`TABLE_NAME`, set on every Lambda by @travel/infra), the queue (`WebhookQueue` link, or
 * `WEBHOOK_QUEUE_URL`) and, for the sender, the key of the endpoint secrets (`WebhookSecretKey`
 * link, or `WEBHOOK_SECRET_KEY`). A missing value fails the cold start, naming it.
 */
export function webhookLambdaEnvironment(needs: { secretKey: boolean }) {
  const env = z
    .object({
      TABLE_NAME: z.string().min(1, "TABLE_NAME is required"),
      AWS_REGION: z.string().min(1).optional(),
      WEBHOOK_QUEUE_URL: z.string().min(1).optional(),
      WEBHOOK_SECRET_KEY: z.string().min(32).optional(),
    })
    .parse(process.env);
  const linked = Resource as unknown as Record<
    string,
    { url?: string; value?: string } | undefined
  >;
  const queueUrl = env.WEBHOOK_QUEUE_URL ?? linked.WebhookQueue?.url;
  if (!queueUrl) throw new Error("webhooks: link WebhookQueue or set WEBHOOK_QUEUE_URL");
  const secretKey = env.WEBHOOK_SECRET_KEY ?? linked.WebhookSecretKey?.value;
  if (needs.secretKey && !secretKey) {
    throw new Error("webhooks: link the WebhookSecretKey secret or set WEBHOOK_SECRET_KEY");
  }
  return {
    tableName: env.TABLE_NAME,
    region: env.AWS_REGION,
    queueUrl,
    secretKey: secretKey ?? "",
  };
}
