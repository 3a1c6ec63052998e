import type { Metadata } from "next";
import { prisma } from "@/lib/db";
import { adminPageGuard } from "@/lib/admin/guard";
import { forbiddenIfSupported } from "@/lib/auth/forbidden";
import { listUsers } from "@/lib/admin/users";
import { setRoleAction } from "@/app/admin/users/actions";
import { AdminForbidden } from "@/components/admin/AdminForbidden";
import { RoleForm } from "@/components/admin/RoleForm";
import { LocalTime } from "@/components/ui/LocalTime";

export const metadata: Metadata = { title: "Users · Meet" };
export const dynamic = "force-dynamic";

export default async function AdminUsersPage() {
  const { admin } = await adminPageGuard("/admin/users");
  if (!admin) {
    forbiddenIfSupported();
    return <AdminForbidden />;
  }
  const users = await listUsers(prisma);
  return (
    <main className="mx-auto max-w-5xl space-y-6 px-6 py-10">
      <h1 className="text-2xl font-semibold">Users</h1>
      <div className="overflow-x-auto rounded-lg border border-slate-800">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Users and roles</caption>
          <thead className="bg-slate-900 text-slate-300">
            <tr>
              <th scope="col" className="px-3 py-2">Name</th>
              <th scope="col" className="px-3 py-2">Email</th>
              <th scope="col" className="px-3 py-2">Joined</th>
              <th scope="col" className="px-3 py-2 text-right">Meetings</th>
              <th scope="col" className="px-3 py-2">Role</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-800">
            {users.map((u) => (
              <tr key={u.id} data-testid="user-row" data-user-id={u.id} data-user-email={u.email} data-user-role={u.role}>
                <td className="px-3 py-2">
                  {u.name ?? "—"}
                  {u.id === admin.id ? <span className="ml-2 text-xs text-slate-400">(you)</span> : null}
                </td>
                <td className="px-3 py-2">{u.email}</td>
                <td className="px-3 py-2 whitespace-nowrap">
                  <LocalTime iso={u.createdAt.toISOString()} style="date" />
                </td>
                <td className="px-3 py-2 text-right">{u.meetingCount}</td>
                <td className="px-3 py-2">
                  <RoleForm userId={u.id} role={u.role} label={u.email} action={setRoleAction.bind(null, u.id)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </main>
  );
}
