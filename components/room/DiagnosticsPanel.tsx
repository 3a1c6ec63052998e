"use client";
// "What is my connection doing?": this join's set-up timings and the live figures of every
// stream I send and receive, refreshed every second while the panel is open, copyable as
// JSON for a support request.
import { useEffect, useState } from "react";
import type { DiagnosticsReport, StreamFigures } from "@/lib/client/diagnostics";
import type { RoomSession } from "@/lib/client/room-session";
import { SidePanel } from "./SidePanel";
import { secondaryButton } from "./styles";

export const DIAGNOSTICS_PANEL_ID = "room-diagnostics-panel";
const REFRESH_MS = 1000;

/** Readable names of the set-up marks (unknown ones are shown as they are). */
const MARK_LABELS: Record<string, string> = {
  socketOpen: "Signaling socket open",
  joinToken: "Join token received",
  routerCapabilities: "Router capabilities (first request)",
  deviceLoaded: "Media device ready",
  "recv:iceGathering:complete": "ICE gathering done (receive)",
  "send:iceGathering:complete": "ICE gathering done (send)",
  "recv:ice:checking": "ICE connectivity checks started (receive)",
  "recv:ice:connected": "ICE connected (receive)",
  "send:ice:checking": "ICE connectivity checks started (send)",
  "send:ice:connected": "ICE connected (send)",
  "recv:dtls:connected": "DTLS handshake done (receive)",
  "send:dtls:connected": "DTLS handshake done (send)",
  "recv:connected": "Receive transport connected",
  "send:connected": "Send transport connected",
  preconnected: "Receive path pre-connected",
  joinClick: "Join clicked",
  joinSent: "Join sent",
  joinReply: "Join answered",
  publish: "Publishing started",
  "consumed:video": "First remote video set up",
  "consumed:audio": "First remote audio set up",
  "firstMedia:video": "First remote video frame",
  "firstMedia:audio": "First remote audio",
};

function fmt(v: number | string | null | undefined, unit = ""): string {
  return v === null || v === undefined ? "—" : `${v}${unit}`;
}

