import Link from "next/link";

const focusRing = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-400";

export function LeftScreen({ onRejoin }: { onRejoin: () => void }) {
  return (
    <main data-testid="left-screen" className="flex min-h-dvh flex-col items-center justify-center gap-4 p-6 text-center">
      <h1 className="text-2xl font-semibold">You left the meeting</h1>
      <div className="flex gap-3">
        <button
          type="button"
          data-testid="rejoin"
          onClick={onRejoin}
          className={`rounded-lg bg-sky-600 px-4 py-2 font-medium hover:bg-sky-500 ${focusRing}`}
        >
          Rejoin
        </button>
        <Link href="/" className={`rounded-lg bg-slate-800 px-4 py-2 font-medium hover:bg-slate-700 ${focusRing}`}>
          Home
        </Link>
      </div>
    </main>
  );
}
