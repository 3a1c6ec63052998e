import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

export const controlClass =
  "block w-full rounded-md border border-slate-600 bg-slate-900 px-3 py-2 text-sm text-slate-100 " +
  "placeholder:text-slate-500 focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-500/40 " +
  "aria-[invalid=true]:border-red-500";

interface FieldShellProps {
  id: string;
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  children: ReactNode;
}

/** Label + control + hint + error, wired with aria-describedby by the callers below. */
function FieldShell({ id, label, error, hint, children }: FieldShellProps) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-200">
        {label}
      </label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-400">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-sm text-red-400" data-testid="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function describedBy(id: string, error?: string, hint?: ReactNode): string | undefined {
  const ids = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return ids || undefined;
}

/** What every labelled control shares: its id, label, optional hint and error message. */
interface LabelledProps {
  id: string;
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
}

/** The shared look plus the aria wiring that ties the control to its hint and error. */
function controlProps(id: string, className: string, error?: string, hint?: ReactNode) {
  return {
    id,
    className: `${controlClass} ${className}`,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy(id, error, hint),
  };
}

export type InputProps = InputHTMLAttributes<HTMLInputElement> & LabelledProps;

export function Input({ id, label, error, hint, className = "", ...rest }: InputProps) {
  return (
    <FieldShell id={id} label={label} error={error} hint={hint}>
      <input {...controlProps(id, className, error, hint)} {...rest} />
    </FieldShell>
  );
}

export type TextareaProps = TextareaHTMLAttributes<HTMLTextAreaElement> & LabelledProps;

export function Textarea({ id, label, error, hint, className = "", ...rest }: TextareaProps) {
  return (
    <FieldShell id={id} label={label} error={error} hint={hint}>
      <textarea {...controlProps(id, className, error, hint)} {...rest} />
    </FieldShell>
  );
}

export type SelectProps = SelectHTMLAttributes<HTMLSelectElement> & LabelledProps;

export function Select({ id, label, error, hint, className = "", children, ...rest }: SelectProps) {
  return (
    <FieldShell id={id} label={label} error={error} hint={hint}>
      <select {...controlProps(id, className, error, hint)} {...rest}>
        {children}
      </select>
    </FieldShell>
  );
}

export interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "type"> {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
}

export function Checkbox({ id, label, hint, ...rest }: CheckboxProps) {
  return (
    <div className="flex items-start gap-3">
      <input
        id={id}
        type="checkbox"
        className="mt-0.5 h-4 w-4 rounded border-slate-600 bg-slate-900 accent-sky-600"
        aria-describedby={hint ? `${id}-hint` : undefined}
        {...rest}
      />
      <div>
        <label htmlFor={id} className="text-sm font-medium text-slate-200">
          {label}
        </label>
        {hint ? (
          <p id={`${id}-hint`} className="text-xs text-slate-400">
            {hint}
          </p>
        ) : null}
      </div>
    </div>
  );
}
