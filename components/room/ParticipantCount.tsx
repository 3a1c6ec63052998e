import { PeopleIcon } from "./icons";

/** Number of people in the room, including me. */
export function ParticipantCount({ count }: { count: number }) {
  const label = `${count} ${count === 1 ? "participant" : "participants"}`;
  return (
    <span className="inline-flex items-center gap-1.5 rounded-full bg-slate-800 px-3 py-1 text-sm" title={label}>
      <PeopleIcon />
      <span className="sr-only">Participants: </span>
      <span data-testid="participant-count">{count}</span>
    </span>
  );
}
