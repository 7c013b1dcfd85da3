import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, redactUrl } from "@/lib/log";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger(stream, "info"), lines };
}

describe("log", () => {
  it("writes JSON lines and redacts secrets at any depth we log", () => {
    const { logger, lines } = capture();
    logger.warn(
      {
        access_token: "gho_TOPSECRET1",
        account: { refresh_token: "TOPSECRET2", provider: "github" },
        req: { headers: { authorization: "Bearer TOPSECRET3", cookie: "next-auth.session-token=TOPSECRET4" } },
        clientSecret: "TOPSECRET5",
      },
      "signing in",
    );
    const text = lines.join("");
    expect(text).not.toMatch(/TOPSECRET/);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ level: "warn", msg: "signing in", app: "pave", account: { provider: "github", refresh_token: "[redacted]" } });
    expect(entry.req.headers.authorization).toBe("[redacted]");
  });

  it("removes passwords from connection strings", () => {
    expect(redactUrl("postgresql://postgres:s3cret@localhost:5432/pave")).toBe("postgresql://postgres:redacted@localhost:5432/pave");
    expect(redactUrl("not a url")).toBe("[unparseable url]");
  });
});
