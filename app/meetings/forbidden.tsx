import { MeetingForbidden } from "@/components/meetings/MeetingForbidden";

export default function Forbidden() {
  return <MeetingForbidden />;
}
