"use client";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/Button";
import { useHydrated } from "@/components/ui/useHydrated";

/** The invite URL in a read-only field, with a copy button and "Copied" feedback. */
export function InviteLinkBox({ url }: { url: string }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<"idle" | "copied" | "failed">("idle");
  const hydrated = useHydrated();

  useEffect(() => {
    if (status === "idle") return;
    const t = setTimeout(() => setStatus("idle"), 2500);
    return () => clearTimeout(t);
  }, [status]);

  async function copy() {
    try {
      if (!navigator.clipboard || !window.isSecureContext) throw new Error("no async clipboard");
      await navigator.clipboard.writeText(url);
      setStatus("copied");
    } catch {
      // Plain-http deployments have no async clipboard: select the text and use execCommand.
      const el = inputRef.current;
      el?.focus();
      el?.select();
      const ok = typeof document.execCommand === "function" && document.execCommand("copy");
      setStatus(ok ? "copied" : "failed");
    }
  }

  return (
    <div>
      <label htmlFor="invite-link" className="block text-sm font-medium text-slate-200">
        Invite link
      </label>
      <div className="mt-1 flex gap-2">
        <input
          ref={inputRef}
          id="invite-link"
          readOnly
          value={url}
          data-testid="invite-link"
          onFocus={(e) => e.currentTarget.select()}
          className="block w-full rounded-md border border-slate-600 bg-slate-900 px-3 py-2 font-mono text-sm text-slate-100"
        />
        <Button variant="secondary" onClick={copy} disabled={!hydrated} data-testid="copy-invite" aria-describedby="copy-status">
          {status === "copied" ? "Copied" : "Copy"}
        </Button>
      </div>
      <p id="copy-status" role="status" aria-live="polite" className="mt-1 h-5 text-xs text-slate-400">
        {status === "copied" ? "Copied to the clipboard." : status === "failed" ? "Copy failed: select the link and copy it." : ""}
      </p>
    </div>
  );
}
