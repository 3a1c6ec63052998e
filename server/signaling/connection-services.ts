// What a signaling connection asks of the node around it: who may join (join-token
// admission: deny-list, hosting node) and which TURN servers a participant gets.
import type { IceServer } from "../../lib/signaling/protocol";
import { singleNodeAdmission, type Admission } from "../cluster/admission";
import type { Logger } from "../logger";

export type ConnectionServices = {
  admission: Admission;
  /** iceServers for this participant's transports (TURN REST credentials); [] without TURN. */
  iceServers(participantKey: string): IceServer[];
};

/** One node, no TURN (tests, startSignaling() without options). */
export function defaultConnectionServices(logger: Logger): ConnectionServices {
  return { admission: singleNodeAdmission(logger), iceServers: () => [] };
}