function StreamTable({ rows, caption, testId, receiving }: { rows: StreamFigures[]; caption: string; testId: string; receiving?: boolean }) {
  if (!rows.length) return <p className="text-xs text-slate-400">Nothing {receiving ? "received" : "sent"} right now.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-xs">
        <caption className="sr-only">{caption}</caption>
        <thead className="text-slate-400">
          <tr>
            <th scope="col" className="py-1 pr-2 font-medium">Stream</th>
            <th scope="col" className="py-1 pr-2 font-medium">Codec</th>
            <th scope="col" className="py-1 pr-2 font-medium">Size / fps</th>
            <th scope="col" className="py-1 pr-2 text-right font-medium">kbps</th>
            <th scope="col" className="py-1 pr-2 text-right font-medium">Loss</th>
            <th scope="col" className="py-1 pr-2 text-right font-medium">Jitter</th>
            <th scope="col" className="py-1 text-right font-medium">RTT</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-white/5 font-mono">
          {rows.map((r, i) => (
            <tr key={i} data-testid={testId} data-source={r.source} data-kind={r.kind} data-codec={r.codec ?? ""} data-layer={r.layer ?? ""}>
              <td className="py-1 pr-2 font-sans">
                {receiving ? `${r.peerName ?? "?"} · ` : ""}
                {r.source}
                {r.layer ? ` (${r.layer})` : ""}
                {r.limitedBy ? <span className="block text-amber-300">limited: {r.limitedBy}</span> : null}
              </td>
              <td className="py-1 pr-2">{fmt(r.codec)}</td>
              <td className="py-1 pr-2 whitespace-nowrap">
                {r.kind === "video" ? `${fmt(r.width)}×${fmt(r.height)} @${fmt(r.fps)}` : "—"}
              </td>
              <td className="py-1 pr-2 text-right">{fmt(r.bitrateKbps)}</td>
              <td className="py-1 pr-2 text-right">{fmt(r.lossPercent, "%")}</td>
              <td className="py-1 pr-2 text-right">{fmt(r.jitterMs, " ms")}</td>
              <td className="py-1 text-right">{fmt(r.rttMs, " ms")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function DiagnosticsPanel({ session, onClose }: { session: RoomSession; onClose: () => void }) {
  const [report, setReport] = useState<DiagnosticsReport | null>(null);
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");

  useEffect(() => {
    let alive = true;
    const load = () =>
      session
        .diagnostics()
        .then((r) => alive && setReport(r))
        .catch((err) => console.warn("[room] diagnostics failed", err));
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [session]);

  const copy = async () => {
    try {
      const fresh = await session.diagnostics();
      await navigator.clipboard.writeText(JSON.stringify(fresh, null, 2));
      setCopied("copied");
    } catch {
      setCopied("failed");
    }
  };

  const marks = report
    ? Object.entries(report.setup.sinceWarmup)
        .sort((a, b) => a[1] - b[1])
        .map(([name, ms]) => ({ name, ms, sinceJoin: report.setup.sinceJoin[name] }))
    : [];

  return (
    <SidePanel id={DIAGNOSTICS_PANEL_ID} testId="diagnostics-panel" title="Connection diagnostics" onClose={onClose} wide>
      <div className="space-y-5 p-4 text-sm">
        <div className="flex items-center gap-3">
          <button type="button" data-testid="diagnostics-copy" onClick={() => void copy()} className={`${secondaryButton} text-sm`}>
            Copy as JSON
          </button>
          <span role="status" className="text-xs text-slate-400">
            {copied === "copied" ? "Copied to the clipboard." : copied === "failed" ? "Copying failed: the browser refused the clipboard." : ""}
          </span>
        </div>

        <section aria-labelledby="diag-setup">
          <h3 id="diag-setup" className="mb-1 font-medium">This join&apos;s set-up</h3>
          <p className="mb-2 text-xs text-slate-400">Milliseconds since the page started connecting (and since you clicked Join).</p>
          {marks.length === 0 ? (
            <p className="text-xs text-slate-400">{report ? "No set-up timings recorded." : "Loading…"}</p>
          ) : (
            <table className="w-full text-left text-xs" data-testid="diagnostics-setup">
              <caption className="sr-only">Set-up timings</caption>
              <thead className="text-slate-400">
                <tr>
                  <th scope="col" className="py-1 font-medium">Step</th>
                  <th scope="col" className="py-1 text-right font-medium">ms</th>
                  <th scope="col" className="py-1 text-right font-medium">after Join</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-white/5">
                {marks.map((m) => (
                  <tr key={m.name} data-testid="diagnostics-setup-row" data-name={m.name} data-ms={m.ms}>
                    <td className="py-1" title={m.name}>{MARK_LABELS[m.name] ?? m.name}</td>
                    <td className="py-1 text-right font-mono">{m.ms}</td>
                    <td className="py-1 text-right font-mono">{fmt(m.sinceJoin)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        {report && Object.keys(report.setup.signaling).length > 0 && (
          <section aria-labelledby="diag-signaling">
            <h3 id="diag-signaling" className="mb-2 font-medium">Signaling round trips</h3>
            <table className="w-full text-left text-xs" data-testid="diagnostics-signaling">
              <caption className="sr-only">Signaling round trips by request</caption>
              <thead className="text-slate-400">
                <tr>
                  <th scope="col" className="py-1 font-medium">Request</th>
                  <th scope="col" className="py-1 text-right font-medium">count</th>
                  <th scope="col" className="py-1 text-right font-medium">first</th>
                  <th scope="col" className="py-1 text-right font-medium">mean</th>
                  <th scope="col" className="py-1 text-right font-medium">max</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-white/5 font-mono">
                {Object.entries(report.setup.signaling).map(([method, r]) => (
                  <tr key={method}>
                    <td className="py-1 font-sans">{method}</td>
                    <td className="py-1 text-right">{r.count}</td>
                    <td className="py-1 text-right">{r.firstMs}</td>
                    <td className="py-1 text-right">{r.meanMs}</td>
                    <td className="py-1 text-right">{r.maxMs}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}

        {report && report.transports.length > 0 && (
          <section aria-labelledby="diag-transports">
            <h3 id="diag-transports" className="mb-2 font-medium">Network paths</h3>
            <ul className="space-y-2 text-xs">
              {report.transports.map((t) => (
                <li key={t.direction} data-testid="diagnostics-transport" data-direction={t.direction} className="rounded-md bg-slate-900 p-2">
                  <p className="font-medium">{t.direction === "send" ? "Sending" : "Receiving"}</p>
                  <p className="font-mono text-slate-300">{t.path ?? "no selected path yet"}</p>
                  <p className="text-slate-400">
                    ICE {fmt(t.iceState)} · checks {fmt(t.checksAnswered)}/{fmt(t.checksSent)} · RTT {fmt(t.rttMs, " ms")} · DTLS {fmt(t.dtlsState)}
                    {t.tlsVersion ? ` ${t.tlsVersion}` : ""}
                    {t.srtpCipher ? ` · ${t.srtpCipher}` : ""}
                    {t.availableOutgoingKbps !== null ? ` · up to ${t.availableOutgoingKbps} kbps` : ""}
                  </p>
                </li>
              ))}
            </ul>
          </section>
        )}

        <section aria-labelledby="diag-send">
          <h3 id="diag-send" className="mb-2 font-medium">What I send</h3>
          {report ? <StreamTable rows={report.sending} caption="Streams I send" testId="diagnostics-send-row" /> : null}
        </section>
        <section aria-labelledby="diag-recv">
          <h3 id="diag-recv" className="mb-2 font-medium">What I receive</h3>
          {report ? <StreamTable rows={report.receiving} caption="Streams I receive" testId="diagnostics-recv-row" receiving /> : null}
        </section>
        <p className="text-xs text-slate-500">
          Loss, jitter and RTT of what I send are what the server reports back (RTCP); bitrates are measured over the last second.
        </p>
      </div>
    </SidePanel>
  );
}
