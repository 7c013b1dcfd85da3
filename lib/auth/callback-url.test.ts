import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "@/lib/auth/callback-url";

const BASE = "http://localhost:3000";

describe("safeCallbackPath", () => {
  it("keeps same-origin paths with their query and hash", () => {
    expect(safeCallbackPath("/catalog?kind=component#top", BASE)).toBe("/catalog?kind=component#top");
    expect(safeCallbackPath("/dora", BASE)).toBe("/dora");
    expect(safeCallbackPath("http://localhost:3000/flags", BASE)).toBe("/flags");
  });

  // Each of these leaves the site when used as a Location header or a link.
  it.each([
    ["backslash", "/\\evil.example"],
    ["two backslashes", "\\\\evil.example"],
    ["tab, as /%09/ arrives once decoded", "/\t/evil.example"],
    ["newline", "/\n/evil.example"],
    ["protocol-relative", "//evil.example"],
    ["dot segment", "/.//evil.example"],
    ["encoded slashes, decoded once", decodeURIComponent("/%2F%2Fevil.example")],
    ["javascript:", "javascript:alert(document.domain)"],
    ["JavaScript: with a tab", "java\tscript:alert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["another origin", "https://evil.example/catalog"],
    ["a look-alike host", "http://localhost:3000.evil.example/"],
    ["userinfo", "http://localhost:3000@evil.example/"],
    ["another port", "http://localhost:3001/"],
  ])("sends %s to the home page", (_name, value) => {
    expect(safeCallbackPath(value, BASE)).toBe("/");
  });

  it("keeps encoded slashes encoded, which browsers do not turn into a host", () => {
    expect(safeCallbackPath("/%2F%2Fevil.example", BASE)).toBe("/%2F%2Fevil.example");
    expect(safeCallbackPath("/%09/evil.example", BASE)).toBe("/%09/evil.example");
  });

  it("answers / for nothing or garbage", () => {
    expect(safeCallbackPath(undefined, BASE)).toBe("/");
    expect(safeCallbackPath("", BASE)).toBe("/");
    expect(safeCallbackPath("http://[::1", BASE)).toBe("/");
    expect(safeCallbackPath(["/a", "/b"], BASE)).toBe("/");
  });
});
