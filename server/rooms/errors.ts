import type { ErrorCode } from "../../lib/signaling/protocol";

/** An error that becomes an error reply with this code and message (shown to the client). */
export class RequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "RequestError";
  }
}

export const fail = (code: ErrorCode, message: string): never => {
  throw new RequestError(code, message);
};
