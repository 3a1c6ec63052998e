import Link from "next/link";
import { MessagePage } from "@/components/ui/Card";

export function MeetingForbidden() {
  return (
    <MessagePage status="403 · Forbidden" title="Only the host can see this page" testId="meeting-forbidden">
      <p>Ask the host for the invite link to join this meeting.</p>
      <Link href="/" className="text-sky-400 hover:underline">Back to your meetings</Link>
    </MessagePage>
  );
}
