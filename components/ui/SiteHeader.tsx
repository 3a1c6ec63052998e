import Link from "next/link";
import { getCurrentUserWithStatus } from "@/lib/auth/session";
import { VerifyEmailNotice } from "@/components/auth/VerifyEmailNotice";
import { displayNameOf } from "@/lib/auth/users";
import { SignOutButton } from "@/components/auth/SignOutButton";
import { ButtonLink } from "@/components/ui/Button";

export async function SiteHeader() {
  const user = await getCurrentUserWithStatus();
  return (
    <header className="border-b border-slate-800 bg-slate-950/80">
      {user && !user.emailVerified ? <VerifyEmailNotice email={user.email} /> : null}
      <nav aria-label="Main" className="mx-auto flex max-w-5xl items-center gap-4 px-6 py-3">
        <Link href="/" className="text-lg font-semibold tracking-tight text-white">
          Meet
        </Link>
        {user ? (
          <>
            <Link href="/" className="text-sm text-slate-300 hover:text-white">
              Meetings
            </Link>
            {user.role === "ADMIN" ? (
              <>
                <Link href="/admin" className="text-sm text-slate-300 hover:text-white">
                  History
                </Link>
                <Link href="/admin/users" className="text-sm text-slate-300 hover:text-white">
                  Users
                </Link>
              </>
            ) : null}
            <span className="ml-auto text-sm text-slate-400" data-testid="current-user">
              {displayNameOf(user)}
            </span>
            <SignOutButton />
          </>
        ) : (
          <div className="ml-auto flex items-center gap-2">
            <ButtonLink href="/signin" variant="ghost">
              Sign in
            </ButtonLink>
            <ButtonLink href="/signup">Sign up</ButtonLink>
          </div>
        )}
      </nav>
    </header>
  );
}
