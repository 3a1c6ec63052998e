import { AdminForbidden } from "@/components/admin/AdminForbidden";

export default function Forbidden() {
  return <AdminForbidden />;
}
