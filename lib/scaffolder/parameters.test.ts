import { describe, expect, it } from "vitest";
import { coerceValues, defaultValues, formatRepoUrlValue, parameterPages, parseRepoUrlValue, secretFieldNames, validateAllPages, validatePage, type ParameterPage } from "@/lib/scaffolder/parameters";

const pages: ParameterPage[] = [
  {
    title: "Service",
    required: ["name", "owner"],
    properties: {
      name: { type: "string", pattern: "^[a-z][a-z0-9-]{1,38}[a-z0-9]$", "ui:help": "lowercase letters, digits and dashes" },
      owner: { type: "string", "ui:field": "OwnerPicker" },
      token: { type: "string", "ui:widget": "password" },
    },
  },
  {
    title: "Runtime",
    required: ["repoUrl"],
    properties: {
      port: { type: "integer", default: 8080, minimum: 1024, maximum: 65535 },
      flags: { type: "boolean", default: true },
      lifecycle: { type: "string", enum: ["experimental", "production"] },
      repoUrl: { type: "string", "ui:field": "RepoUrlPicker", "ui:options": { allowedHosts: ["github.com"] } },
    },
  },
];

describe("template parameters", () => {
  it("accepts one page or a list", () => {
    expect(parameterPages({ properties: {} })).toHaveLength(1);
    expect(parameterPages(pages)).toHaveLength(2);
    expect(parameterPages(undefined)).toEqual([]);
  });

  it("gives field-by-field messages a person can act on", () => {
    expect(validatePage(pages[0]!, { name: "Bad Name" })).toEqual({
      name: "Does not match the expected format: lowercase letters, digits and dashes",
      owner: "Required",
    });
    expect(validatePage(pages[1]!, coerceValues(pages, { port: "80", lifecycle: "beta", repoUrl: "gitlab.com?owner=a&repo=b" }))).toEqual({
      port: "At least 1024",
      lifecycle: "Choose one of: experimental, production",
      repoUrl: "The host must be one of: github.com",
    });
    expect(validatePage(pages[1]!, { port: 8080.5, repoUrl: "github.com?owner=acme&repo=../etc" })).toEqual({
      port: "Must be a whole number",
      repoUrl: "Enter a valid repository name: letters, digits, '.', '_' or '-'",
    });
  });

  it("finds the first page with a problem", () => {
    const result = validateAllPages(pages, { name: "ok-name", owner: "group:default/team-a" });
    expect(result.firstPage).toBe(1);
    expect(result.errors).toEqual({ repoUrl: "Required" });
    expect(validateAllPages(pages, { name: "ok-name", owner: "group:default/team-a", repoUrl: "github.com?owner=acme&repo=svc" }).firstPage).toBe(-1);
  });

  it("coerces form text to the schema's types and reads defaults and secrets", () => {
    expect(coerceValues(pages, { port: "9000", flags: "false" })).toMatchObject({ port: 9000, flags: false });
    expect(defaultValues(pages)).toEqual({ port: 8080, flags: true });
    expect(secretFieldNames(pages)).toEqual(["token"]);
  });

  it("reads and writes RepoUrlPicker values", () => {
    expect(parseRepoUrlValue("github.com?owner=acme&repo=payments")).toEqual({ host: "github.com", owner: "acme", repo: "payments" });
    expect(parseRepoUrlValue(42)).toBeNull();
    expect(formatRepoUrlValue({ host: "github.com", owner: "acme", repo: "x y" })).toBe("github.com?owner=acme&repo=x+y");
    // What is typed so far is kept for the form to redraw; validation says what is wrong with it.
    expect(parseRepoUrlValue("github.com?owner=acme-&repo=")).toEqual({ host: "github.com", owner: "acme-", repo: "" });
  });

  it("checks a RepoUrlPicker answer by the rules the scaffolder and the template filters use", () => {
    const repoUrlError = (repoUrl: string) => validatePage(pages[1]!, { repoUrl }).repoUrl;
    expect(repoUrlError("GitHub.com?owner=acme&repo=svc")).toBeUndefined();
    expect(repoUrlError("github.com?owner=ac.me&repo=svc")).toBe("Enter a valid owner (organisation or user)");
    expect(repoUrlError("github.com?project=p&repo=svc")).toBe("Enter a valid owner (organisation or user)");
    expect(repoUrlError("github.com?owner=acme&repo=svc.git")).toBe("Enter a valid repository name: letters, digits, '.', '_' or '-'");
    expect(repoUrlError("github.com?owner=acme&repo=svc&branch=main")).toBe("Choose where the repository goes");
    expect(repoUrlError("https://github.com?owner=acme&repo=svc")).toBe("Choose where the repository goes");
  });

  it("validates without compiling code, as the wizard must under a CSP without 'unsafe-eval'", () => {
    const original = globalThis.Function;
    const refuse = function () {
      throw new EvalError("code generation from strings is disallowed");
    } as unknown as FunctionConstructor;
    globalThis.Function = refuse;
    try {
      const page: ParameterPage = { required: ["name"], properties: { name: { type: "string", pattern: "^[a-z-]+$", maxLength: 10 }, port: { type: "integer", minimum: 1024 } } };
      expect(validatePage(page, { name: "Not OK", port: 80 })).toEqual({ name: "Must match ^[a-z-]+$", port: "At least 1024" });
      expect(validatePage(page, { name: "fine" })).toEqual({});
    } finally {
      globalThis.Function = original;
    }
  });
});
