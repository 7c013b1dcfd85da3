import { requireRole } from "@/lib/auth/session";

// Above any loading boundary, so a member gets a real 403.
export default async function EditScorecardLayout({ children }: { children: React.ReactNode }) {
  await requireRole("admin");
  return children;
}
