"use client";

import { useEffect, useRef, useState, useTransition } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Loader2, Search } from "lucide-react";

/** Search as you type: the query lives in the URL (?q=), so a search can be shared. */
export function SearchBox({ initial }: { initial: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [value, setValue] = useState(initial);
  const [pending, startTransition] = useTransition();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  function update(next: string) {
    setValue(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const search = new URLSearchParams(params.toString());
      if (next.trim()) search.set("q", next);
      else search.delete("q");
      for (const key of ["after", "before", "page"]) search.delete(key);
      startTransition(() => router.replace(`${pathname}?${search.toString()}`, { scroll: false }));
    }, 250);
  }

  return (
    <form role="search" action="/catalog" className="relative w-full max-w-md" onSubmit={(e) => { e.preventDefault(); update(value); }}>
      <label htmlFor="catalog-search" className="sr-only">
        Search the catalog
      </label>
      <Search className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
      <input
        id="catalog-search"
        name="q"
        type="search"
        value={value}
        onChange={(e) => update(e.target.value)}
        placeholder="Search by name, title, description or tag"
        autoComplete="off"
        className="h-10 w-full rounded-md border border-input bg-background pl-9 pr-9 text-sm outline-none focus-visible:ring-2 focus-visible:ring-ring"
      />
      {pending ? <Loader2 className="absolute right-3 top-1/2 size-4 -translate-y-1/2 animate-spin text-muted-foreground" aria-label="Searching" /> : null}
    </form>
  );
}
