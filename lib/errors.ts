/**
 * An error whose message is written for the person using Pave. Only AppError
 * messages reach a browser or API client; anything else is logged and shown as
 * a generic message.
 */
export type AppErrorCode = "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "INVALID" | "UNAVAILABLE";

const STATUS: Record<AppErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID: 400,
  UNAVAILABLE: 503,
};

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** Specific problems to list under the message, e.g. one per document of a file. */
    readonly details: string[] = [],
    /** Problems tied to form fields, by field name. */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AppError";
  }

  /** The HTTP status that matches this error's code. */
  get status(): number {
    return STATUS[this.code];
  }
}

export const GENERIC_ERROR_MESSAGE = "Something went wrong on our side. It has been logged; please try again.";

/** The message that may be shown to a user for any thrown value. */
export function publicMessage(error: unknown): string {
  return error instanceof AppError ? error.message : GENERIC_ERROR_MESSAGE;
}
