import { describe, expect, it } from "vitest";
import { z } from "zod";
import { databaseRequestFormSchema, engineVersionMessage, formatChoices, MESSAGES, moduleInputsSchema } from "@/lib/self-service/rules";

const validInputs = {
  service_name: "checkout-service",
  owner: "team-payments",
  environment: "dev",
  engine: "postgres",
  engine_version: "16",
  tier: "small",
  backup_retention_days: 7,
  multi_az: false,
};

/** Field → messages, as the form would show them. */
function errorsOf(result: { success: boolean; error?: z.ZodError }): Record<string, string[] | undefined> {
  if (result.success || !result.error) return {};
  return z.flattenError(result.error).fieldErrors as Record<string, string[] | undefined>;
}

describe("moduleInputsSchema", () => {
  it("accepts a valid request", () => {
    expect(moduleInputsSchema.safeParse(validInputs)).toEqual({ success: true, data: validInputs });
  });

  it.each([
    ["Checkout", MESSAGES.serviceNamePattern],
    ["1checkout", MESSAGES.serviceNamePattern],
    ["a", MESSAGES.serviceNamePattern],
    ["check_out", MESSAGES.serviceNamePattern],
    ["a".repeat(41), MESSAGES.serviceNameMax],
    ["check--out", MESSAGES.serviceNameHyphens],
    ["checkout-", MESSAGES.serviceNameHyphens],
  ])("rejects the service name %j", (name, message) => {
    expect(errorsOf(moduleInputsSchema.safeParse({ ...validInputs, service_name: name })).service_name).toContain(message);
  });

  it("accepts a service name of exactly 40 characters", () => {
    expect(moduleInputsSchema.safeParse({ ...validInputs, service_name: "a".repeat(40) }).success).toBe(true);
  });

  it("rejects an unknown tier, engine or environment with a message naming the choices", () => {
    const errors = errorsOf(moduleInputsSchema.safeParse({ ...validInputs, tier: "xlarge", engine: "oracle", environment: "qa" }));
    expect(errors.tier).toEqual(["Tier must be one of small, medium or large"]);
    expect(errors.engine).toEqual(["Engine must be one of postgres or mysql"]);
    expect(errors.environment).toEqual(["Environment must be one of dev, staging or prod"]);
  });

  it("checks the version against the chosen engine's list", () => {
    expect(moduleInputsSchema.safeParse({ ...validInputs, engine: "mysql", engine_version: "8.4" }).success).toBe(true);
    expect(errorsOf(moduleInputsSchema.safeParse({ ...validInputs, engine: "postgres", engine_version: "8.4" })).engine_version).toEqual([
      "postgres versions are 15, 16 or 17",
    ]);
    expect(errorsOf(moduleInputsSchema.safeParse({ ...validInputs, engine: "mysql", engine_version: "16" })).engine_version).toEqual([
      "mysql versions are 8.0 or 8.4",
    ]);
  });

  it.each([-1, 36, 1.5, Number.NaN])("rejects %d days of backups", (days) => {
    expect(errorsOf(moduleInputsSchema.safeParse({ ...validInputs, backup_retention_days: days })).backup_retention_days).toContain(
      MESSAGES.backupRetention,
    );
  });

  it("allows no backups outside prod but needs at least 7 days in prod", () => {
    expect(moduleInputsSchema.safeParse({ ...validInputs, backup_retention_days: 0 }).success).toBe(true);
    expect(moduleInputsSchema.safeParse({ ...validInputs, environment: "prod", backup_retention_days: 7 }).success).toBe(true);
    const errors = errorsOf(moduleInputsSchema.safeParse({ ...validInputs, environment: "prod", backup_retention_days: 6 }));
    expect(errors).toEqual({ backup_retention_days: ["Production databases need backups of at least 7 days"] });
  });

  it("accepts multi_az false in prod, as the module does (it forces it on instead)", () => {
    expect(moduleInputsSchema.safeParse({ ...validInputs, environment: "prod", multi_az: false }).success).toBe(true);
  });

  it("rejects an owner that can't be an AWS tag value", () => {
    expect(moduleInputsSchema.safeParse({ ...validInputs, owner: "équipe données" }).success).toBe(true);
    for (const owner of ["", 'team"a', "team-${var.x}", "a\nb", "x".repeat(257)]) {
      expect(errorsOf(moduleInputsSchema.safeParse({ ...validInputs, owner })).owner, owner).toEqual([MESSAGES.owner]);
    }
  });
});

