import { AppError, type AppErrorCode } from "@/lib/errors";
import type { LocationTarget } from "@/lib/git/location";

/**
 * Pave's git layer: one small interface per capability, each with a GitHub
 * implementation (lib/git/github.ts) and an embedded local-git one (lib/git/local.ts).
 * Reads come first; writes (scaffolder pushes, Terraform pull requests) will arrive as
 * a separate GitWriter so read-only callers never hold write access.
 */

/** A file read from git. `sha` is the git blob id, the same for GitHub and local git. */
export interface GitFile {
  content: string;
  sha: string;
}

export interface GitReader {
  /** Reads one UTF-8 text file; throws GitReadError for anything a person can act on. */
  readFile(target: LocationTarget): Promise<GitFile>;
}

export type GitReadErrorKind = "not_found" | "forbidden" | "unavailable" | "invalid";

const CODES: Record<GitReadErrorKind, AppErrorCode> = {
  not_found: "NOT_FOUND",
  forbidden: "FORBIDDEN",
  unavailable: "UNAVAILABLE",
  invalid: "INVALID",
};

/**
 * A failed read. The message is safe to show (no stack, token or raw API body); the
 * underlying error, if any, is kept as `cause` for logs only.
 */
export class GitReadError extends AppError {
  constructor(
    readonly kind: GitReadErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(CODES[kind], message);
    this.name = "GitReadError";
    if (options && "cause" in options) this.cause = options.cause;
  }
}

/** The largest file Pave reads from git (catalog and template files are far smaller). */
export const MAX_GIT_FILE_BYTES = 2 * 1024 * 1024;

/** Decodes file bytes as strict UTF-8, refusing binary files with a readable message. */
export function decodeGitFile(bytes: Uint8Array, describe: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new GitReadError("invalid", `${describe} is not a UTF-8 text file.`);
  }
}
