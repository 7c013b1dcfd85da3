import { BookOpen, Boxes, Database, Flag, Gauge, ListChecks, Shield, Sparkles, type LucideIcon } from "lucide-react";
import type { Role } from "@/lib/auth/roles";

export type NavItem = { href: string; label: string; icon: LucideIcon; role?: Role };

/** The portal's sections, in navigation order. */
export const NAV_ITEMS: NavItem[] = [
  { href: "/catalog", label: "Catalog", icon: Boxes },
  { href: "/docs", label: "Docs", icon: BookOpen },
  { href: "/create", label: "Create", icon: Sparkles },
  { href: "/self-service", label: "Self-service", icon: Database },
  { href: "/dora", label: "DORA", icon: Gauge },
  { href: "/scorecards", label: "Scorecards", icon: ListChecks },
  { href: "/flags", label: "Flags", icon: Flag },
  { href: "/admin", label: "Admin", icon: Shield, role: "admin" },
];
