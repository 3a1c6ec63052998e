// The join token of one room session: fetched once and reused while fresh; a guest without a
// name waits for one (the site needs it before it signs a token); after a node could not be
// reached, the next fetch tells the site so that it can name another node.
import { deferred, type Deferred } from "./deferred";
import { JOIN_TOKEN_MAX_AGE_MS, JoinTokenError, fetchJoinToken, type JoinToken } from "./join-token";

/** Typing pauses this long before a waiting warm-up goes on with the name typed so far. */
const NAME_SETTLE_MS = 400;

export interface JoinTokenSourceOptions {
  roomId: string;
  inviteToken?: string;
  /** The name typed so far (sent with the fetch; guests need one). */
  displayName: () => string;
  /** This tab's rejoin ticket: the same participant as before. */
  rejoinTicket: () => string | null;
  /** A token arrived (e.g. to prefill the name the server knows). */
  onToken: (token: JoinToken) => void;
  /** The warm-up waits for a guest's name (true) or goes on (false). */
  onWaitingForName: (waiting: boolean) => void;
}

export class JoinTokenSource {
  private token: JoinToken | null = null;
  private pending: Promise<JoinToken> | null = null;
  /** Several nodes: the node URL the last reconnect could not reach (a hint for the token route). */
  private unreachable: string | null = null;
  private nameWaiter: Deferred<void> | null = null;
  private nameTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly opts: JoinTokenSourceOptions) {}

  /** The token in hand, fresh or not (null before the first fetch and after `drop`). */
  get current(): JoinToken | null {
    return this.token;
  }

  /** A token young enough to be accepted, fetched when needed (one fetch at a time). */
  fresh(): Promise<JoinToken> {
    if (this.token && Date.now() - this.token.fetchedAt < JOIN_TOKEN_MAX_AGE_MS) return Promise.resolve(this.token);
    this.pending ??= fetchJoinToken(this.opts.roomId, {
      displayName: this.opts.displayName().trim() || undefined,
      inviteToken: this.opts.inviteToken,
      rejoinTicket: this.opts.rejoinTicket() ?? undefined,
      unreachable: this.unreachable ?? undefined,
    })
      .then((t) => {
        this.token = t;
        this.unreachable = null;
        this.opts.onToken(t);
        return t;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  /** Like `fresh()`, but a guest without a name waits for one instead of failing. */
  async forWarmUp(gaveUp: () => boolean): Promise<JoinToken> {
    for (;;) {
      try {
        return await this.fresh();
      } catch (err) {
        const needsName =
          err instanceof JoinTokenError &&
          err.status === 400 &&
          (err.code === "display_name_required" || !this.opts.displayName().trim());
        if (!needsName || gaveUp()) throw err;
        this.opts.onWaitingForName(true);
        this.nameWaiter ??= deferred<void>();
        await this.nameWaiter.promise;
        this.opts.onWaitingForName(false);
      }
    }
  }

  /** The name field changed: a waiting warm-up goes on once typing pauses. */
  nameTyped(name: string): void {
    if (!this.nameWaiter || !name.trim()) return;
    this.cancelNameTimer();
    this.nameTimer = setTimeout(() => this.releaseName(), NAME_SETTLE_MS);
  }

  /** Go on with the name there is now (the join click). */
  releaseName(): void {
    this.cancelNameTimer();
    const w = this.nameWaiter;
    this.nameWaiter = null;
    w?.resolve();
  }

  cancelNameTimer(): void {
    if (this.nameTimer) clearTimeout(this.nameTimer);
    this.nameTimer = null;
  }

  /** The token's node could not be reached: the next fetch asks the site for another one. */
  nodeUnreachable(): void {
    if (!this.token?.signalingUrl) return;
    this.unreachable = this.token.signalingUrl;
    this.token = null;
  }

  /** The token was refused (expired, or the room moved): the next use fetches a new one. */
  drop(): void {
    this.token = null;
  }
}
