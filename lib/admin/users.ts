// User administration: list users, change roles without ever leaving zero admins.
import { Prisma, type Db } from "@/lib/db";

export type Role = "USER" | "ADMIN";

export async function listUsers(db: Db) {
  const users = await db.user.findMany({
    select: { id: true, name: true, email: true, role: true, createdAt: true, _count: { select: { meetings: true } } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 5000,
  });
  return users.map(({ _count, ...u }) => ({ ...u, meetingCount: _count.meetings }));
}

export type SetRoleResult = { ok: true } | { ok: false; error: string };

/** Changes a role; refuses to demote the last admin (in a serializable transaction). */
export async function setUserRole(db: Db, actorId: string, targetId: string, role: Role): Promise<SetRoleResult> {
  if (role !== "USER" && role !== "ADMIN") return { ok: false, error: "Unknown role." };
  try {
    return await db.$transaction(
      async (tx) => {
        const target = await tx.user.findUnique({ where: { id: targetId }, select: { id: true, role: true } });
        if (!target) return { ok: false, error: "That user no longer exists." } as const;
        if (target.role === role) return { ok: true } as const;
        if (target.role === "ADMIN" && role === "USER") {
          const admins = await tx.user.count({ where: { role: "ADMIN" } });
          if (admins <= 1) {
            return {
              ok: false,
              error:
                target.id === actorId
                  ? "You are the last admin: make someone else an admin before removing your own admin role."
                  : "This is the last admin; at least one admin must remain.",
            } as const;
          }
        }
        await tx.user.update({ where: { id: targetId }, data: { role } });
        return { ok: true } as const;
      },
      { isolationLevel: Prisma.TransactionIsolationLevel.Serializable },
    );
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2034") {
      return { ok: false, error: "Another change happened at the same time; please try again." };
    }
    throw err;
  }
}
