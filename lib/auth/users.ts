// Account creation and credential checks (server only). Takes the Prisma client as an
// argument so tests can run against their own SQLite file.
import bcrypt from "bcryptjs";
import { Prisma, type Db, type User } from "@/lib/db";
import type { SignUpInput } from "@/lib/auth/schemas";

export const BCRYPT_COST = 11;

export type PublicUser = Pick<User, "id" | "name" | "email" | "role">;
const publicSelect = { id: true, name: true, email: true, role: true } as const;

/** Emails listed in ADMIN_EMAILS (comma/space separated, case-insensitive). */
export function adminEmails(env: NodeJS.ProcessEnv = process.env): Set<string> {
  return new Set(
    (env.ADMIN_EMAILS ?? "")
      .split(/[\s,;]+/)
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean),
  );
}

export function isConfiguredAdmin(email: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return adminEmails(env).has(email.trim().toLowerCase());
}

export async function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

// Compared against when the email is unknown, so both paths cost one bcrypt round.
const DUMMY_HASH = bcrypt.hashSync("not-a-real-password", BCRYPT_COST);

function isRetryableTxError(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2034") return true;
  const msg = err instanceof Error ? err.message : "";
  return /could not serialize|deadlock|40001|40P01|SQLITE_BUSY|database is locked/i.test(msg);
}

/**
 * Creates a user inside a SERIALIZABLE transaction (retried on conflicts): the first
 * account on an empty database becomes ADMIN, and so does an ADMIN_EMAILS address whose
 * ownership is already proven (emailVerified: an OAuth provider vouched for it). A password
 * sign-up with a listed address becomes admin only when its verification link is used.
 */
export async function createUser(
  db: Db,
  data: { email: string; name?: string | null; passwordHash?: string | null; image?: string | null; emailVerified?: Date | null },
  env: NodeJS.ProcessEnv = process.env,
): Promise<PublicUser> {
  const email = data.email.trim().toLowerCase();
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.$transaction(
        async (tx) => {
          const anyUser = await tx.user.findFirst({ select: { id: true } });
          const role = !anyUser || (data.emailVerified && isConfiguredAdmin(email, env)) ? "ADMIN" : "USER";
          return tx.user.create({
            data: {
              email,
              name: data.name ?? null,
              passwordHash: data.passwordHash ?? null,
              image: data.image ?? null,
              emailVerified: data.emailVerified ?? null,
              role,
            },
            select: publicSelect,
          });
        },
        { isolationLevel: Prisma.TransactionIsolationLevel.Serializable },
      );
    } catch (err) {
      if (attempt < 4 && isRetryableTxError(err)) {
        await new Promise((r) => setTimeout(r, 10 + Math.random() * 40 * (attempt + 1)));
        continue;
      }
      throw err;
    }
  }
}

export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}

export type SignUpResult = { ok: true; user: PublicUser } | { ok: false; field: "email"; error: string };

/** Email + password sign-up (input already validated with signUpSchema); the address is unverified. */
export async function signUpWithPassword(db: Db, input: SignUpInput, env: NodeJS.ProcessEnv = process.env): Promise<SignUpResult> {
  const taken = { ok: false, field: "email", error: "An account with this email already exists" } as const;
  if (await db.user.findUnique({ where: { email: input.email }, select: { id: true } })) return taken;
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await createUser(db, { email: input.email, name: input.name, passwordHash }, env);
    return { ok: true, user };
  } catch (err) {
    if (isUniqueViolation(err)) return taken;
    throw err;
  }
}

/** The user for this email + password, or null. Constant work whether or not the email exists. */
export async function verifyPassword(db: Db, email: string, password: string): Promise<PublicUser | null> {
  const user = await db.user.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { ...publicSelect, passwordHash: true },
  });
  const ok = await bcrypt.compare(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !user.passwordHash || !ok) return null;
  const { passwordHash: _ignored, ...rest } = user;
  void _ignored;
  return rest;
}

/** Name to show for a user (name, else the part of the email before "@"). */
export function displayNameOf(user: { name?: string | null; email: string }): string {
  const n = user.name?.trim();
  return (n || user.email.split("@")[0] || "Guest").slice(0, 64);
}

/** ADMIN for a verified ADMIN_EMAILS address that is not admin yet; the user as it is otherwise. */
export async function applyConfiguredAdmin<U extends PublicUser>(
  db: Db,
  user: U & { emailVerified: Date | null },
  env: NodeJS.ProcessEnv = process.env,
): Promise<U> {
  if (user.role === "ADMIN" || !user.emailVerified || !isConfiguredAdmin(user.email, env)) return user;
  await db.user.update({ where: { id: user.id }, data: { role: "ADMIN" } });
  return { ...user, role: "ADMIN" };
}
