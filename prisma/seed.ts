// Demo data for the zero-config start: the built-in identity provider's people, linked
// to their demo accounts so their first sign-in finds them. Safe to run again.
import "dotenv/config";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../lib/generated/prisma/client.ts";
import { DEMO_ROLE_GROUPS, demoUsers } from "../lib/auth/builtin-idp/users.ts";
import { resolveRole } from "../lib/auth/roles.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is required to load demo data.");
  process.exit(1);
}

const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
const roleConfig = { adminEmails: [], adminGroups: [DEMO_ROLE_GROUPS.admin], platformEmails: [], platformGroups: [DEMO_ROLE_GROUPS.platform] };

try {
  await db.$transaction(async (tx) => {
    for (const person of demoUsers) {
      const role = resolveRole(person, roleConfig);
      const user = await tx.user.upsert({
        where: { email: person.email },
        update: {},
        create: { email: person.email, name: person.name, groups: person.groups, role },
        select: { id: true },
      });
      await tx.account.upsert({
        where: { provider_providerAccountId: { provider: "pave-idp", providerAccountId: person.id } },
        update: {},
        create: { userId: user.id, type: "oauth", provider: "pave-idp", providerAccountId: person.id },
      });
    }
    const seeded = await tx.auditEvent.findFirst({ where: { action: "demo.seed" }, select: { id: true } });
    if (!seeded) {
      await tx.auditEvent.create({ data: { action: "demo.seed", targetType: "system", data: { users: demoUsers.map((u) => u.email) } } });
    }
  });
  console.log(`[pave] demo data ready: ${demoUsers.map((u) => u.email).join(", ")}`);
} finally {
  await db.$disconnect();
}
