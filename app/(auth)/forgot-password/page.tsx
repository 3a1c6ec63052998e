import type { Metadata } from "next";
import { requestResetAction } from "@/app/(auth)/actions";
import { ForgotPasswordForm } from "@/components/auth/ForgotPasswordForm";
import { Card } from "@/components/ui/Card";

export const metadata: Metadata = { title: "Forgot password · Meet" };

export default function ForgotPasswordPage() {
  return (
    <main className="mx-auto max-w-md px-6 py-12">
      <h1 className="mb-2 text-2xl font-semibold">Forgot your password?</h1>
      <p className="mb-6 text-sm text-slate-400">Enter the address of your account and we will mail you a link to choose a new password.</p>
      <Card>
        <ForgotPasswordForm action={requestResetAction} />
      </Card>
    </main>
  );
}
