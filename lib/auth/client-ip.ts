// Best-effort client IP for rate limiting. The custom server runs Next in-process and
// Next fills `x-forwarded-for` from the socket when the header is absent; behind a
// reverse proxy the proxy should set it.
type HeaderBag = Headers | Record<string, string | string[] | undefined> | undefined | null;

function get(headers: HeaderBag, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

export function clientIp(headers: HeaderBag): string {
  const xff = get(headers, "x-forwarded-for");
  const first = xff?.split(",")[0]?.trim();
  if (first) return first.slice(0, 64);
  const real = get(headers, "x-real-ip")?.trim();
  return real ? real.slice(0, 64) : "unknown";
}
