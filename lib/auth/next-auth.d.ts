// Module augmentation: what our sessions and JWTs carry.
import type { DefaultSession } from "next-auth";

declare module "next-auth" {
  interface Session {
    user: {
      id: string;
      role: "USER" | "ADMIN";
      /** When this sign-in happened (ms); sessions older than User.sessionsValidFrom are void. */
      authAt: number;
    } & NonNullable<DefaultSession["user"]>;
  }
  interface User {
    role?: "USER" | "ADMIN";
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    /** Our User.id (the OAuth provider's id is never used). */
    uid?: string;
    role?: "USER" | "ADMIN";
    authAt?: number;
  }
}
