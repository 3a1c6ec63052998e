// OAuth sign-in without account pre-hijacking (JWT sessions, no next-auth adapter).
//
// - A provider account already linked (Account row) signs in as its user.
// - Otherwise the provider must vouch for the address (Google: email_verified; GitHub: the
//   address is marked verified in /user/emails).
// - An existing local account with that address is joined only when its own address is
//   verified too; otherwise the sign-in is refused with a reason the sign-in page explains.
//   (Someone who registered the victim's address with a password first can't keep access.)
// - No account yet: one is created with the address verified (ADMIN_EMAILS applies).
import type { Db } from "@/lib/db";
import { applyConfiguredAdmin, createUser, isUniqueViolation, type PublicUser } from "@/lib/auth/users";

/** Error codes for /signin?error=... (components/auth/SignInForm.tsx shows the text). */
export const OAUTH_ERROR = {
  providerUnverified: "OAuthEmailUnverified",
  localUnverified: "OAuthLocalUnverified",
  noEmail: "OAuthNoEmail",
} as const;

export interface OAuthIdentity {
  provider: string;
  providerAccountId: string;
  email: string | null | undefined;
  /** The provider says the address belongs to this person. */
  emailVerified: boolean;
  name?: string | null;
  image?: string | null;
}

export type OAuthDecision = { ok: true; user: PublicUser; linked: "existing-link" | "joined" | "created" } | { ok: false; error: string };

const publicSelect = { id: true, name: true, email: true, role: true, emailVerified: true } as const;

export async function oauthSignIn(db: Db, who: OAuthIdentity, env: NodeJS.ProcessEnv = process.env): Promise<OAuthDecision> {
  const link = await db.account.findUnique({
    where: { provider_providerAccountId: { provider: who.provider, providerAccountId: who.providerAccountId } },
    select: { user: { select: publicSelect } },
  });
  if (link) return { ok: true, user: strip(await applyConfiguredAdmin(db, link.user, env)), linked: "existing-link" };

  const email = who.email?.trim().toLowerCase();
  if (!email) return { ok: false, error: OAUTH_ERROR.noEmail };
  if (!who.emailVerified) return { ok: false, error: OAUTH_ERROR.providerUnverified };

  let user = await db.user.findUnique({ where: { email }, select: publicSelect });
  let linked: "joined" | "created" = "joined";
  if (user && !user.emailVerified) return { ok: false, error: OAUTH_ERROR.localUnverified };
  if (!user) {
    try {
      const created = await createUser(db, { email, name: who.name, image: who.image, emailVerified: new Date() }, env);
      user = { ...created, emailVerified: new Date() };
      linked = "created";
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      user = await db.user.findUnique({ where: { email }, select: publicSelect });
      if (!user) throw err;
      if (!user.emailVerified) return { ok: false, error: OAUTH_ERROR.localUnverified };
    }
  }
  try {
    await db.account.create({
      data: { userId: user.id, type: "oauth", provider: who.provider, providerAccountId: who.providerAccountId },
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err; // linked by a concurrent sign-in: fine
  }
  return { ok: true, user: strip(await applyConfiguredAdmin(db, user, env)), linked };
}

function strip(u: PublicUser & { emailVerified?: Date | null }): PublicUser {
  return { id: u.id, name: u.name, email: u.email, role: u.role };
}

// ---- GitHub (github.com, or GitHub Enterprise Server via GITHUB_URL) ---------------------

export interface GitHubEndpoints {
  authorization: string;
  token: string;
  api: string;
}

/** github.com, or `${GITHUB_URL}` with its `/api/v3` API (GitHub Enterprise Server). */
export function githubEndpoints(env: NodeJS.ProcessEnv = process.env): GitHubEndpoints {
  const base = env.GITHUB_URL?.trim().replace(/\/+$/, "");
  if (!base) {
    return {
      authorization: "https://github.com/login/oauth/authorize",
      token: "https://github.com/login/oauth/access_token",
      api: "https://api.github.com",
    };
  }
  return { authorization: `${base}/login/oauth/authorize`, token: `${base}/login/oauth/access_token`, api: `${base}/api/v3` };
}

type GitHubEmail = { email: string; primary?: boolean; verified?: boolean };

async function githubGet<T>(api: string, path: string, accessToken: string): Promise<T> {
  const res = await fetch(`${api}${path}`, {
    headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/vnd.github+json", "User-Agent": "meet" },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`GitHub ${path} answered ${res.status}`);
  return (await res.json()) as T;
}

export interface GitHubUserInfo {
  id: string;
  name: string;
  email: string | null;
  emailVerified: boolean;
  image: string | null;
}

/** The GitHub profile with the primary address and whether GitHub verified it. */
export async function githubProfile(api: string, accessToken: string): Promise<GitHubUserInfo> {
  const [user, emails] = await Promise.all([
    githubGet<{ id: number; login: string; name?: string | null; email?: string | null; avatar_url?: string }>(api, "/user", accessToken),
    githubGet<GitHubEmail[]>(api, "/user/emails", accessToken).catch(() => [] as GitHubEmail[]),
  ]);
  const chosen = githubVerifiedEmail(emails, user.email);
  return {
    id: String(user.id),
    name: user.name ?? user.login,
    email: chosen.email,
    emailVerified: chosen.verified,
    image: user.avatar_url ?? null,
  };
}

/** Picks the profile's address (else the primary one) and tells whether GitHub verified it. */
export function githubVerifiedEmail(emails: GitHubEmail[], profileEmail?: string | null): { email: string | null; verified: boolean } {
  const list = Array.isArray(emails) ? emails : [];
  const pick =
    (profileEmail && list.find((e) => e.email?.toLowerCase() === profileEmail.toLowerCase())) ||
    list.find((e) => e.primary) ||
    null;
  if (pick) return { email: pick.email, verified: pick.verified === true };
  return { email: profileEmail ?? null, verified: false };
}
