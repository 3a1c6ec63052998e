// The browser side of the room chat: sending (with the server's refusal shown in the panel),
// messages from others, and the history the join / resume replies carry. State lives in the
// room reducer (chat-state.ts); this only talks to the server.
import { checkChatText } from "@/lib/chat/text";
import { CHAT_MAX_LENGTH, type ChatMessage } from "@/lib/signaling/protocol";
import type { RoomAction } from "./room-state";
import { SignalingRequestError } from "./signaling-client";
import type { Signal } from "./transports";

export class ChatController {
  constructor(
    private readonly signal: Signal,
    private readonly dispatch: (action: RoomAction) => void,
    private readonly isOpen: () => boolean,
  ) {}

  /** Sends `text`; resolves true once the server accepted it (the input can be cleared). */
  async send(text: string): Promise<boolean> {
    const checked = checkChatText(text);
    if (!checked.ok) {
      if (checked.reason === "too-long") this.fail(`A message can be at most ${CHAT_MAX_LENGTH} characters.`);
      return false;
    }
    try {
      const { message } = await this.signal("sendChat", { text: checked.text });
      this.dispatch({ type: "chatReceived", message, mine: true });
      this.dispatch({ type: "chatError", error: null });
      return true;
    } catch (err) {
      this.fail(sendErrorText(err));
      return false;
    }
  }

  received(message: ChatMessage): void {
    this.dispatch({ type: "chatReceived", message, mine: false });
  }

  /** The server's recent messages: on the first join they are old news; after a reconnect, missed. */
  synced(messages: ChatMessage[], missed: boolean): void {
    this.dispatch({ type: "chatSynced", messages, countUnread: missed });
  }

  setOpen(open: boolean): void {
    this.dispatch({ type: "chatOpen", open });
  }

  toggle(): void {
    this.setOpen(!this.isOpen());
  }

  private fail(error: string): void {
    this.dispatch({ type: "chatError", error });
  }
}

function sendErrorText(err: unknown): string {
  if (err instanceof SignalingRequestError) {
    switch (err.code) {
      case "RATE_LIMITED":
        return "You are sending messages too fast. Wait a moment and try again.";
      case "DISCONNECTED":
      case "TIMEOUT":
        return "Not connected: the message was not sent.";
      case "BAD_REQUEST":
        return err.message;
    }
  }
  return "The message could not be sent.";
}
