import { requireRole } from "@/lib/auth/session";

// The role check lives in the layout, above admin/loading.tsx's Suspense boundary,
// so a refusal is decided before streaming starts and the response is a real 403.
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  await requireRole("admin");
  return children;
}
