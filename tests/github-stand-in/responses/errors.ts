import type { components } from "@octokit/openapi-types";
import type { Reply } from "@/tests/github-stand-in/context";

type BasicError = components["schemas"]["basic-error"];
type ValidationError = components["schemas"]["validation-error"];

export const DOCS = "https://docs.github.com/rest";

export const error = (status: number, message: string, doc = DOCS): Reply => ({
  status,
  body: { message, documentation_url: doc, status: String(status) } satisfies BasicError,
});

export const invalid = (message: string, errors?: ValidationError["errors"]): Reply => ({
  status: 422,
  body: { message, documentation_url: DOCS, status: "422", ...(errors ? { errors } : {}) } satisfies ValidationError & { status: string },
});

export const notFound = () => error(404, "Not Found");

export const emptyRepo = () => error(409, "Git Repository is empty.");
