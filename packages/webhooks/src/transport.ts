import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { WebhookUrlRejectedError } from "./errors.js";
import type { UrlPolicy } from "./url-policy.js";

export interface SendResult {
  /** The receiver's status code; absent when no answer came. */
  statusCode?: number;
  /** Why it failed (refused URL, timeout, network, redirect, non-2xx), never the receiver's body. */
  error?: string;
  /** `webhook_url_rejected` when the URL was refused before anything was sent. */
  code?: "webhook_url_rejected";
  ok: boolean;
}

export interface WebhookTransportOptions {
  policy: UrlPolicy;
  /** Whole attempt, from DNS to the last byte read (default 10 s). */
  timeoutMs?: number;
  /** The socket idle at most, connecting included (default 3 s). */
  idleTimeoutMs?: number;
  /** Response bytes read at most; the rest is discarded unread (default 16 KiB). */
  maxResponseBytes?: number;
  userAgent?: string;
}

export type WebhookTransport = (request: {
  url: string;
  headers: Record<string, string>;
  body: string;
}) => Promise<SendResult>;

/**
 * POSTs a webhook with the SSRF rules applied at delivery time: the URL is checked again, the
 * host is resolved by a `lookup` that refuses any non-public address and hands the socket only
 * the addresses it checked (no second resolution to rebind between check and connect),
 * redirects are never followed (a 3xx is a failed attempt), timeouts are short, no connection
 * is reused across attempts, and at most `maxResponseBytes` of the answer are read.
 *
 * @example
 * const send = createWebhookTransport({ policy: createUrlPolicy({ allowLocalReceivers: false }) });
 * const result = await send({ url, headers, body });
 */
export function createWebhookTransport(options: WebhookTransportOptions): WebhookTransport {
  const { policy } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 3_000;
  const maxResponseBytes = options.maxResponseBytes ?? 16 * 1024;
  const userAgent = options.userAgent ?? "travel-platform-webhooks/1";

  return async function send({ url, headers, body }) {
    let checked: ReturnType<UrlPolicy["checkSyntax"]>;
    let addresses: string[];
    try {
      checked = policy.checkSyntax(url);
      addresses = await policy.checkAddresses(checked);
    } catch (error) {
      if (error instanceof WebhookUrlRejectedError) {
        return { ok: false, code: "webhook_url_rejected", error: error.message };
      }
      throw error;
    }
    // The socket connects only to the addresses checked above.
    const pinnedLookup: LookupFunction = (_hostname, lookupOptions, callback) => {
      const family = (address: string) => (isIP(address) === 6 ? 6 : 4);
      if (lookupOptions.all) {
        callback(
          null,
          addresses.map((address) => ({ address, family: family(address) })),
        );
      } else {
        const first = addresses[0] as string;
        callback(null, first, family(first));
      }
    };

    const client = checked.url.protocol === "https:" ? https : http;
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const finish = (result: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(result);
      };
      const request = client.request(
        checked.url,
        {
          method: "POST",
          agent: false,
          lookup: pinnedLookup,
          timeout: idleTimeoutMs,
          headers: {
            ...headers,
            "content-type": "application/json",
            "content-length": String(Buffer.byteLength(body)),
            "user-agent": userAgent,
          },
        },
        (response) => {
          const statusCode = response.statusCode ?? 0;
          let read = 0;
          response.on("data", (chunk: Buffer) => {
            read += chunk.length;
            if (read > maxResponseBytes) response.destroy();
          });
          const done = () => {
            const ok = statusCode >= 200 && statusCode < 300;
            finish({
              ok,
              statusCode,
              ...(ok
                ? {}
                : {
                    error:
                      statusCode >= 300 && statusCode < 400
                        ? `redirect (${statusCode}) not followed`
                        : `receiver answered ${statusCode}`,
                  }),
            });
          };
          response.on("end", done);
          response.on("close", done);
          response.on("error", done);
        },
      );
      const deadline = setTimeout(() => {
        request.destroy(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      request.on("timeout", () => {
        request.destroy(new Error(`socket idle for ${idleTimeoutMs} ms`));
      });
      request.on("error", (error: NodeJS.ErrnoException) => {
        finish({
          ok: false,
          error: error.code ? `${error.code}: ${error.message}` : error.message,
        });
      });
      request.end(body);
    });
  };
}
