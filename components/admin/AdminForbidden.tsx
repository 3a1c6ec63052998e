import Link from "next/link";
import { MessagePage } from "@/components/ui/Card";

export function AdminForbidden() {
  return (
    <MessagePage status="403 · Forbidden" title="Admins only" testId="admin-forbidden">
      <p>You need an admin account to see this page.</p>
      <Link href="/" className="text-sky-400 hover:underline">Back to your meetings</Link>
    </MessagePage>
  );
}
