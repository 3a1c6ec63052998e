// The browser's view of a room as one immutable value, and the pure reducer that moves it.
// Everything the UI renders is here; the session and its parts only dispatch actions, so the
// rules (who is listed, which media belong to whom, who is reconnecting) are unit-tested
// without a browser.
import type { MediaKind, MediaSource, ParticipantRole, PeerInfo, PeerQuality, RoomControl } from "@/lib/signaling/protocol";
import { chatReducer, initialChatState, type ChatAction, type ChatState } from "./chat-state";
import type { DeviceOption } from "./devices";
import type { DeviceStatus } from "./local-media";
import {
  initialModerationState,
  moderationReducer,
  type ModerationAction,
  type ModerationState,
} from "./moderation-state";

/** "waiting": in the lobby or waiting for the host (state.moderation.waiting says which). */
export type Phase = "prejoin" | "joining" | "waiting" | "joined" | "left" | "disconnected";
/**
 * Pre-join warm-up: socket + token + router caps + device + transports.
 * "needs-name": guests get a token only with a display name, so it waits for one.
 */
export type WarmupStatus = "idle" | "connecting" | "needs-name" | "ready" | "error";
export type RoomErrorKind =
  | "unreachable"
  | "invalid-link"
  | "sign-in"
  | "room-full"
  | "disconnected"
  | "replaced"
  /** A host removed me; the disconnected screens show `removed-screen`. */
  | "removed"
  /** The meeting was ended for everyone or cancelled (`meeting-ended`). */
  | "meeting-ended"
  /** A host declined my request to enter (`lobby-denied`). */
  | "denied"
  | "unsupported"
  | "unknown";

export interface RoomError {
  kind: RoomErrorKind;
  message: string;
}

export interface Participant {
  id: string;
  displayName: string;
  /** Has host rights (host or co-host). */
  isHost: boolean;
  role: ParticipantRole;
  /** Their connection dropped; the server keeps them for a grace period. */
  reconnecting: boolean;
}

/** One consumed remote track. */
export interface RemoteMedia {
  consumerId: string;
  producerId: string;
  peerId: string;
  kind: MediaKind;
  source: MediaSource;
  track: MediaStreamTrack;
  stream: MediaStream;
  /** The remote producer is paused (camera off / mic muted). */
  paused: boolean;
}

export interface LocalMediaState {
  cameraOn: boolean;
  micOn: boolean;
  screenOn: boolean;
  cameraStatus: DeviceStatus;
  micStatus: DeviceStatus;
  /** Own camera for the preview / self tile (null when no camera track). */
  cameraStream: MediaStream | null;
  screenStream: MediaStream | null;
  /** A toggle is in flight; the button ignores clicks meanwhile. */
  busy: { camera: boolean; mic: boolean; screen: boolean };
  /** The microphone is off but picks up someone talking: the "you are muted" hint. */
  speakingWhileMuted: boolean;
}

/** The machine's cameras, microphones and speakers, and which one is in use (device ids). */
export interface DevicesState {
  cameras: DeviceOption[];
  mics: DeviceOption[];
  speakers: DeviceOption[];
  /** The device of the live track, else the remembered choice; null = the browser's default. */
  camera: string | null;
  mic: string | null;
  speaker: string | null;
  /** Whether audio output can be chosen in this browser (HTMLMediaElement.setSinkId). */
  speakerSelectable: boolean;
}

/** How the call's connection is doing while joined. */
export interface ConnectionState {
  /** "reconnecting": signaling lost (or media transports down) and being restored. */
  status: "connected" | "reconnecting";
  /** Reconnect attempts so far in this episode (0 while connected). */
  attempt: number;
}

/** "grid": everyone the same size (paged in big rooms); "speaker": the active speaker large + a filmstrip. */
export type RoomLayoutMode = "grid" | "speaker";

