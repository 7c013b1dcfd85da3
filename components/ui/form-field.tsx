import * as React from "react";

/**
 * A labelled form control with its error (or help text) below. The control should carry
 * `id={name}` and `aria-describedby` pointing at `${name}-error` or `${name}-help`
 * (see fieldAria).
 */
export function FormField({ name, label, error, help, children }: { name: string; label: string; error?: React.ReactNode; help?: React.ReactNode; children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor={name} className="text-sm font-medium">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${name}-error`} className="text-sm text-destructive">
          {error}
        </p>
      ) : help ? (
        <p id={`${name}-help`} className="text-xs text-muted-foreground">
          {help}
        </p>
      ) : null}
    </div>
  );
}

/** The accessibility attributes that tie a control to its FormField messages. */
export function fieldAria(name: string, hasError: boolean) {
  return { id: name, name, "aria-invalid": hasError, "aria-describedby": hasError ? `${name}-error` : `${name}-help` };
}
