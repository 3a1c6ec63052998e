// Typed WebSocket client for the signaling protocol (lib/signaling/protocol.ts): one socket.
// Requests are matched to replies by id; server notifications go to typed listeners.
// With liveness on it pings the server and declares the link dead when nothing at all has
// arrived for CLIENT_LIVENESS_TIMEOUT_MS — a dead network never closes a TCP socket by itself.
import {
  CLIENT_LIVENESS_TIMEOUT_MS,
  CLOSE_CODES,
  PING_INTERVAL_MS,
  WS_PATH,
  notificationSchemas,
  responseSchemas,
  type ErrorCode,
  type Method,
  type NotificationData,
  type NotificationName,
  type RequestData,
  type ResponseData,
} from "@/lib/signaling/protocol";

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const CONNECT_TIMEOUT_MS = 8_000;
/** How often the liveness timer looks; pings still go every PING_INTERVAL_MS. */
export const LIVENESS_CHECK_MS = 100;

/** Server error codes plus the ones this client produces itself. */
export type SignalingErrorCode = ErrorCode | "TIMEOUT" | "DISCONNECTED";

export class SignalingRequestError extends Error {
  readonly code: SignalingErrorCode;
  readonly method: string;
  constructor(code: SignalingErrorCode, message: string, method: string) {
    super(message);
    this.name = "SignalingRequestError";
    this.code = code;
    this.method = method;
  }
}

export type ConnectionState = "idle" | "connecting" | "open" | "closed";

export interface CloseInfo {
  code: number;
  reason: string;
  /** True when close() was called locally. */
  byClient: boolean;
}

type Pending = {
  method: string;
  resolve: (data: unknown) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
};

/** Round trips of one request method on this socket, ms. */
export type RttFigures = { count: number; firstMs: number; lastMs: number; maxMs: number; meanMs: number };

type NotificationListener<N extends NotificationName> = (data: NotificationData<N>) => void;

/**
 * What one liveness tick concludes: "dead" when no frame came for the timeout. A tick that
 * itself comes later than the timeout means the page was frozen (a busy main thread), not
 * that the server went quiet — frames may be queued behind this very callback — so it
 * judges nothing; the next tick does.
 */
export function livenessVerdict(now: number, lastTickAt: number, lastFrameAt: number): "dead" | "alive" {
  if (now - lastTickAt > CLIENT_LIVENESS_TIMEOUT_MS) return "alive";
  return now - lastFrameAt > CLIENT_LIVENESS_TIMEOUT_MS ? "dead" : "alive";
}

