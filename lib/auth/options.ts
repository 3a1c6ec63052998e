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
import { isConfiguredAdmin, upsertOAuthUser, verifyPassword } from "@/lib/auth/users";

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
        if (user.role !== "ADMIN" && isConfiguredAdmin(user.email)) {
          user = await prisma.user.update({
            where: { id: user.id },
            data: { role: "ADMIN" },
            select: { id: true, name: true, email: true, role: true },
          });
        }
        return { id: user.id, name: user.name, email: user.email, role: user.role };
      },
    }),
  ];
  if (process.env.GITHUB_ID && process.env.GITHUB_SECRET) {
    list.push(GitHubProvider({ clientId: process.env.GITHUB_ID, clientSecret: process.env.GITHUB_SECRET }));
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
      const email = user.email ?? profile?.email;
      if (!email) return false;
      // Google tells whether the address is verified; refuse unverified ones.
      if (account.provider === "google" && (profile as { email_verified?: boolean } | undefined)?.email_verified === false) {
        return false;
      }
      const dbUser = await upsertOAuthUser(prisma, { email, name: user.name, image: user.image });
      user.id = dbUser.id;
      user.role = dbUser.role;
      return true;
    },
    async jwt({ token, user, account }) {
      if (user && account && account.provider !== "credentials" && user.email) {
        // OAuth: map to our User row by email (the signIn callback created it).
        const dbUser = await prisma.user.findUnique({
          where: { email: user.email.trim().toLowerCase() },
          select: { id: true, role: true },
        });
        if (dbUser) {
          token.uid = dbUser.id;
          token.role = dbUser.role;
          token.sub = dbUser.id;
        }
      } else if (user) {
        // Credentials sign-in: authorize() returned our User row.
        token.uid = user.id;
        token.role = user.role ?? "USER";
      }
      return token;
    },
    async session({ session, token }) {
      if (token.uid) {
        session.user = {
          ...session.user,
          id: token.uid,
          role: token.role ?? "USER",
        };
      }
      return session;
    },
  },
};
