"use client";
import { useState } from "react";
import { signOut } from "next-auth/react";
import { Button } from "@/components/ui/Button";
import { useHydrated } from "@/components/ui/useHydrated";

export function SignOutButton() {
  const [pending, setPending] = useState(false);
  const hydrated = useHydrated();
  return (
    <Button
      variant="ghost"
      data-testid="signout"
      pending={pending}
      disabled={!hydrated}
      onClick={async () => {
        setPending(true);
        try {
          await signOut({ redirect: false });
        } finally {
          // Full navigation so every server component re-renders signed out.
          window.location.assign("/");
        }
      }}
    >
      Sign out
    </Button>
  );
}
