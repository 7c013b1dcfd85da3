"use client";

import { useEffect, useId, useRef } from "react";
import { useTheme } from "next-themes";

/**
 * A rendered docs page. The HTML was sanitised when the docs were built; Mermaid
 * diagrams are drawn here in the browser, and a diagram that fails keeps its source visible.
 */
export function DocsContent({ html }: { html: string }) {
  const container = useRef<HTMLDivElement>(null);
  const { resolvedTheme } = useTheme();
  const dark = resolvedTheme === "dark";
  const idPrefix = useId().replace(/[^a-zA-Z0-9_-]/g, "");

  useEffect(() => {
    const root = container.current;
    if (!root) return;
    const blocks = [...root.querySelectorAll<HTMLPreElement>("pre.mermaid")];
    if (!blocks.length) return;
    let cancelled = false;

    void (async () => {
      let mermaid: typeof import("mermaid").default;
      try {
        mermaid = (await import("mermaid")).default;
      } catch {
        return; // the sources stay visible
      }
      if (cancelled) return;
      mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: dark ? "dark" : "default" });
      for (const [index, block] of blocks.entries()) {
        // The <pre> keeps the source; the drawing goes in a sibling, so a theme change can redraw.
        const previous = block.nextElementSibling;
        if (previous?.classList.contains("mermaid-diagram")) previous.remove();
        const id = `mermaid-${idPrefix}-${index}`;
        try {
          const { svg } = await mermaid.render(id, block.textContent ?? "");
          if (cancelled) return;
          const figure = document.createElement("div");
          figure.className = "mermaid-diagram";
          figure.setAttribute("role", "img");
          figure.setAttribute("aria-label", "Diagram");
          // Mermaid's strict security level sanitises the SVG it returns.
          figure.innerHTML = svg;
          block.after(figure);
          block.hidden = true;
        } catch {
          // Mermaid leaves its error drawing in the body; the source stays readable instead.
          document.getElementById(`d${id}`)?.remove();
          block.hidden = false;
          block.classList.add("mermaid-failed");
          block.title = "This diagram could not be drawn, so its source is shown.";
        }
      }
    })();

    return () => {
      cancelled = true;
    };
  }, [html, dark, idPrefix]);

  // Heading ids carry the sanitiser's "user-content-" prefix; a link written as #heading
  // (by hand, or from before the prefix) still scrolls to it.
  useEffect(() => {
    const hash = decodeURIComponent(window.location.hash.slice(1));
    if (!hash || document.getElementById(hash)) return;
    document.getElementById(`user-content-${hash}`)?.scrollIntoView();
  }, [html]);

  return <div ref={container} className="docs-content" dangerouslySetInnerHTML={{ __html: html }} />;
}
