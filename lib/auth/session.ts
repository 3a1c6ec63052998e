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

/** The signed-in user, or null (memoised per request). */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  let uid: string | undefined;
  try {
    const session = await getServerSession(authOptions);
    uid = session?.user?.id;
  } catch {
    return null;
  }
  if (!uid) return null;
  return prisma.user.findUnique({ where: { id: uid }, select: { id: true, name: true, email: true, role: true } });
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
