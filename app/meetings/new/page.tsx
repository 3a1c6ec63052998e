import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/session";
import { createMeetingAction } from "@/app/meetings/actions";
import { MeetingForm } from "@/components/meetings/MeetingForm";
import { Card } from "@/components/ui/Card";

export const metadata: Metadata = { title: "New meeting · Meet" };

export default async function NewMeetingPage() {
  await requireUser("/meetings/new");
  return (
    <main className="mx-auto max-w-2xl px-6 py-10">
      <h1 className="mb-6 text-2xl font-semibold">New meeting</h1>
      <Card>
        <MeetingForm
          action={createMeetingAction}
          submitLabel="Schedule meeting"
          cancelHref="/"
          defaults={{
            title: "",
            description: "",
            start: "",
            timeZone: null,
            durationMinutes: 30,
            requireSignIn: false,
            waitingRoom: false,
            joinBeforeHost: true,
            attendees: "",
            recurrence: { repeat: "none", interval: 1, weekdays: [], end: "never" },
          }}
        />
      </Card>
    </main>
  );
}
