"use client";
// Pre-join screen: preview + name + device toggles. The session warms up the connection
// in the background meanwhile, so "Join" only has to send `join`.
import Link from "next/link";
import { useEffect, useRef, useState, type FormEvent } from "react";
import type { RoomSession, RoomState } from "@/lib/client/room-session";
import { saveDisplayName } from "@/lib/client/display-name";
import { deviceStatusText, type DeviceStatus } from "@/lib/client/local-media";
import { DeviceSelects } from "./DeviceSelects";
import { MediaVideo } from "./MediaVideo";
import { Avatar } from "./Tile";
import { CameraIcon, CameraOffIcon, MicIcon, MicOffIcon, Spinner } from "./icons";

import { focusRing } from "./styles";
import { ToggleButton } from "./ToggleButton";

const FAILED: DeviceStatus[] = ["denied", "missing", "busy", "error", "unsupported"];

export function PreJoin({ session, state, title }: { session: RoomSession; state: RoomState; title?: string }) {
  const [nameError, setNameError] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const typed = useRef(false);
  const { local, error, warmup } = state;
  const name = state.displayName;
  const joining = state.phase === "joining";
  const camFailed = FAILED.includes(local.cameraStatus);
  const micFailed = FAILED.includes(local.micStatus);
  const blocked = error?.kind === "invalid-link" || error?.kind === "sign-in" || error?.kind === "unsupported";

  // A signed-in name filled in while the (auto-focused) field waits for typing: select it,
  // so the first key press replaces it instead of appending to it.
  useEffect(() => {
    const el = inputRef.current;
    if (!typed.current && name && el && document.activeElement === el) el.select();
  }, [name]);

  const join = (opts: { camera?: boolean; mic?: boolean } = {}) => {
    const n = name.trim();
    if (!n) {
      setNameError(true);
      inputRef.current?.focus();
      return;
    }
    saveDisplayName(n);
    void session.join(n, opts);
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    join();
  };

  const showVideo = local.cameraOn && !!local.cameraStream;
  const mediaNotice = [
    camFailed ? deviceStatusText("camera", local.cameraStatus) : null,
    micFailed ? deviceStatusText("mic", local.micStatus) : null,
  ].filter(Boolean);

  return (
    <main className="mx-auto flex min-h-dvh max-w-5xl flex-col items-center justify-center gap-8 p-4 md:flex-row md:items-start md:pt-[12vh]">
      <section aria-label="Camera preview" className="w-full max-w-xl">
        <div className="relative aspect-video w-full overflow-hidden rounded-2xl bg-slate-900 ring-1 ring-white/10">
          <MediaVideo data-testid="local-video" stream={local.cameraStream} mirrored hidden={!showVideo} />
          {!showVideo && <Avatar name={name || "?"} />}
          {!showVideo && (
            <p className="absolute inset-x-0 bottom-3 text-center text-sm text-slate-300">
              {local.cameraStatus === "pending"
                ? "Starting camera…"
                : camFailed
                  ? "Camera unavailable"
                  : "Camera is off"}
            </p>
          )}
        </div>
        <div className="mt-3 flex justify-center gap-3">
          <ToggleButton
            testId="prejoin-toggle-mic"
            label="Microphone"
            hint={local.micOn ? "Mute microphone" : "Unmute microphone"}
            pressed={local.micOn}
            onClick={() => void session.toggleMic()}
            icon={local.micOn ? <MicIcon /> : <MicOffIcon />}
            offDanger
          />
          <ToggleButton
            testId="prejoin-toggle-camera"
            label="Camera"
            hint={local.cameraOn ? "Turn camera off" : "Turn camera on"}
            pressed={local.cameraOn}
            onClick={() => void session.toggleCamera()}
            icon={local.cameraOn ? <CameraIcon /> : <CameraOffIcon />}
            offDanger
          />
        </div>
        <div className="mt-4 rounded-xl bg-slate-900/60 p-3 ring-1 ring-white/10">
          <DeviceSelects session={session} state={state} prefix="prejoin" />
        </div>
      </section>

      <section aria-labelledby="prejoin-title" className="w-full max-w-sm">
        <h1 id="prejoin-title" className="text-2xl font-semibold">
          Ready to join?
        </h1>
        <p className="mt-1 text-sm text-slate-400">
          {title ? (
            <span className="text-slate-200">{title}</span>
          ) : (
            <>
              Meeting <span className="font-mono text-slate-200">{state.roomId}</span>
            </>
          )}
        </p>

        <form onSubmit={onSubmit} className="mt-6 flex flex-col gap-3" noValidate>
          <label htmlFor="prejoin-name" className="text-sm font-medium">
            Your name
          </label>
          <input
            id="prejoin-name"
            ref={inputRef}
            data-testid="prejoin-name"
            value={name}
            maxLength={64}
            autoComplete="name"
            autoFocus={!name}
            aria-invalid={nameError || undefined}
            aria-describedby={nameError ? "prejoin-name-error" : undefined}
            onChange={(e) => {
              typed.current = true;
              session.setDisplayName(e.target.value);
              if (nameError) setNameError(false);
            }}
            className={`rounded-lg border bg-slate-900 px-3 py-2 text-base ${
              nameError ? "border-red-500" : "border-white/15"
            } ${focusRing}`}
            placeholder="e.g. Alex"
          />
          {nameError && (
            <p id="prejoin-name-error" className="text-sm text-red-400">
              Enter your name to join.
            </p>
          )}

          <button
            type="submit"
            data-testid="prejoin-join"
            disabled={joining || blocked}
            aria-busy={joining || undefined}
            className={`mt-2 flex h-11 items-center justify-center gap-2 rounded-lg bg-sky-600 font-medium text-white hover:bg-sky-500 disabled:cursor-not-allowed disabled:opacity-60 ${focusRing}`}
          >
            {joining && <Spinner />}
            {joining ? "Joining…" : "Join meeting"}
          </button>

          <p className="flex items-center gap-2 text-xs text-slate-400" aria-live="polite">
            {warmup === "connecting" && (
              <>
                <Spinner className="size-3" /> Connecting to the meeting server…
              </>
            )}
            {warmup === "needs-name" && <>Enter your name to connect.</>}
            {warmup === "ready" && (
              <>
                <span aria-hidden="true" className="size-2 rounded-full bg-emerald-400" /> Connected
              </>
            )}
          </p>
        </form>

        {error && (
          <div
            role="alert"
            data-testid="prejoin-error"
            data-error-kind={error.kind}
            className="mt-4 rounded-lg border border-red-500/40 bg-red-500/10 p-3 text-sm text-red-200"
          >
            <p>{error.message}</p>
            {error.kind === "unreachable" && (
              <button
                type="button"
                data-testid="prejoin-retry"
                onClick={() => session.retry()}
                className={`mt-2 rounded-md bg-red-500/30 px-3 py-1 font-medium hover:bg-red-500/40 ${focusRing}`}
              >
                Retry
              </button>
            )}
            {error.kind === "sign-in" && (
              <Link
                href={`/signin?callbackUrl=${encodeURIComponent(location.pathname + location.search)}`}
                className={`mt-2 inline-block underline ${focusRing}`}
              >
                Sign in
              </Link>
            )}
            {error.kind === "invalid-link" && (
              <Link href="/" className={`mt-2 inline-block underline ${focusRing}`}>
                Go to the home page
              </Link>
            )}
          </div>
        )}

        {mediaNotice.length > 0 && (
          <div
            data-testid="prejoin-media-notice"
            className="mt-4 rounded-lg border border-amber-500/40 bg-amber-500/10 p-3 text-sm text-amber-100"
          >
            {mediaNotice.map((t) => (
              <p key={t}>{t}</p>
            ))}
            {camFailed && !micFailed && (
              <button
                type="button"
                data-testid="prejoin-join-audio-only"
                disabled={joining || blocked}
                onClick={() => join({ camera: false })}
                className={`mt-2 rounded-md bg-amber-500/30 px-3 py-1 font-medium hover:bg-amber-500/40 disabled:opacity-60 ${focusRing}`}
              >
                Join audio-only
              </button>
            )}
            {camFailed && micFailed && (
              <button
                type="button"
                data-testid="prejoin-join-view-only"
                disabled={joining || blocked}
                onClick={() => join({ camera: false, mic: false })}
                className={`mt-2 rounded-md bg-amber-500/30 px-3 py-1 font-medium hover:bg-amber-500/40 disabled:opacity-60 ${focusRing}`}
              >
                Join without camera or mic (view only)
              </button>
            )}
          </div>
        )}
      </section>
    </main>
  );
}
