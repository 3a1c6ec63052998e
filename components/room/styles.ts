// Class names shared by the room screens, so every control shows the same keyboard focus.
export const focusRing = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-400";
export const primaryButton = `rounded-lg bg-sky-600 px-4 py-2 font-medium hover:bg-sky-500 ${focusRing}`;
export const secondaryButton = `rounded-lg bg-slate-800 px-4 py-2 font-medium hover:bg-slate-700 ${focusRing}`;
