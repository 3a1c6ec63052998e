// Admission of a join token by the signaling server: signature/expiry/room (join-token.ts),
// then the deny-list (revoked token, cancelled meeting), then — with several nodes — the
// node: a token for a room hosted elsewhere is refused with WRONG_NODE, so the client
// fetches a fresh token (which names the right node) instead of splitting the room.
import { verifyJoinToken, type JoinTokenClaims } from "../../lib/auth/join-token";
import { createMemorySharedState } from "../../lib/shared-state/memory";
import type { SharedState } from "../../lib/shared-state/shared-state";
import type { Logger } from "../logger";
import { fail } from "../rooms/errors";

export type AdmittedToken = { claims: JoinTokenClaims; expiresAt: Date; jti: string };

export interface Admission {
  /** The token's claims, or throws a RequestError (UNAUTHORIZED, FORBIDDEN, WRONG_NODE, INTERNAL). */
  admit(token: string, roomId: string): Promise<AdmittedToken>;
}

export type AdmissionOptions = {
  state: SharedState;
  nodeId: string;
  /** Several nodes: enforce placement. One node: every room is here. */
  clustered: boolean;
  placementTtlMs: number;
  logger: Logger;
};

/** Deny-list ids a token is refused under (see lib/cluster/revocation.ts). */
export function denyListIds(t: { jti: string; claims: JoinTokenClaims }): string[] {
  return [`jti:${t.jti}`, ...(t.claims.mid ? [`mid:${t.claims.mid}`] : [])];
}

export function createAdmission(options: AdmissionOptions): Admission {
  const { state, nodeId, clustered, logger } = options;
  return {
    async admit(token, roomId) {
      const verified = await verifyJoinToken(token, roomId);
      if (!verified.ok) {
        const { code, message } = verified.error;
        if (code === "wrong_room") fail("FORBIDDEN", message);
        if (code === "no_secret") {
          logger.error(message);
          fail("INTERNAL", "server is not configured for join tokens");
        }
        return fail("UNAUTHORIZED", message);
      }
      const admitted: AdmittedToken = { claims: verified.claims, expiresAt: verified.expiresAt, jti: verified.jti };
      let revoked: boolean;
      try {
        revoked = await state.deniedTokens.anyRevoked(denyListIds(admitted));
      } catch (err) {
        logger.error({ err }, "cannot read the token deny-list");
        return fail("INTERNAL", "cannot check the join token right now; try again");
      }
      if (revoked) {
        fail("UNAUTHORIZED", admitted.claims.mid ? "this meeting has ended or your access was revoked" : "join token was revoked");
      }
      if (!clustered) return admitted;

      const named = admitted.claims.node;
      if (named !== undefined && named !== nodeId) {
        fail("WRONG_NODE", `this room is hosted on another node (${named}); fetch a new join token`);
      }
      let host: string;
      try {
        // Unplaced (placement expired, or a token from before placement): host it here.
        host = (await state.placement.get(roomId)) ?? (await state.placement.claim(roomId, nodeId, options.placementTtlMs));
      } catch (err) {
        logger.error({ err, roomId }, "cannot read the room placement");
        return fail("INTERNAL", "cannot check where this room is hosted; try again");
      }
      if (host !== nodeId) {
        // a cascaded room: this node may host part of it (its home node was full)
        let edge = false;
        try {
          edge = (await state.placement.edges(roomId)).includes(nodeId);
        } catch (err) {
          logger.error({ err, roomId }, "cannot read the room's nodes");
        }
        if (!edge) fail("WRONG_NODE", `this room moved to another node (${host}); fetch a new join token`);
      }
      return admitted;
    },
  };
}

/** One node, nothing shared: what tests and startSignaling() without options use. */
export function singleNodeAdmission(logger: Logger, state: SharedState = createMemorySharedState()): Admission {
  return createAdmission({ state, nodeId: "local", clustered: false, placementTtlMs: 60_000, logger });
}
