import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { WebhookUrlRejectedError } from "./errors.js";

/** Resolves a host name to every address it has (`dns.lookup` with `all`, by default). */
export type Resolver = (hostname: string) => Promise<string[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

export interface UrlPolicyOptions {
  /**
   * Local mode only: also allow `http(s)://127.0.0.1:<port>/…` and `http(s)://localhost:<port>/…`
   * (test receivers). Deployed stages never set it.
   */
  allowLocalReceivers: boolean;
  resolve?: Resolver;
}

const MAX_URL_LENGTH = 2048;
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost"]);

/**
 * True only for a public unicast address. Private (RFC 1918), loopback, link-local (and with it
 * the 169.254.169.254 metadata service), carrier-grade NAT (other clouds' metadata), unique-local
 * IPv6 (AWS's fd00:ec2::254), multicast, reserved, NAT64/6to4/Teredo and unspecified addresses
 * are all refused; an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is judged as the IPv4
 * address it carries.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === "unicast";
}

/** The address policy of one URL: what the sender's DNS lookup must enforce for it. */
export interface CheckedUrl {
  url: URL;
  /** The host without IPv6 brackets. */
  hostname: string;
  /** A local receiver (local mode only): its loopback addresses are allowed. */
  local: boolean;
}

/**
 * Where webhooks may be sent. `checkSyntax` judges the URL alone (scheme, credentials, host
 * form); `checkAddresses` resolves the host and refuses it unless every address is public.
 * Registration runs both; every delivery attempt runs them again and then connects only to the
 * addresses it checked (see `createWebhookTransport`), so a host that later resolves somewhere
 * private (DNS rebinding) is refused at delivery time.
 *
 * @example
 * const policy = createUrlPolicy({ allowLocalReceivers: false });
 * await policy.check("https://hooks.example.com/travel"); // throws WebhookUrlRejectedError
 */
export function createUrlPolicy(options: UrlPolicyOptions) {
  const resolve = options.resolve ?? systemResolver;

  function checkSyntax(raw: string): CheckedUrl {
    if (raw.length > MAX_URL_LENGTH) {
      throw new WebhookUrlRejectedError(`The URL is longer than ${MAX_URL_LENGTH} characters.`);
    }
    let url: URL;
    try {
      url = new URL(raw);
    } catch (error) {
      throw new WebhookUrlRejectedError("The URL is not a valid absolute URL.", { cause: error });
    }
    const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
    const local =
      options.allowLocalReceivers &&
      LOCAL_HOSTS.has(hostname) &&
      (url.protocol === "http:" || url.protocol === "https:");
    if (!local && url.protocol !== "https:") {
      throw new WebhookUrlRejectedError("Webhook URLs must use https://.");
    }
    if (url.username || url.password) {
      throw new WebhookUrlRejectedError("Webhook URLs must not carry credentials.");
    }
    if (!local) {
      if (isIP(hostname) !== 0) {
        if (!isPublicAddress(hostname)) {
          throw new WebhookUrlRejectedError(`${hostname} is not a public address.`);
        }
      } else if (!hostname.includes(".") || hostname.endsWith(".localhost")) {
        throw new WebhookUrlRejectedError(`${hostname} is not a public host name.`);
      }
    }
    return { url, hostname, local };
  }

  /** The host's addresses, each checked; throws when any is not allowed. */
  async function checkAddresses(checked: CheckedUrl): Promise<string[]> {
    if (isIP(checked.hostname) !== 0) return [checked.hostname];
    let addresses: string[];
    try {
      addresses = await resolve(checked.hostname);
    } catch (error) {
      throw new WebhookUrlRejectedError(`${checked.hostname} does not resolve.`, { cause: error });
    }
    if (addresses.length === 0) {
      throw new WebhookUrlRejectedError(`${checked.hostname} does not resolve.`);
    }
    if (!checked.local) {
      const refused = addresses.find((address) => !isPublicAddress(address));
      if (refused !== undefined) {
        throw new WebhookUrlRejectedError(
          `${checked.hostname} resolves to ${refused}, which is not a public address.`,
        );
      }
    }
    return addresses;
  }

  return {
    checkSyntax,
    checkAddresses,
    /** Both checks; resolves to the URL and the addresses it may be sent to. */
    async check(raw: string): Promise<CheckedUrl & { addresses: string[] }> {
      const checked = checkSyntax(raw);
      return { ...checked, addresses: await checkAddresses(checked) };
    },
  };
}

export type UrlPolicy = ReturnType<typeof createUrlPolicy>;
