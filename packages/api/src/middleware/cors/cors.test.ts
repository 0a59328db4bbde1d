import { describe, expect, it } from "vitest";
import { appendVary } from "./index.js";

describe("appendVary", () => {
  it("adds a header name once, case-insensitively, and never next to *", () => {
    const h = new Headers();
    appendVary(h, "Origin");
    appendVary(h, "Accept-Encoding");
    appendVary(h, "origin");
    expect(h.get("vary")).toBe("Origin, Accept-Encoding");
    const star = new Headers({ vary: "*" });
    appendVary(star, "Origin");
    expect(star.get("vary")).toBe("*");
  });
});
