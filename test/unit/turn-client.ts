// A minimal TURN client over UDP (RFC 5389 STUN + RFC 5766 TURN): Allocate with the
// long-term credential mechanism, CreatePermission, Send/Data indications. Enough to prove
// against a real coturn that credentials are accepted or refused and that the relay relays;
// browsers do exactly this exchange (tests here stay free of native WebRTC builds).
import { createHash, createHmac, randomBytes } from "node:crypto";
import dgram from "node:dgram";

const MAGIC = 0x2112a442;
export const METHOD = { allocate: 0x003, refresh: 0x004, send: 0x006, data: 0x007, createPermission: 0x008, binding: 0x001 } as const;
const CLASS_SUCCESS = 0x100;
const CLASS_ERROR = 0x110;
const CLASS_INDICATION = 0x010;

const ATTR = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  lifetime: 0x000d,
  xorPeerAddress: 0x0012,
  data: 0x0013,
  realm: 0x0014,
  nonce: 0x0015,
  xorRelayedAddress: 0x0016,
  requestedTransport: 0x0019,
  xorMappedAddress: 0x0020,
} as const;

type Attr = { type: number; value: Buffer };
export type StunMessage = { type: number; txid: Buffer; attrs: Attr[] };

function encodeAttrs(attrs: Attr[]): Buffer {
  const parts: Buffer[] = [];
  for (const a of attrs) {
    const h = Buffer.alloc(4);
    h.writeUInt16BE(a.type, 0);
    h.writeUInt16BE(a.value.length, 2);
    const pad = (4 - (a.value.length % 4)) % 4;
    parts.push(h, a.value, Buffer.alloc(pad));
  }
  return Buffer.concat(parts);
}

function header(type: number, length: number, txid: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(type, 0);
  h.writeUInt16BE(length, 2);
  h.writeUInt32BE(MAGIC, 4);
  txid.copy(h, 8);
  return h;
}

/** Encodes a message; with `key`, appends MESSAGE-INTEGRITY (HMAC-SHA1 over everything before it). */
export function encode(type: number, txid: Buffer, attrs: Attr[], key?: Buffer): Buffer {
  const body = encodeAttrs(attrs);
  if (!key) return Buffer.concat([header(type, body.length, txid), body]);
  // The length field must already count the 24-byte MESSAGE-INTEGRITY attribute.
  const signed = Buffer.concat([header(type, body.length + 24, txid), body]);
  const mac = createHmac("sha1", key).update(signed).digest();
  return Buffer.concat([signed, encodeAttrs([{ type: ATTR.messageIntegrity, value: mac }])]);
}

export function decode(buf: Buffer): StunMessage | null {
  if (buf.length < 20 || buf.readUInt32BE(4) !== MAGIC) return null;
  const type = buf.readUInt16BE(0);
  const len = buf.readUInt16BE(2);
  const txid = buf.subarray(8, 20);
  const attrs: Attr[] = [];
  let off = 20;
  while (off + 4 <= 20 + len && off + 4 <= buf.length) {
    const t = buf.readUInt16BE(off);
    const l = buf.readUInt16BE(off + 2);
    attrs.push({ type: t, value: buf.subarray(off + 4, off + 4 + l) });
    off += 4 + l + ((4 - (l % 4)) % 4);
  }
  return { type, txid, attrs };
}

