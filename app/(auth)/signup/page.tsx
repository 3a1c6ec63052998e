import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { safeCallbackPath } from "@/lib/auth/schemas";
import { SignUpForm } from "@/components/auth/SignUpForm";
import { Card } from "@/components/ui/Card";

export const metadata: Metadata = { title: "Sign up · Meet" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const callbackUrl = safeCallbackPath(sp.callbackUrl);
  if (await getCurrentUser()) redirect(callbackUrl);
  return (
    <main className="mx-auto max-w-md px-6 py-12">
      <h1 className="mb-6 text-2xl font-semibold">Create your account</h1>
      <Card>
        <SignUpForm callbackUrl={callbackUrl} />
      </Card>
    </main>
  );
}
