import type { Metadata } from "next";
import Link from "next/link";
import { prisma } from "@/lib/db";
import { peekEmailToken } from "@/lib/auth/email-tokens";
import { resetPasswordAction } from "@/app/(auth)/actions";
import { NewPasswordForm } from "@/components/auth/NewPasswordForm";
import { Card } from "@/components/ui/Card";
import { FormError } from "@/components/ui/FormError";

export const metadata: Metadata = { title: "Choose a new password · Meet" };
export const dynamic = "force-dynamic";

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = (await searchParams).token;
  const valid = typeof token === "string" && (await peekEmailToken(prisma, "reset", token));
  return (
    <main className="mx-auto max-w-md px-6 py-12">
      <h1 className="mb-6 text-2xl font-semibold">Choose a new password</h1>
      <Card>
        {valid ? (
          <NewPasswordForm action={resetPasswordAction.bind(null, token)} />
        ) : (
          <div className="space-y-3" data-testid="reset-invalid">
            <FormError message="This link is not valid, has expired or was already used." />
            <Link href="/forgot-password" className="text-sm text-sky-400 hover:underline">Ask for a new link</Link>
          </div>
        )}
      </Card>
    </main>
  );
}
