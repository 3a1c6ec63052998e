"use client";
// Quality over time of one participant (recharts): packet loss (%, left axis), RTT (ms) and
// bitrate (kbps) on the right, with joins, leaves and reconnects as vertical markers.
import { CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ParticipantTimeline } from "@/lib/admin/session-timeline";

const EVENT_STYLE: Record<string, { color: string; label: string }> = {
  join: { color: "#34d399", label: "joined" },
  leave: { color: "#f87171", label: "left" },
  restart: { color: "#f59e0b", label: "server restart" },
  reconnecting: { color: "#fbbf24", label: "connection lost" },
  reconnected: { color: "#60a5fa", label: "reconnected" },
};

const time = (t: number) => new Date(t).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });

export function QualityTimelineChart({ timeline }: { timeline: ParticipantTimeline }) {
  const { points, events } = timeline;
  const ts = [...points.map((p) => p.t), ...events.map((e) => e.t)];
  const domain: [number, number] = ts.length ? [Math.min(...ts), Math.max(...ts)] : [0, 1];
  const summary = `${points.length} measurements, ${events.length} joins/leaves/reconnects`;
  return (
    <figure
      className="rounded-md border border-slate-800 p-3"
      data-testid="quality-timeline"
      data-participant={timeline.name}
      data-points={points.length}
      data-events={events.map((e) => e.kind).join(",")}
    >
      <figcaption className="mb-2 flex flex-wrap items-baseline gap-2 text-sm">
        <span className="font-medium">{timeline.name}</span>
        <span className="text-xs text-slate-400">{summary}</span>
      </figcaption>
      {points.length === 0 && events.length === 0 ? (
        <p className="text-sm text-slate-400">No quality data for this person.</p>
      ) : (
        <div className="h-56 w-full" role="img" aria-label={`Call quality of ${timeline.name} over time: ${summary}`}>
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="#1e293b" />
              <XAxis dataKey="t" type="number" domain={domain} scale="time" tickFormatter={time} stroke="#94a3b8" fontSize={11} />
              <YAxis yAxisId="loss" unit="%" stroke="#f87171" fontSize={11} width={44} allowDecimals />
              <YAxis yAxisId="ms" orientation="right" unit=" ms" stroke="#a78bfa" fontSize={11} width={56} />
              <YAxis yAxisId="kbps" orientation="right" stroke="#38bdf8" fontSize={11} width={52} />
              <Tooltip labelFormatter={(t) => time(Number(t))} contentStyle={{ background: "#0f172a", border: "1px solid #334155" }} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Line yAxisId="loss" dataKey="loss" name="loss sent (%)" stroke="#f87171" dot={false} isAnimationActive={false} connectNulls />
              <Line yAxisId="loss" dataKey="downLoss" name="loss received (%)" stroke="#fb923c" dot={false} isAnimationActive={false} connectNulls strokeDasharray="4 2" />
              <Line yAxisId="ms" dataKey="rtt" name="RTT (ms)" stroke="#a78bfa" dot={false} isAnimationActive={false} connectNulls />
              <Line yAxisId="kbps" dataKey="sendKbps" name="send (kbps)" stroke="#38bdf8" dot={false} isAnimationActive={false} connectNulls />
              <Line yAxisId="kbps" dataKey="recvKbps" name="receive (kbps)" stroke="#22d3ee" dot={false} isAnimationActive={false} connectNulls strokeDasharray="4 2" />
              {events.map((e, i) => (
                <ReferenceLine
                  key={`${e.kind}-${e.t}-${i}`}
                  yAxisId="loss"
                  x={e.t}
                  stroke={EVENT_STYLE[e.kind]?.color ?? "#e2e8f0"}
                  strokeDasharray="3 3"
                  label={{ value: EVENT_STYLE[e.kind]?.label ?? e.kind, position: "insideTop", fill: EVENT_STYLE[e.kind]?.color ?? "#e2e8f0", fontSize: 10 }}
                />
              ))}
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      )}
      <ul className="sr-only">
        {events.map((e, i) => (
          <li key={i} data-testid="timeline-event" data-kind={e.kind}>
            {EVENT_STYLE[e.kind]?.label ?? e.kind} at {time(e.t)}
          </li>
        ))}
      </ul>
    </figure>
  );
}
