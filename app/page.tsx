import Link from "next/link";

export default function HomePage() {
  return (
    <main className="mx-auto max-w-2xl p-8">
      <h1 className="text-3xl font-semibold">Meet</h1>
      <p className="mt-4 text-slate-300">Self-hosted video meetings.</p>
      <Link className="mt-6 inline-block rounded bg-sky-600 px-4 py-2" href={`/room/demo`}>
        Open room “demo”
      </Link>
    </main>
  );
}