describe("databaseRequestFormSchema", () => {
  const form = {
    service: "component:default/checkout-service",
    environment: "dev",
    engine: "postgres",
    engineVersion: "16",
    tier: "medium",
    backupRetentionDays: "14",
    multiAz: "on",
    justification: "Orders need a durable store.",
  };

  it("reads form text: numbers, checkboxes and trimmed text", () => {
    const result = databaseRequestFormSchema.safeParse({ ...form, justification: "  Orders need a durable store.  " });
    expect(result).toEqual({ success: true, data: { ...form, backupRetentionDays: 14, multiAz: true } });
  });

  it.each([
    [undefined, false],
    [null, false],
    ["", false],
    ["on", true],
    ["true", true],
    ["false", false],
    [true, true],
  ])("reads the multi-AZ checkbox %j as %j", (multiAz, expected) => {
    expect(databaseRequestFormSchema.parse({ ...form, multiAz }).multiAz).toBe(expected);
  });

  it("forces multi-AZ on in prod instead of failing", () => {
    const result = databaseRequestFormSchema.parse({ ...form, environment: "prod", multiAz: undefined });
    expect(result.multiAz).toBe(true);
  });

  it("needs prod backups of at least 7 days, reported on the backup field", () => {
    const errors = errorsOf(databaseRequestFormSchema.safeParse({ ...form, environment: "prod", backupRetentionDays: "3" }));
    expect(errors).toEqual({ backupRetentionDays: ["Production databases need backups of at least 7 days"] });
  });

  it.each(["", " ", "abc", "7.5", "-1", "36", "1e1"])("rejects %j days of backups", (days) => {
    expect(errorsOf(databaseRequestFormSchema.safeParse({ ...form, backupRetentionDays: days })).backupRetentionDays).toContain(
      MESSAGES.backupRetention,
    );
  });

  it("reports a version that isn't offered for the engine on the version field", () => {
    const errors = errorsOf(databaseRequestFormSchema.safeParse({ ...form, engine: "mysql", engineVersion: "16" }));
    expect(errors).toEqual({ engineVersion: [engineVersionMessage("mysql")] });
  });

  it("bounds the justification", () => {
    expect(errorsOf(databaseRequestFormSchema.safeParse({ ...form, justification: "too short" })).justification).toEqual([
      MESSAGES.justificationMin,
    ]);
    expect(errorsOf(databaseRequestFormSchema.safeParse({ ...form, justification: "x".repeat(2001) })).justification).toEqual([
      MESSAGES.justificationMax,
    ]);
    expect(databaseRequestFormSchema.safeParse({ ...form, justification: "x".repeat(2000) }).success).toBe(true);
  });

  it("accepts only a catalog reference for the service", () => {
    for (const service of ["checkout-service", "component:default/", "Component:Default/Checkout", "x".repeat(301), "component:default/a b"]) {
      expect(errorsOf(databaseRequestFormSchema.safeParse({ ...form, service })).service, service).toEqual([MESSAGES.service]);
    }
  });

  it("shows every problem at once, cross-field ones included", () => {
    const errors = errorsOf(
      databaseRequestFormSchema.safeParse({ ...form, environment: "prod", backupRetentionDays: "1", justification: "why", tier: "huge" }),
    );
    expect(errors).toEqual({
      backupRetentionDays: [MESSAGES.prodBackups],
      justification: [MESSAGES.justificationMin],
      tier: [MESSAGES.tier],
    });
  });
});

describe("formatChoices", () => {
  it("joins choices the way messages read", () => {
    expect(formatChoices(["a"])).toBe("a");
    expect(formatChoices(["a", "b"])).toBe("a or b");
    expect(formatChoices(["a", "b", "c"])).toBe("a, b or c");
  });
});
