import type { ReactNode } from "react";

export function Card({ children, className = "" }: { children: ReactNode; className?: string }) {
  return <section className={`rounded-lg border border-slate-800 bg-slate-900/60 p-6 ${className}`}>{children}</section>;
}

/** A centred message page (403, invalid link, cancelled meeting...). */
export function MessagePage({
  title,
  children,
  testId,
  status,
}: {
  title: string;
  children?: ReactNode;
  testId?: string;
  /** Shown small above the title, e.g. "403". */
  status?: string;
}) {
  return (
    <main className="mx-auto flex max-w-xl flex-col items-center px-6 py-20 text-center" data-testid={testId}>
      {status ? <p className="text-sm font-semibold tracking-wider text-slate-500">{status}</p> : null}
      <h1 className="mt-2 text-2xl font-semibold">{title}</h1>
      <div className="mt-4 space-y-4 text-slate-300">{children}</div>
    </main>
  );
}
