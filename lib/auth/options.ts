// next-auth v4 configuration: JWT sessions, email+password (Credentials) sign-in, and
// GitHub / Google when their env vars are set (no adapter: the signIn callback upserts the
// User by email). Authorization decisions never trust the JWT's role: server code loads
// the user from the database (lib/auth/session.ts).
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import type { Provider } from "next-auth/providers/index";
import { prisma } from "@/lib/db";
import { clientIp } from "@/lib/auth/client-ip";
import { loginKey, loginLimiter, retryAfterMinutes } from "@/lib/auth/rate-limit";
import { signInSchema } from "@/lib/auth/schemas";
import { ensureAuthSecret } from "@/lib/auth/secret";
import { applyConfiguredAdmin, verifyPassword } from "@/lib/auth/users";
import { githubEndpoints, githubProfile, oauthSignIn, type GitHubUserInfo } from "@/lib/auth/oauth-link";

// Without NEXTAUTH_URL, let next-auth derive its URLs from the request's Host /
// X-Forwarded-* headers instead of assuming http://localhost:3000.
if (!process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= "true";

/** Error codes the Credentials provider reports; the sign-in form maps them to text. */
export const SIGNIN_ERROR = {
  invalid: "InvalidCredentials",
  rateLimited: "RateLimited", // "RateLimited:<minutes>"
  badInput: "BadInput",
} as const;

function providers(): Provider[] {
  const list: Provider[] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      async authorize(credentials, req) {
        const parsed = signInSchema.safeParse(credentials ?? {});
        if (!parsed.success) throw new Error(SIGNIN_ERROR.badInput);
        const { email, password } = parsed.data;
        const limiter = loginLimiter();
        const key = loginKey(email, clientIp(req?.headers));
        const decision = await limiter.check(key);
        if (!decision.allowed) {
          throw new Error(`${SIGNIN_ERROR.rateLimited}:${retryAfterMinutes(decision.retryAfterMs)}`);
        }
        let user = await verifyPassword(prisma, email, password);
        if (!user) {
          await limiter.recordFailure(key);
          throw new Error(SIGNIN_ERROR.invalid);
        }
        await limiter.reset(key);
        // ADMIN_EMAILS counts only for a verified address (lib/auth/verification.ts).
        const verified = await prisma.user.findUnique({ where: { id: user.id }, select: { emailVerified: true } });
        user = await applyConfiguredAdmin(prisma, { ...user, emailVerified: verified?.emailVerified ?? null });
        return { id: user.id, name: user.name, email: user.email, role: user.role };
      },
    }),
  ];
  if (process.env.GITHUB_ID && process.env.GITHUB_SECRET) {
    const gh = githubEndpoints();
    list.push(
      GitHubProvider({
        clientId: process.env.GITHUB_ID,
        clientSecret: process.env.GITHUB_SECRET,
        authorization: { url: gh.authorization, params: { scope: "read:user user:email" } },
        token: gh.token,
        // Our own userinfo: the profile plus whether GitHub verified the address.
        userinfo: {
          url: `${gh.api}/user`,
          async request({ tokens }) {
            // next-auth types this as GitHub's raw profile; profile() below reads our shape.
            return (await githubProfile(gh.api, tokens.access_token!)) as never;
          },
        },
        profile(raw) {
          const p = raw as unknown as GitHubUserInfo;
          return { id: p.id, name: p.name, email: p.email, image: p.image, emailVerifiedByProvider: p.emailVerified };
        },
      }),
    );
  }
  if (process.env.GOOGLE_CLIENT_ID && process.env.GOOGLE_CLIENT_SECRET) {
    list.push(GoogleProvider({ clientId: process.env.GOOGLE_CLIENT_ID, clientSecret: process.env.GOOGLE_CLIENT_SECRET }));
  }
  return list;
}

/** Which OAuth buttons to show on the sign-in page. */
export function oauthProviders(): { id: "github" | "google"; name: string }[] {
  const out: { id: "github" | "google"; name: string }[] = [];
  if (process.env.GITHUB_ID && process.env.GITHUB_SECRET) out.push({ id: "github", name: "GitHub" });
  if (process.env.GOOGLE_CLIENT_ID && process.env.GOOGLE_CLIENT_SECRET) out.push({ id: "google", name: "Google" });
  return out;
}

export const authOptions: NextAuthOptions = {
  // A getter: resolved (and data/secret created if needed) on first use, not at import.
  get secret() {
    return ensureAuthSecret();
  },
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: "/signin", error: "/signin" },
  providers: providers(),
  callbacks: {
    async signIn({ user, account, profile }) {
      if (!account || account.provider === "credentials") return true;
      const vouched =
        account.provider === "google"
          ? (profile as { email_verified?: boolean } | undefined)?.email_verified === true
          : (user as { emailVerifiedByProvider?: boolean }).emailVerifiedByProvider === true;
      const decision = await oauthSignIn(prisma, {
        provider: account.provider,
        providerAccountId: account.providerAccountId,
        email: user.email ?? profile?.email,
        emailVerified: vouched,
        name: user.name,
        image: user.image,
      });
      if (!decision.ok) return `/signin?error=${decision.error}`;
      user.id = decision.user.id; // the same object reaches the jwt callback
      user.role = decision.user.role;
      return true;
    },
    async jwt({ token, user, account }) {
      if (user) {
        // Credentials: authorize() returned our User row; OAuth: signIn() set our user id.
        token.uid = user.id;
        token.sub = user.id;
        token.role = user.role ?? "USER";
        token.authAt = Date.now();
        void account;
      }
      return token;
    },
    async session({ session, token }) {
      if (token.uid) {
        session.user = {
          ...session.user,
          id: token.uid,
          role: token.role ?? "USER",
          authAt: token.authAt ?? 0,
        };
      }
      return session;
    },
  },
};
