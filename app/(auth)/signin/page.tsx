import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { safeCallbackPath } from "@/lib/auth/schemas";
import { oauthProviders } from "@/lib/auth/options";
import { SignInForm } from "@/components/auth/SignInForm";
import { Card } from "@/components/ui/Card";

export const metadata: Metadata = { title: "Sign in · Meet" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const callbackUrl = safeCallbackPath(sp.callbackUrl);
  if (await getCurrentUser()) redirect(callbackUrl);
  const error = typeof sp.error === "string" ? sp.error : undefined;
  return (
    <main className="mx-auto max-w-md px-6 py-12">
      <h1 className="mb-2 text-2xl font-semibold">Sign in</h1>
      <p className="mb-6 text-sm text-slate-400" data-testid="signin-reason">
        {callbackUrl.startsWith("/j/") ? "This meeting is for signed-in participants. Sign in to join it." : "Welcome back."}
      </p>
      <Card>
        <SignInForm callbackUrl={callbackUrl} initialError={error} oauth={oauthProviders()} />
      </Card>
    </main>
  );
}
