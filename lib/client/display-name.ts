// The display name is remembered per browser so returning users only click "Join".
const KEY = "meet.displayName";

export function loadDisplayName(): string {
  try {
    return localStorage.getItem(KEY) ?? "";
  } catch {
    return ""; // storage disabled (privacy mode)
  }
}

export function saveDisplayName(name: string): void {
  try {
    localStorage.setItem(KEY, name.trim());
  } catch {
    // ignore: remembering the name is a convenience
  }
}

/**
 * Whether the name field may be filled with the name a join token carries. Only a signed-in
 * user's account name, only into an empty field, and never once the person typed in it:
 * otherwise a token arriving while someone starts typing mixes the two ("Guest" + "Bo"
 * became "GuestBo"). Guests' tokens carry the placeholder "Guest", which is never prefilled.
 */
export function shouldPrefillName(current: string, edited: boolean, token: { name?: string; guest?: boolean }): boolean {
  return !!token.name?.trim() && token.guest === false && !edited && !current.trim();
}
