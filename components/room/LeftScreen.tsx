import Link from "next/link";

import { primaryButton, secondaryButton } from "./styles";

export function LeftScreen({ onRejoin }: { onRejoin: () => void }) {
  return (
    <main data-testid="left-screen" className="flex min-h-dvh flex-col items-center justify-center gap-4 p-6 text-center">
      <h1 className="text-2xl font-semibold">You left the meeting</h1>
      <div className="flex gap-3">
        <button
          type="button"
          data-testid="rejoin"
          onClick={onRejoin}
          className={primaryButton}
        >
          Rejoin
        </button>
        <Link href="/" className={secondaryButton}>
          Home
        </Link>
      </div>
    </main>
  );
}
