import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { prismaCli } from "@/tests/database";

// Replays prisma/migrations on a shadow database and compares the result with
// schema.prisma, through the same Prisma CLI and schema engine developers use.
function diffMigrationsAgainst(schemaPath: string) {
  return prismaCli(
    ["migrate", "diff", "--from-migrations", "prisma/migrations", "--to-schema", schemaPath, "--script", "--exit-code"],
    // The worker's own database: migrate diff only connects to it (to make a shadow database).
    process.env.DATABASE_URL!,
  );
}

describe("migrations", () => {
  it("match schema.prisma exactly (no drift)", () => {
    const result = diffMigrationsAgainst("prisma/schema.prisma");
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.status, `schema.prisma and prisma/migrations differ:\n${result.stdout}`).toBe(0);
  });

  it("would be reported as drift if the schema changed without a migration", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "pave-drift-"));
    const changed = path.join(dir, "schema.prisma");
    copyFileSync("prisma/schema.prisma", changed);
    writeFileSync(changed, readFileSync(changed, "utf8").replace("  lastSignInAt ", "  nickname      String?\n  lastSignInAt "));
    const result = diffMigrationsAgainst(changed);
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/ALTER TABLE "users" ADD COLUMN\s+"nickname" TEXT/);
  });
});
