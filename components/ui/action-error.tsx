/** The one-line error of a small action form (a button with its own form), shown under it. */
export function ActionError({ state, id }: { state: { ok: boolean; error?: string } | null; id?: string }) {
  if (state?.ok !== false) return null;
  return (
    <p id={id} role="alert" className="max-w-xs text-xs text-destructive">
      {state.error}
    </p>
  );
}
