"use client";
import { useActionState } from "react";
import type { RoleFormState } from "@/app/admin/users/actions";
import { Button } from "@/components/ui/Button";
import { controlClass } from "@/components/ui/Field";

export function RoleForm({
  userId,
  role,
  label,
  action,
}: {
  userId: string;
  role: "USER" | "ADMIN";
  label: string;
  action: (prev: RoleFormState, formData: FormData) => Promise<RoleFormState>;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <label htmlFor={`role-${userId}`} className="sr-only">
        Role for {label}
      </label>
      <select
        id={`role-${userId}`}
        name="role"
        defaultValue={role}
        key={role}
        className={`${controlClass} w-auto`}
        data-testid="user-role"
      >
        <option value="USER">User</option>
        <option value="ADMIN">Admin</option>
      </select>
      <Button type="submit" variant="secondary" pending={pending} data-testid="user-role-save">
        Save
      </Button>
      {state.error ? (
        <p role="alert" data-testid="form-error" className="w-full text-sm text-red-400">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
