"use server";
import { revalidatePath } from "next/cache";
import { prisma } from "@/lib/db";
import { getCurrentUser } from "@/lib/auth/session";
import { setUserRole } from "@/lib/admin/users";

export type RoleFormState = { error?: string; ok?: boolean };

export async function setRoleAction(userId: string, _prev: RoleFormState, formData: FormData): Promise<RoleFormState> {
  const actor = await getCurrentUser();
  if (!actor || actor.role !== "ADMIN") return { error: "Admins only." };
  const role = formData.get("role");
  if (role !== "USER" && role !== "ADMIN") return { error: "Unknown role." };
  const res = await setUserRole(prisma, actor.id, userId, role);
  revalidatePath("/admin/users");
  return res.ok ? { ok: true } : { error: res.error };
}