export interface RoomState {
  roomId: string;
  phase: Phase;
  warmup: WarmupStatus;
  /** Blocking error: shown on the pre-join screen, or the disconnected screen. */
  error: RoomError | null;
  /** Non-blocking message in the room (e.g. screen share failed). */
  notice: string | null;
  selfId: string | null;
  /** I have host rights (host or co-host); my role is moderation.role. */
  isHost: boolean;
  displayName: string;
  /** Remote participants in join order. */
  participants: Participant[];
  media: RemoteMedia[];
  quality: Record<string, PeerQuality>;
  local: LocalMediaState;
  devices: DevicesState;
  chat: ChatState;
  connection: ConnectionState;
  /** The dominant speaker (server's ActiveSpeakerObserver); null until someone spoke. */
  activeSpeakerId: string | null;
  /** Peers speaking right now (audio level above the threshold), sorted. */
  speaking: string[];
  layout: RoomLayoutMode;
  moderation: ModerationState;
}

export type RoomAction =
  | { type: "patch"; patch: Partial<Pick<RoomState, "phase" | "warmup" | "error" | "notice" | "displayName">> }
  | { type: "local"; patch: Partial<LocalMediaState> }
  | { type: "joined"; selfId: string; isHost: boolean; peers: PeerInfo[]; role?: ParticipantRole; control?: RoomControl }
  /** Someone's role changed (maybe mine). */
  | { type: "peerUpdated"; peer: PeerInfo }
  | ModerationAction
  /** After a resume: the server's list of the others replaces ours. */
  | { type: "peersSynced"; peers: PeerInfo[] }
  | { type: "peerJoined"; peer: PeerInfo }
  | { type: "peerLeft"; peerId: string }
  | { type: "peerReconnecting"; peerId: string; reconnecting: boolean }
  | { type: "mediaAdded"; media: RemoteMedia }
  | { type: "mediaRemoved"; consumerIds: string[] }
  | { type: "mediaPaused"; consumerId: string; paused: boolean }
  | { type: "mediaCleared" }
  | { type: "quality"; peers: PeerQuality[] }
  | { type: "connection"; connection: ConnectionState }
  | { type: "devices"; patch: Partial<DevicesState> }
  | ChatAction
  | { type: "activeSpeaker"; peerId: string | null }
  | { type: "speaking"; peerIds: string[] }
  | { type: "layout"; layout: RoomLayoutMode }
  /** Leaving, or giving up: nobody is listed any more. */
  | { type: "roomCleared" };

export function initialRoomState(opts: { roomId: string; displayName?: string; camera?: boolean; mic?: boolean }): RoomState {
  return {
    roomId: opts.roomId,
    phase: "prejoin",
    warmup: "idle",
    error: null,
    notice: null,
    selfId: null,
    isHost: false,
    displayName: opts.displayName ?? "",
    participants: [],
    media: [],
    quality: {},
    local: {
      cameraOn: opts.camera ?? true,
      micOn: opts.mic ?? true,
      screenOn: false,
      cameraStatus: opts.camera === false ? "off" : "pending",
      micStatus: opts.mic === false ? "off" : "pending",
      cameraStream: null,
      screenStream: null,
      busy: { camera: false, mic: false, screen: false },
      speakingWhileMuted: false,
    },
    devices: { cameras: [], mics: [], speakers: [], camera: null, mic: null, speaker: null, speakerSelectable: false },
    chat: initialChatState,
    connection: { status: "connected", attempt: 0 },
    activeSpeakerId: null,
    speaking: [],
    layout: "grid",
    moderation: initialModerationState(),
  };
}

function toParticipant(p: PeerInfo): Participant {
  return { id: p.id, displayName: p.displayName, isHost: p.isHost, role: p.role, reconnecting: p.reconnecting };
}

/** Adds or updates peers, keeping join order. */
export function mergePeers(current: Participant[], peers: PeerInfo[], selfId: string | null): Participant[] {
  const out = [...current];
  for (const p of peers) {
    if (p.id === selfId) continue;
    const entry = toParticipant(p);
    const i = out.findIndex((x) => x.id === p.id);
    if (i >= 0) out[i] = entry;
    else out.push(entry);
  }
  return out;
}

function withoutPeer(state: RoomState, peerId: string): RoomState {
  const quality = { ...state.quality };
  delete quality[peerId];
  return {
    ...state,
    participants: state.participants.filter((p) => p.id !== peerId),
    media: state.media.filter((m) => m.peerId !== peerId),
    quality,
    speaking: state.speaking.includes(peerId) ? state.speaking.filter((id) => id !== peerId) : state.speaking,
    activeSpeakerId: state.activeSpeakerId === peerId ? null : state.activeSpeakerId,
  };
}

