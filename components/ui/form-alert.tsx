import { AlertCircle } from "lucide-react";

/** Shared styling for text inputs, selects and textareas (invalid fields turn red). */
export const inputClassName =
  "h-10 w-full rounded-md border border-input bg-background px-3 text-sm outline-none focus-visible:ring-2 focus-visible:ring-ring aria-[invalid=true]:border-destructive";

/** A form-level problem, with the specific ones listed under it. */
export function FormAlert({ message, details }: { message: string; details?: string[] }) {
  return (
    <div role="alert" className="flex gap-2 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm text-destructive">
      <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden />
      <div>
        <p>{message}</p>
        {details?.length ? (
          <ul className="mt-1 list-disc pl-5" aria-label="Problems">
            {details.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}
