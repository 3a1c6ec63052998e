// Shown while the call's connection is being restored. Own tile and controls stay usable;
// screen readers hear it once (role="status" is polite) and again as the attempt count grows.
import { Spinner } from "./icons";

export function ReconnectingBanner({ attempt }: { attempt: number }) {
  return (
    <div
      role="status"
      data-testid="reconnecting-banner"
      data-attempt={attempt}
      className="flex items-center justify-center gap-2 bg-amber-500/20 px-4 py-1.5 text-sm text-amber-100"
    >
      <Spinner />
      <span>
        Reconnecting…{attempt > 1 ? ` (attempt ${attempt})` : ""} Your camera and microphone stay on; the call comes back
        by itself.
      </span>
    </div>
  );
}