export function roomReducer(state: RoomState, action: RoomAction): RoomState {
  switch (action.type) {
    case "control":
    case "waiting":
    case "hands":
    case "lobby":
    case "locked":
    case "reaction":
    case "reactionExpired": {
      const moderation = moderationReducer(state.moderation, action);
      const phase = action.type === "waiting" ? "waiting" : state.phase;
      if (moderation === state.moderation && phase === state.phase) return state;
      return { ...state, phase, moderation, isHost: moderation.role !== "participant" };
    }
    case "patch":
      return { ...state, ...action.patch };
    case "local":
      return { ...state, local: { ...state.local, ...action.patch } };
    case "joined":
      return {
        ...state,
        phase: "joined",
        error: null,
        selfId: action.selfId,
        isHost: action.isHost,
        // a rejoin brings a fresh list: people who left meanwhile must not linger
        participants: mergePeers([], action.peers, action.selfId),
        connection: { status: "connected", attempt: 0 },
        moderation: {
          ...(action.control ? moderationReducer(state.moderation, { type: "control", control: action.control }) : state.moderation),
          role: action.role ?? (action.isHost ? "host" : "participant"),
          waiting: null,
        },
      };
    case "peerUpdated":
      if (action.peer.id === state.selfId) {
        return { ...state, isHost: action.peer.isHost, moderation: { ...state.moderation, role: action.peer.role } };
      }
      return { ...state, participants: mergePeers(state.participants, [action.peer], state.selfId) };
    case "peersSynced": {
      const listed = new Set(action.peers.map((p) => p.id));
      const kept = state.participants.filter((p) => listed.has(p.id));
      const next = { ...state, participants: mergePeers(kept, action.peers, state.selfId) };
      const gone = state.participants.filter((p) => !listed.has(p.id));
      return gone.reduce((s, p) => withoutPeer(s, p.id), next);
    }
    case "peerJoined":
      if (action.peer.id === state.selfId) return state;
      return { ...state, participants: mergePeers(state.participants, [action.peer], state.selfId) };
    case "peerLeft":
      return withoutPeer(state, action.peerId);
    case "peerReconnecting":
      return {
        ...state,
        participants: state.participants.map((p) =>
          p.id === action.peerId ? { ...p, reconnecting: action.reconnecting } : p,
        ),
      };
    case "mediaAdded":
      return { ...state, media: [...state.media.filter((m) => m.consumerId !== action.media.consumerId), action.media] };
    case "mediaRemoved": {
      const gone = new Set(action.consumerIds);
      return { ...state, media: state.media.filter((m) => !gone.has(m.consumerId)) };
    }
    case "mediaPaused":
      return {
        ...state,
        media: state.media.map((m) => (m.consumerId === action.consumerId ? { ...m, paused: action.paused } : m)),
      };
    case "mediaCleared":
      return state.media.length ? { ...state, media: [] } : state;
    case "quality": {
      const quality: Record<string, PeerQuality> = {};
      for (const q of action.peers) quality[q.peerId] = q;
      return { ...state, quality };
    }
    case "connection":
      if (
        state.connection.status === action.connection.status &&
        state.connection.attempt === action.connection.attempt
      ) {
        return state;
      }
      return { ...state, connection: action.connection };
    case "devices":
      return { ...state, devices: { ...state.devices, ...action.patch } };
    case "chatReceived":
    case "chatSynced":
    case "chatOpen":
    case "chatError": {
      const chat = chatReducer(state.chat, action, state.selfId);
      return chat === state.chat ? state : { ...state, chat };
    }
    case "activeSpeaker":
      if (action.peerId === state.activeSpeakerId) return state;
      return { ...state, activeSpeakerId: action.peerId };
    case "speaking": {
      const next = [...new Set(action.peerIds)].sort();
      if (next.length === state.speaking.length && next.every((id, i) => id === state.speaking[i])) return state;
      return { ...state, speaking: next };
    }
    case "layout":
      return action.layout === state.layout ? state : { ...state, layout: action.layout };
    case "roomCleared":
      return {
        ...state,
        participants: [],
        media: [],
        quality: {},
        notice: null,
        activeSpeakerId: null,
        speaking: [],
        moderation: { ...initialModerationState(), role: state.moderation.role },
      };
  }
}
