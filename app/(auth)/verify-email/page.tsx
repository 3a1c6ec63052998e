import type { Metadata } from "next";
import Link from "next/link";
import { prisma } from "@/lib/db";
import { peekEmailToken } from "@/lib/auth/email-tokens";
import { verifyEmailAction } from "@/app/(auth)/actions";
import { VerifyEmailForm } from "@/components/auth/VerifyEmailForm";
import { Card } from "@/components/ui/Card";
import { FormError } from "@/components/ui/FormError";

export const metadata: Metadata = { title: "Confirm your address · Meet" };
export const dynamic = "force-dynamic";

export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = (await searchParams).token;
  const valid = typeof token === "string" && (await peekEmailToken(prisma, "verify", token));
  return (
    <main className="mx-auto max-w-md px-6 py-12">
      <h1 className="mb-6 text-2xl font-semibold">Confirm your address</h1>
      <Card>
        {valid ? (
          <VerifyEmailForm action={verifyEmailAction.bind(null, token)} />
        ) : (
          <div className="space-y-3" data-testid="verify-result" data-status="error">
            <FormError message="This link is not valid, has expired or was already used." />
            <p className="text-sm text-slate-400">
              Sign in and use <em>Send the link again</em> to get a new one. <Link href="/" className="text-sky-400 hover:underline">Home</Link>
            </p>
          </div>
        )}
      </Card>
    </main>
  );
}
