import { describe, expect, it } from "vitest";
import { openSecret, sealSecret } from "@/lib/secrets";

describe("sealed secrets", () => {
  it("open what they sealed, and seal equal texts differently", () => {
    const a = sealSecret("hunter2");
    const b = sealSecret("hunter2");
    expect(a).not.toBe(b);
    expect(a).not.toContain("hunter2");
    expect(openSecret(a)).toBe("hunter2");
  });

  it("refuse a tampered value", () => {
    const sealed = sealSecret("hunter2");
    const parts = sealed.split(".");
    const flipped = Buffer.from(parts[3]!, "base64url");
    flipped[0]! ^= 1;
    expect(() => openSecret([parts[0], parts[1], parts[2], flipped.toString("base64url")].join("."))).toThrow();
    expect(() => openSecret("v2.x.y.z")).toThrow();
  });
});
