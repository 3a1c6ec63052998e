import { LocalTime } from "@/components/ui/LocalTime";

export interface AttendeeView {
  email: string;
  mailStatus: string;
  mailError: string | null;
  mailedAt: Date | null;
}

const STATUS: Record<string, { text: string; cls: string }> = {
  sent: { text: "Invitation sent", cls: "text-emerald-300" },
  failed: { text: "Mail failed", cls: "text-red-300" },
  pending: { text: "Not sent yet", cls: "text-slate-400" },
};

/** The invited addresses and whether their latest mail went out. */
export function AttendeeList({ attendees }: { attendees: AttendeeView[] }) {
  if (attendees.length === 0) {
    return <p className="text-sm text-slate-400">Nobody invited by email yet. Add addresses with <em>Edit</em>.</p>;
  }
  return (
    <ul className="divide-y divide-slate-800 rounded-md border border-slate-800 text-sm" data-testid="meeting-attendee-list">
      {attendees.map((a) => {
        const s = STATUS[a.mailStatus] ?? STATUS.pending;
        return (
          <li key={a.email} className="flex flex-wrap items-center gap-x-3 px-3 py-2" data-testid="meeting-attendee" data-email={a.email} data-status={a.mailStatus}>
            <span className="font-mono">{a.email}</span>
            <span className={`ml-auto ${s.cls}`}>
              {s.text}
              {a.mailStatus === "sent" && a.mailedAt ? <> · <LocalTime iso={a.mailedAt.toISOString()} /></> : null}
            </span>
            {a.mailStatus === "failed" && a.mailError ? <span className="w-full text-xs text-red-300/80">{a.mailError}</span> : null}
          </li>
        );
      })}
    </ul>
  );
}
