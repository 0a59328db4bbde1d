import { describe, expect, it } from "vitest";
import { WebhookUrlRejectedError } from "./errors.js";
import { createUrlPolicy, isPublicAddress } from "./url-policy.js";

describe("isPublicAddress", () => {
  it.each([
    "127.0.0.1",
    "127.1.2.3",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",
    "100.100.100.200",
    "0.0.0.0",
    "255.255.255.255",
    "224.0.0.1",
    "::1",
    "::",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "fd00:ec2::254",
    "fe80::1",
    "64:ff9b::7f00:1",
    "2002:7f00:1::",
    "not an address",
  ])("refuses %s", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(["93.184.216.34", "8.8.8.8", "::ffff:93.184.216.34", "2606:4700:4700::1111"])(
    "allows %s",
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe("createUrlPolicy", () => {
  const publicDns = async () => ["93.184.216.34"];
  const deployed = createUrlPolicy({ allowLocalReceivers: false, resolve: publicDns });
  const local = createUrlPolicy({ allowLocalReceivers: true, resolve: async () => ["127.0.0.1"] });

  it("allows an https URL whose host resolves only to public addresses", async () => {
    const checked = await deployed.check("https://hooks.example.com/travel?x=1");
    expect(checked.addresses).toEqual(["93.184.216.34"]);
  });

  it.each([
    "http://hooks.example.com/",
    "http://127.0.0.1:3001/hooks",
    "http://localhost:3001/hooks",
    "https://127.0.0.1/",
    "https://[::ffff:127.0.0.1]/",
    "https://[::ffff:7f00:1]/",
    "https://169.254.169.254/latest/meta-data/",
    "https://intranet/",
    "https://app.localhost/",
    "https://a:b@hooks.example.com/",
    "javascript:alert(1)",
    "relative/path",
    `https://hooks.example.com/${"x".repeat(2100)}`,
  ])("refuses %s in a deployed stage", async (url) => {
    await expect(deployed.check(url)).rejects.toBeInstanceOf(WebhookUrlRejectedError);
  });

  it("refuses a host when any of its addresses is not public, and a host that does not resolve", async () => {
    const mixed = createUrlPolicy({
      allowLocalReceivers: false,
      resolve: async () => ["93.184.216.34", "10.1.2.3"],
    });
    await expect(mixed.check("https://hooks.example.com/")).rejects.toThrow(/10\.1\.2\.3/);
    const missing = createUrlPolicy({
      allowLocalReceivers: false,
      resolve: async () => {
        throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
      },
    });
    await expect(missing.check("https://nowhere.example.com/")).rejects.toThrow(/does not resolve/);
  });

  it("local mode allows 127.0.0.1 and localhost receivers over http, and nothing else private", async () => {
    expect((await local.check("http://127.0.0.1:4000/hooks")).local).toBe(true);
    expect((await local.check("http://localhost:4000/hooks")).local).toBe(true);
    await expect(local.check("http://10.0.0.1:4000/hooks")).rejects.toBeInstanceOf(
      WebhookUrlRejectedError,
    );
    await expect(local.check("https://rebind.example.com/")).rejects.toBeInstanceOf(
      WebhookUrlRejectedError,
    );
    await expect(local.check("http://example.com/")).rejects.toBeInstanceOf(
      WebhookUrlRejectedError,
    );
  });
});
