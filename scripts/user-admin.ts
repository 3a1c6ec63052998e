// `npm run user:admin -- <email>`: makes an existing account admin from the server's shell
// (installs without mail, or to recover admin access). Uses DATABASE_URL like the server.
import "../server/env";
import { createPrismaClient } from "../lib/db";
import { emailSchema } from "../lib/auth/schemas";

async function main(): Promise<number> {
  const arg = process.argv.slice(2).find((a) => !a.startsWith("-"));
  const parsed = emailSchema.safeParse(arg ?? "");
  if (!parsed.success) {
    console.error("usage: npm run user:admin -- <email of an existing account>");
    return 2;
  }
  const db = createPrismaClient();
  try {
    const user = await db.user.findUnique({ where: { email: parsed.data }, select: { id: true, role: true } });
    if (!user) {
      console.error(`no account with the address ${parsed.data} (it must sign up first)`);
      return 1;
    }
    if (user.role === "ADMIN") {
      console.log(`${parsed.data} is already an admin`);
      return 0;
    }
    await db.user.update({ where: { id: user.id }, data: { role: "ADMIN" } });
    console.log(`${parsed.data} is now an admin`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`user:admin failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
