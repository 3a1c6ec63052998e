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
