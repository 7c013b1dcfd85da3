import Link from "next/link";

export function Logo() {
  return (
    <Link href="/" className="flex items-center gap-2 rounded-md font-semibold tracking-tight focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
      <svg viewBox="0 0 24 24" className="size-6 text-primary" aria-hidden>
        <path fill="currentColor" d="M3 17h4l4-10h4l-4 10h10v3H3z" opacity=".35" />
        <path fill="currentColor" d="M3 20l5-13h4L7 20z" />
      </svg>
      <span>Pave</span>
    </Link>
  );
}
