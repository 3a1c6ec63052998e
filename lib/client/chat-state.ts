// The chat part of the room state and its pure reducer: messages (oldest first, de-duplicated
// by id), which ones are mine, the unread count while the panel is closed, the last error.
import type { ChatMessage } from "@/lib/signaling/protocol";

/** Messages the browser keeps for this call (the server replays the last 100 on (re)join). */
export const CLIENT_CHAT_LIMIT = 500;

export type ChatEntry = ChatMessage & { mine: boolean };

export interface ChatState {
  messages: ChatEntry[];
  open: boolean;
  /** Messages from others that arrived while the panel was closed. */
  unread: number;
  /** Why the last send failed (cleared by the next successful one). */
  error: string | null;
}

export type ChatAction =
  | { type: "chatReceived"; message: ChatMessage; mine: boolean }
  /** The server's recent history (join, resume): missed ones are added. */
  | { type: "chatSynced"; messages: ChatMessage[]; countUnread: boolean }
  | { type: "chatOpen"; open: boolean }
  | { type: "chatError"; error: string | null };

export const initialChatState: ChatState = { messages: [], open: false, unread: 0, error: null };

function insert(list: ChatEntry[], entries: ChatEntry[]): ChatEntry[] {
  const out = [...list, ...entries].sort((a, b) => a.sentAt - b.sentAt);
  return out.length > CLIENT_CHAT_LIMIT ? out.slice(out.length - CLIENT_CHAT_LIMIT) : out;
}

export function chatReducer(state: ChatState, action: ChatAction, selfId: string | null): ChatState {
  switch (action.type) {
    case "chatReceived": {
      if (state.messages.some((m) => m.id === action.message.id)) return state;
      const mine = action.mine || action.message.fromPeerId === selfId;
      return {
        ...state,
        messages: insert(state.messages, [{ ...action.message, mine }]),
        unread: state.open || mine ? state.unread : state.unread + 1,
        error: mine ? null : state.error,
      };
    }
    case "chatSynced": {
      const known = new Set(state.messages.map((m) => m.id));
      const added = action.messages
        .filter((m) => !known.has(m.id))
        .map((m) => ({ ...m, mine: m.fromPeerId === selfId }));
      if (!added.length) return state;
      const unread = action.countUnread && !state.open ? added.filter((m) => !m.mine).length : 0;
      return { ...state, messages: insert(state.messages, added), unread: state.unread + unread };
    }
    case "chatOpen":
      if (state.open === action.open) return state;
      return { ...state, open: action.open, unread: action.open ? 0 : state.unread };
    case "chatError":
      return state.error === action.error ? state : { ...state, error: action.error };
  }
}
