// Server-side identity for pages, server actions and route handlers. The JWT only tells
// who signed in; the role and existence are read fresh from the database each request, so
// a role change or a deleted account takes effect immediately.
import { cache } from "react";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { prisma } from "@/lib/db";
import { authOptions } from "@/lib/auth/options";
import type { PublicUser } from "@/lib/auth/users";

export type CurrentUser = PublicUser;

export type CurrentUserWithStatus = CurrentUser & { emailVerified: Date | null };

/**
 * The signed-in user, or null (memoised per request). A session from before the account's
 * last password reset (User.sessionsValidFrom) counts as signed out.
 */
export const getCurrentUserWithStatus = cache(async (): Promise<CurrentUserWithStatus | null> => {
  let uid: string | undefined;
  let authAt = 0;
  try {
    const session = await getServerSession(authOptions);
    uid = session?.user?.id;
    authAt = session?.user?.authAt ?? 0;
  } catch {
    return null;
  }
  if (!uid) return null;
  const user = await prisma.user.findUnique({
    where: { id: uid },
    select: { id: true, name: true, email: true, role: true, emailVerified: true, sessionsValidFrom: true },
  });
  if (!user) return null;
  const { sessionsValidFrom, ...rest } = user;
  if (sessionsValidFrom && authAt < sessionsValidFrom.getTime()) return null;
  return rest;
});

/** The signed-in user, or null (memoised per request). */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const u = await getCurrentUserWithStatus();
  return u ? { id: u.id, name: u.name, email: u.email, role: u.role } : null;
});

/** The signed-in user, or a redirect to /signin that comes back to `returnTo`. */
export async function requireUser(returnTo: string): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}

export function isAdmin(user: CurrentUser | null | undefined): boolean {
  return user?.role === "ADMIN";
}
