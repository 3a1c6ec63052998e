import { getCurrentUser, requireUser, type CurrentUser } from "@/lib/auth/session";

/** Signed out -> redirect to sign-in; signed in but not ADMIN -> {admin: null}. */
export async function adminPageGuard(returnTo: string): Promise<{ admin: CurrentUser | null }> {
  const user = await requireUser(returnTo);
  return { admin: user.role === "ADMIN" ? user : null };
}

/** For /api/admin/* routes: the admin, or a 403 response (also when signed out). */
export async function adminApiGuard(): Promise<{ admin: CurrentUser; response?: undefined } | { admin?: undefined; response: Response }> {
  const user = await getCurrentUser();
  if (!user || user.role !== "ADMIN") {
    return { response: Response.json({ error: "admin access required" }, { status: 403 }) };
  }
  return { admin: user };
}
