// The plain-router baseline's receiver: UDP sockets on 127.0.0.1 that count what mediasoup's
// SRTP PlainTransports send them, per SSRC (= per consumer). The SRTP header (sequence
// number, SSRC) is not encrypted, so counting needs no keys; the worker pays the full
// encryption cost all the same.
import dgram from "node:dgram";
import { RtpStreamCounter, rtpHeader } from "./rtp-accounting";

export class UdpSink {
  readonly streams = new Map<string, RtpStreamCounter>();
  private readonly sockets: dgram.Socket[] = [];
  /** Packets from SSRCs nobody registered (e.g. probation, RTX). */
  unknownPackets = 0;

  /** Starts counting SSRC `ssrc` under `key`. */
  expect(ssrc: number, key = String(ssrc)): void {
    if (!this.streams.has(key)) this.streams.set(key, new RtpStreamCounter());
    this.keys.set(ssrc, key);
  }
  private readonly keys = new Map<number, string>();

  /** Opens one more socket; returns its port. */
  async open(): Promise<number> {
    const socket = dgram.createSocket({ type: "udp4", recvBufferSize: 4 * 1024 * 1024 });
    socket.on("message", (msg) => {
      const h = rtpHeader(msg);
      if (!h) return;
      const key = this.keys.get(h.ssrc);
      const counter = key === undefined ? undefined : this.streams.get(key);
      if (!counter) {
        this.unknownPackets++;
        return;
      }
      counter.add(h.seq, msg.length);
    });
    socket.on("error", () => undefined);
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    this.sockets.push(socket);
    return socket.address().port;
  }

  get ports(): Set<number> {
    return new Set(this.sockets.map((s) => s.address().port));
  }

  close(): void {
    for (const s of this.sockets) {
      try {
        s.close();
      } catch {
        // closed
      }
    }
    this.sockets.length = 0;
  }
}
