// Round device toggle (pre-join and in-room): a fixed label, on/off via aria-pressed
// (pressed = the device is on / the screen is being shared).
import type { ReactNode } from "react";
import { focusRing } from "./styles";

export function ToggleButton({
  testId,
  label,
  pressed,
  busy,
  onClick,
  icon,
  offDanger,
  hint,
}: {
  testId: string;
  label: string;
  pressed: boolean;
  busy?: boolean;
  onClick: () => void;
  icon: ReactNode;
  /** Off state is highlighted in red (muted mic / camera). */
  offDanger?: boolean;
  hint: string;
}) {
  const tone = pressed
    ? offDanger
      ? "bg-slate-700 hover:bg-slate-600"
      : "bg-sky-600 hover:bg-sky-500"
    : offDanger
      ? "bg-red-600 hover:bg-red-500"
      : "bg-slate-700 hover:bg-slate-600";
  return (
    <button
      type="button"
      data-testid={testId}
      aria-label={label}
      aria-pressed={pressed}
      aria-busy={busy || undefined}
      title={hint}
      onClick={onClick}
      className={`flex size-12 items-center justify-center rounded-full text-white transition-colors ${tone} ${focusRing} ${
        busy ? "opacity-60" : ""
      }`}
    >
      {icon}
    </button>
  );
}
