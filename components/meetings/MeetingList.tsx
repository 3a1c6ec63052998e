import Link from "next/link";
import type { ListedMeeting } from "@/lib/meetings/service";
import { LocalTime } from "@/components/ui/LocalTime";

export function MeetingList({ meetings, empty, testId }: { meetings: ListedMeeting[]; empty: string; testId: string }) {
  if (meetings.length === 0) return <p className="text-sm text-slate-400">{empty}</p>;
  return (
    <ul className="divide-y divide-slate-800 rounded-lg border border-slate-800" data-testid={testId}>
      {meetings.map((m) => (
        <li key={m.id} data-testid="meeting-row" data-meeting-id={m.id}>
          <Link href={`/meetings/${m.id}`} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 hover:bg-slate-900">
            <span className="font-medium text-slate-100">{m.title}</span>
            {m.status === "cancelled" ? (
              <span className="rounded-full bg-red-900/60 px-2 py-0.5 text-xs text-red-200">Cancelled</span>
            ) : null}
            {m.recurrenceRule ? (
              <span className="rounded-full bg-sky-900/60 px-2 py-0.5 text-xs text-sky-200" data-testid="meeting-recurring">Repeats</span>
            ) : null}
            <span className="ml-auto text-sm text-slate-400" data-testid="meeting-next" data-starts-at={(m.next ?? m).startsAt.toISOString()}>
              {m.recurrenceRule && m.next ? "Next: " : null}
              <LocalTime iso={(m.next ?? m).startsAt.toISOString()} /> · {(m.next ?? m).durationMinutes} min
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