function xorAddress(value: Buffer): { address: string; port: number } {
  const port = value.readUInt16BE(2) ^ (MAGIC >>> 16);
  const ip = (value.readUInt32BE(4) ^ MAGIC) >>> 0;
  return { address: [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join("."), port };
}

function encodeXorAddress(address: string, port: number): Buffer {
  const v = Buffer.alloc(8);
  v.writeUInt8(0x01, 1); // IPv4
  v.writeUInt16BE(port ^ (MAGIC >>> 16), 2);
  const ip = address.split(".").reduce((acc, o) => (acc << 8) | Number(o), 0) >>> 0;
  v.writeUInt32BE((ip ^ MAGIC) >>> 0, 4);
  return v;
}

function attr(m: StunMessage, type: number): Buffer | undefined {
  return m.attrs.find((a) => a.type === type)?.value;
}

export function errorCode(m: StunMessage): { code: number; reason: string } | null {
  const v = attr(m, ATTR.errorCode);
  if (!v) return null;
  return { code: (v[2] & 7) * 100 + v[3], reason: v.subarray(4).toString("utf8") };
}

export type AllocateResult =
  | { ok: true; relayed: { address: string; port: number }; lifetime: number }
  | { ok: false; code: number; reason: string };

/** One UDP socket talking TURN to one server. */
export class TurnClient {
  private readonly sock = dgram.createSocket("udp4");
  private readonly waiting = new Map<string, (m: StunMessage) => void>();
  private readonly indications: StunMessage[] = [];
  private readonly indicationWaiters = new Set<() => void>();
  private key: Buffer | null = null;
  private realm = "";
  private nonce = "";
  private username = "";

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    this.sock.on("message", (buf) => {
      const m = decode(buf);
      if (!m) return;
      if ((m.type & 0x110) === CLASS_INDICATION) {
        this.indications.push(m);
        for (const w of [...this.indicationWaiters]) w();
        return;
      }
      this.waiting.get(m.txid.toString("hex"))?.(m);
    });
  }

  async open(): Promise<void> {
    await new Promise<void>((resolve) => this.sock.bind(0, "127.0.0.1", () => resolve()));
  }

  close(): void {
    this.sock.close();
  }

  /** Sends a request and waits for its answer (retransmits like RFC 5389, 100 ms doubling). */
  async request(method: number, attrs: Attr[], signed: boolean, timeoutMs = 3000): Promise<StunMessage> {
    const txid = randomBytes(12);
    const all = signed
      ? [
          ...attrs,
          { type: ATTR.username, value: Buffer.from(this.username) },
          { type: ATTR.realm, value: Buffer.from(this.realm) },
          { type: ATTR.nonce, value: Buffer.from(this.nonce) },
        ]
      : attrs;
    const frame = encode(method, txid, all, signed ? this.key! : undefined);
    return new Promise<StunMessage>((resolve, reject) => {
      const id = txid.toString("hex");
      let rto = 100;
      let timer: NodeJS.Timeout;
      const send = () => {
        this.sock.send(frame, this.port, this.host);
        timer = setTimeout(send, (rto *= 2));
      };
      const deadline = setTimeout(() => {
        clearTimeout(timer);
        this.waiting.delete(id);
        reject(new Error(`no TURN answer from ${this.host}:${this.port} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, (m) => {
        clearTimeout(timer);
        clearTimeout(deadline);
        this.waiting.delete(id);
        resolve(m);
      });
      send();
    });
  }

  /** STUN Binding (no auth): is the server up? */
  async binding(timeoutMs = 1000): Promise<{ address: string; port: number }> {
    const m = await this.request(METHOD.binding, [], false, timeoutMs);
    const v = attr(m, ATTR.xorMappedAddress);
    if (!v) throw new Error("binding answer without XOR-MAPPED-ADDRESS");
    return xorAddress(v);
  }

  /** Allocate a UDP relay with the long-term credential mechanism (401 challenge first). */
  async allocate(username: string, password: string): Promise<AllocateResult> {
    const transport = [{ type: ATTR.requestedTransport, value: Buffer.from([17, 0, 0, 0]) }];
    const challenge = await this.request(METHOD.allocate, transport, false);
    const e = errorCode(challenge);
    if (!e || e.code !== 401) throw new Error(`expected a 401 challenge, got ${JSON.stringify(e)} (type ${challenge.type})`);
    this.realm = attr(challenge, ATTR.realm)!.toString("utf8");
    this.nonce = attr(challenge, ATTR.nonce)!.toString("utf8");
    this.username = username;
    this.key = createHash("md5").update(`${username}:${this.realm}:${password}`).digest();
    const m = await this.request(METHOD.allocate, transport, true);
    if (m.type === (METHOD.allocate | CLASS_SUCCESS)) {
      const relayed = xorAddress(attr(m, ATTR.xorRelayedAddress)!);
      const lifetime = attr(m, ATTR.lifetime)?.readUInt32BE(0) ?? 0;
      return { ok: true, relayed, lifetime };
    }
    if (m.type !== (METHOD.allocate | CLASS_ERROR)) throw new Error(`unexpected answer type ${m.type}`);
    const err = errorCode(m)!;
    return { ok: false, code: err.code, reason: err.reason };
  }

  /** Lets `address` send to our relay (needed before Send/Data indications flow). */
  async createPermission(address: string): Promise<void> {
    const m = await this.request(
      METHOD.createPermission,
      [{ type: ATTR.xorPeerAddress, value: encodeXorAddress(address, 0) }],
      true,
    );
    if (m.type !== (METHOD.createPermission | CLASS_SUCCESS)) {
      throw new Error(`CreatePermission refused: ${JSON.stringify(errorCode(m))}`);
    }
  }

  /** Send indication: the relay forwards `data` to address:port from the relayed address. */
  sendTo(address: string, port: number, data: Buffer): void {
    const frame = encode(METHOD.send | CLASS_INDICATION, randomBytes(12), [
      { type: ATTR.xorPeerAddress, value: encodeXorAddress(address, port) },
      { type: ATTR.data, value: data },
    ]);
    this.sock.send(frame, this.port, this.host);
  }

  /** Next Data indication (what a peer sent to our relayed address). */
  async nextData(timeoutMs = 3000): Promise<{ from: { address: string; port: number }; data: Buffer }> {
    const take = () => {
      const i = this.indications.findIndex((m) => m.type === (METHOD.data | CLASS_INDICATION));
      if (i < 0) return null;
      const [m] = this.indications.splice(i, 1);
      return { from: xorAddress(attr(m, ATTR.xorPeerAddress)!), data: Buffer.from(attr(m, ATTR.data)!) };
    };
    const now = take();
    if (now) return now;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.indicationWaiters.delete(check);
        reject(new Error(`no Data indication in ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        const d = take();
        if (!d) return;
        clearTimeout(timer);
        this.indicationWaiters.delete(check);
        resolve(d);
      };
      this.indicationWaiters.add(check);
    });
  }
}