export function defaultSignalingUrl(): string {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}${WS_PATH}`;
}

export class SignalingClient {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<NotificationName, Set<(data: never) => void>>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly closeListeners = new Set<(info: CloseInfo) => void>();
  private _state: ConnectionState = "idle";
  /** Arrival time (performance.now() clock) of the frame being dispatched; for latency metrics. */
  frameTimeStamp = 0;
  private closedByClient = false;
  private lastFrameAt = 0;
  private livenessTimer: ReturnType<typeof setInterval> | null = null;
  private readonly rtts = new Map<string, { count: number; firstMs: number; lastMs: number; maxMs: number; totalMs: number }>();

  constructor(readonly url: string = defaultSignalingUrl()) {}

  get state(): ConnectionState {
    return this._state;
  }

  /** Opens the socket; rejects if it cannot be opened (server unreachable). */
  connect(timeoutMs = CONNECT_TIMEOUT_MS): Promise<void> {
    if (this.ws) throw new Error("SignalingClient.connect() called twice");
    this.setState("connecting");
    const ws = new WebSocket(this.url);
    this.ws = ws;
    return new Promise<void>((resolve, reject) => {
      let opened = false;
      const timer = setTimeout(() => {
        if (!opened) {
          reject(new SignalingRequestError("DISCONNECTED", "signaling server did not answer", "connect"));
          ws.close();
        }
      }, timeoutMs);
      ws.onopen = () => {
        opened = true;
        clearTimeout(timer);
        this.setState("open");
        resolve();
      };
      ws.onmessage = (ev) => {
        this.frameTimeStamp = ev.timeStamp;
        this.lastFrameAt = Date.now();
        if (typeof ev.data === "string") this.onFrame(ev.data);
      };
      ws.onerror = () => {
        // 'close' always follows; it does the cleanup.
      };
      ws.onclose = (ev) => {
        clearTimeout(timer);
        if (!opened) {
          reject(new SignalingRequestError("DISCONNECTED", "cannot reach the signaling server", "connect"));
        }
        this.onClosed({ code: ev.code, reason: ev.reason, byClient: this.closedByClient });
      };
    });
  }

  request<M extends Method>(
    method: M,
    data: RequestData<M>,
    { timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS }: { timeoutMs?: number } = {},
  ): Promise<ResponseData<M>> {
    const ws = this.ws;
    if (!ws || this._state !== "open") {
      return Promise.reject(new SignalingRequestError("DISCONNECTED", "not connected", method));
    }
    const id = this.nextId++;
    const sentAt = performance.now();
    return new Promise<ResponseData<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SignalingRequestError("TIMEOUT", `${method}: no reply within ${timeoutMs} ms`, method));
      }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (raw) => {
          this.recordRtt(method, performance.now() - sentAt);
          resolve(checked(responseSchemas[method], raw, method) as ResponseData<M>);
        },
        reject,
        timer,
      });
      ws.send(JSON.stringify({ id, method, data }));
    });
  }

  private recordRtt(method: string, ms: number): void {
    const r = this.rtts.get(method);
    if (!r) return void this.rtts.set(method, { count: 1, firstMs: ms, lastMs: ms, maxMs: ms, totalMs: ms });
    r.count++;
    r.lastMs = ms;
    r.maxMs = Math.max(r.maxMs, ms);
    r.totalMs += ms;
  }

  /** Request round trips on this socket by method (the liveness `ping` is the live RTT). */
  rttSummary(): Record<string, RttFigures> {
    const out: Record<string, RttFigures> = {};
    const round = (n: number) => Math.round(n * 10) / 10;
    for (const [method, r] of this.rtts) {
      out[method] = { count: r.count, firstMs: round(r.firstMs), lastMs: round(r.lastMs), maxMs: round(r.maxMs), meanMs: round(r.totalMs / r.count) };
    }
    return out;
  }

  /** Subscribes to one notification; returns the unsubscribe function. */
  on<N extends NotificationName>(name: N, listener: NotificationListener<N>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as (data: never) => void);
    return () => set.delete(listener as (data: never) => void);
  }

  onStateChange(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onClose(listener: (info: CloseInfo) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * Pings every PING_INTERVAL_MS; if nothing arrives for CLIENT_LIVENESS_TIMEOUT_MS the
   * socket is dropped and close listeners hear code 4004 at once (no waiting for TCP). The
   * timer looks every LIVENESS_CHECK_MS, so the link is declared dead at the timeout (not up
   * to a ping interval after it).
   */
  startLiveness(): void {
    if (this.livenessTimer || this._state !== "open") return;
    this.lastFrameAt = Date.now();
    let lastPingAt = 0;
    let lastTickAt = Date.now();
    this.livenessTimer = setInterval(() => {
      if (this._state !== "open") return this.stopLiveness();
      const now = Date.now();
      const verdict = livenessVerdict(now, lastTickAt, this.lastFrameAt);
      lastTickAt = now;
      if (verdict === "dead") {
        this.declareDead("no answer from the server");
        return;
      }
      if (now - lastPingAt < PING_INTERVAL_MS) return;
      lastPingAt = now;
      this.request("ping", {}, { timeoutMs: CLIENT_LIVENESS_TIMEOUT_MS * 2 }).catch(() => undefined);
    }, LIVENESS_CHECK_MS);
  }

  private stopLiveness(): void {
    if (this.livenessTimer) clearInterval(this.livenessTimer);
    this.livenessTimer = null;
  }

  /** The link is gone (no answer, or the browser went offline): close now, locally. */
  declareDead(reason: string): void {
    if (this._state === "closed") return;
    const ws = this.ws;
    if (ws) {
      ws.onclose = ws.onmessage = ws.onerror = null;
      try {
        ws.close();
      } catch {
        // already closing
      }
    }
    this.onClosed({ code: CLOSE_CODES.livenessTimeout, reason, byClient: false });
  }

  /** Closes on purpose. 1000 tells the server we left; CLOSE_CODES.clientReconnecting that we come back. */
  close(code = 1000): void {
    this.closedByClient = true;
    if (this.ws && this.ws.readyState < WebSocket.CLOSING) this.ws.close(code, "client closed");
    else if (this._state !== "closed") this.onClosed({ code: 1000, reason: "client closed", byClient: true });
  }

  private onFrame(text: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(text);
    } catch {
      console.warn("[signaling] non-JSON frame ignored");
      return;
    }
    if (typeof msg.notification === "string") {
      const name = msg.notification as NotificationName;
      const schema = notificationSchemas[name];
      if (!schema) return;
      const data = checked(schema, msg.data, name);
      const set = this.listeners.get(name);
      if (!set) return;
      for (const fn of [...set]) {
        try {
          (fn as (d: unknown) => void)(data);
        } catch (err) {
          console.error(`[signaling] ${name} listener failed`, err);
        }
      }
      return;
    }
    if (typeof msg.id !== "number") return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    clearTimeout(p.timer);
    if (msg.ok === true) {
      p.resolve(msg.data);
    } else {
      const err = (msg.error ?? {}) as { code?: ErrorCode; message?: string };
      p.reject(new SignalingRequestError(err.code ?? "INTERNAL", err.message ?? "request failed", p.method));
    }
  }

  private onClosed(info: CloseInfo): void {
    if (this._state === "closed") return;
    this.stopLiveness();
    this.setState("closed");
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new SignalingRequestError("DISCONNECTED", "connection closed", p.method));
      this.pending.delete(id);
    }
    for (const fn of [...this.closeListeners]) fn(info);
  }

  private setState(state: ConnectionState): void {
    if (state === this._state) return;
    this._state = state;
    for (const fn of [...this.stateListeners]) fn(state);
  }
}

/** Server data is trusted but checked, so a protocol drift shows up in the console, not as a vague crash. */
function checked(schema: { safeParse(v: unknown): { success: boolean; data?: unknown; error?: unknown } }, raw: unknown, what: string): unknown {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  console.error(`[signaling] ${what}: unexpected shape`, r.error, raw);
  return raw;
}
