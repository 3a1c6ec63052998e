import { prisma } from "@/lib/db";
import { getCurrentUser } from "@/lib/auth/session";
import { displayNameOf } from "@/lib/auth/users";
import { listMeetingsForHost } from "@/lib/meetings/service";
import { MeetingList } from "@/components/meetings/MeetingList";
import { ButtonLink } from "@/components/ui/Button";
import { SiteHeader } from "@/components/ui/SiteHeader";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const user = await getCurrentUser();
  return (
    <>
      <SiteHeader />
      {user ? <Dashboard userId={user.id} name={displayNameOf(user)} /> : <Landing />}
    </>
  );
}

function Landing() {
  return (
    <main className="mx-auto max-w-3xl px-6 py-20">
      <h1 className="text-4xl font-semibold tracking-tight">Video meetings on your own server</h1>
      <p className="mt-4 max-w-2xl text-lg text-slate-300">
        Schedule a meeting, send the invite link, and talk face to face: audio, video and screen sharing for groups,
        routed through your own SFU. Guests join with just a name; no app to install.
      </p>
      <div className="mt-8 flex gap-3">
        <ButtonLink href="/signup">Sign up</ButtonLink>
        <ButtonLink href="/signin" variant="secondary">
          Sign in
        </ButtonLink>
      </div>
      <ul className="mt-12 grid gap-4 text-sm text-slate-300 sm:grid-cols-3">
        <li className="rounded-lg border border-slate-800 p-4">Scheduled meetings with calendar (.ics) invites.</li>
        <li className="rounded-lg border border-slate-800 p-4">Invite links you can revoke at any time.</li>
        <li className="rounded-lg border border-slate-800 p-4">Meeting history and call quality for admins.</li>
      </ul>
    </main>
  );
}

async function Dashboard({ userId, name }: { userId: string; name: string }) {
  const { upcoming, past } = await listMeetingsForHost(prisma, userId);
  return (
    <main className="mx-auto max-w-3xl space-y-10 px-6 py-10">
      <div className="flex items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold">Hello, {name}</h1>
        <ButtonLink href="/meetings/new" data-testid="new-meeting">
          New meeting
        </ButtonLink>
      </div>
      <section aria-labelledby="upcoming-heading" className="space-y-3">
        <h2 id="upcoming-heading" className="text-lg font-semibold">Upcoming</h2>
        <MeetingList meetings={upcoming} empty="No upcoming meetings." testId="upcoming-meetings" />
      </section>
      <section aria-labelledby="past-heading" className="space-y-3">
        <h2 id="past-heading" className="text-lg font-semibold">Past and cancelled</h2>
        <MeetingList meetings={past} empty="No past meetings yet." testId="past-meetings" />
      </section>
    </main>
  );
}
