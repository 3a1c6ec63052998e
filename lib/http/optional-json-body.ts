// Route handlers whose JSON body is optional: an empty body is `{}`, anything else must parse.
export async function readOptionalJsonBody(req: Request): Promise<{ ok: true; body: unknown } | { ok: false }> {
  const text = await req.text();
  if (!text.trim()) return { ok: true, body: {} };
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
