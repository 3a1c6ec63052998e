// Operations endpoints of the custom server, for load balancers and Prometheus:
//   GET /healthz  200 while the process serves requests (liveness)
//   GET /readyz   200 when this node should get traffic: state "ready" (not starting or
//                 draining), media workers up, database reachable, Redis reachable (when
//                 configured); 503 otherwise. Check details only for loopback / token holders.
//   GET /metrics  Prometheus text (prom-client); loopback, or `Authorization: Bearer METRICS_TOKEN`.
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isLoopback } from "../app";
import type { MeetMetrics } from "../metrics";

export const HEALTHZ_PATH = "/healthz";
export const READYZ_PATH = "/readyz";
export const METRICS_PATH = "/metrics";

export type NodeLifecycle = "starting" | "ready" | "draining";

/** One readiness check: resolves when fine, throws (message shown to operators) when not. */
export type ReadinessCheck = () => Promise<void>;

export type OpsOptions = {
  nodeId: string;
  lifecycle: () => NodeLifecycle;
  checks: Record<string, ReadinessCheck>;
  metrics: MeetMetrics;
  /** METRICS_TOKEN: lets non-loopback clients read /metrics and the readiness details. */
  metricsToken?: string;
  /** A check slower than this fails (default 2 s). */
  checkTimeoutMs?: number;
};

function bearerMatches(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header?.startsWith("Bearer ")) return false;
  const a = Buffer.from(header.slice(7).trim());
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function withTimeout(p: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<void>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export type ReadinessReport = {
  ready: boolean;
  node: string;
  state: NodeLifecycle;
  checks: Record<string, { ok: boolean; error?: string }>;
};

export function createOpsHandler(options: OpsOptions): {
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  readiness(): Promise<ReadinessReport>;
} {
  const timeoutMs = options.checkTimeoutMs ?? 2000;
  // Probes from several load balancers at once share one round of checks.
  let inflight: Promise<ReadinessReport> | null = null;

  const readiness = (): Promise<ReadinessReport> =>
    (inflight ??= (async () => {
      const state = options.lifecycle();
      const checks: ReadinessReport["checks"] = {};
      await Promise.all(
        Object.entries(options.checks).map(async ([name, check]) => {
          try {
            await withTimeout(check(), timeoutMs, name);
            checks[name] = { ok: true };
          } catch (err) {
            checks[name] = { ok: false, error: ((err as Error)?.message ?? String(err)).slice(0, 200) };
          }
        }),
      );
      const ready = state === "ready" && Object.values(checks).every((c) => c.ok);
      return { ready, node: options.nodeId, state, checks };
    })().finally(() => {
      inflight = null;
    }));

  const send = (res: ServerResponse, status: number, body: string, type = "application/json", head = false) => {
    res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
    res.end(head ? undefined : body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== HEALTHZ_PATH && path !== READYZ_PATH && path !== METRICS_PATH) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "application/json" });
      res.end(JSON.stringify({ error: "method not allowed" }));
      return true;
    }
    const head = req.method === "HEAD";
    const trusted = isLoopback(req.socket.remoteAddress) || bearerMatches(req.headers.authorization, options.metricsToken);

    if (path === HEALTHZ_PATH) {
      send(res, 200, JSON.stringify({ status: "ok", node: options.nodeId }), "application/json", head);
      return true;
    }
    if (path === READYZ_PATH) {
      readiness().then(
        (r) => {
          const body = trusted
            ? r
            : { ready: r.ready, node: r.node, state: r.state, checks: Object.fromEntries(Object.entries(r.checks).map(([k, v]) => [k, { ok: v.ok }])) };
          send(res, r.ready ? 200 : 503, JSON.stringify(body), "application/json", head);
        },
        () => send(res, 503, JSON.stringify({ ready: false }), "application/json", head),
      );
      return true;
    }
    if (!trusted) {
      const status = options.metricsToken ? 401 : 403;
      res.writeHead(status, {
        "content-type": "application/json",
        ...(options.metricsToken ? { "www-authenticate": 'Bearer realm="metrics"' } : {}),
      });
      res.end(
        JSON.stringify({
          error: options.metricsToken ? "send Authorization: Bearer <METRICS_TOKEN>" : "metrics are only served to loopback clients (set METRICS_TOKEN)",
        }),
      );
      return true;
    }
    options.metrics.render().then(
      ({ contentType, body }) => send(res, 200, body, contentType, head),
      (err: unknown) => send(res, 500, JSON.stringify({ error: `metrics failed: ${(err as Error)?.message}` })),
    );
    return true;
  };

  return { handle, readiness };
}
