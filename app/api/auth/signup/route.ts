// JSON sign-up (same rules as the /signup form, verification mail included): POST {name, email, password}
// -> 201 {id, email, role} | 400 {error, fieldErrors} | 409 {error}.
import { prisma } from "@/lib/db";
import { fieldErrors, signUpSchema } from "@/lib/auth/schemas";
import { signUpAndVerify } from "@/lib/auth/signup";
import { originFromHeaders } from "@/lib/meetings/origin";

export async function POST(req: Request) {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return Response.json({ error: "expected a JSON body" }, { status: 400 });
  }
  const parsed = signUpSchema.safeParse(body);
  if (!parsed.success) {
    return Response.json({ error: "invalid sign-up data", fieldErrors: fieldErrors(parsed.error) }, { status: 400 });
  }
  const result = await signUpAndVerify(prisma, parsed.data, originFromHeaders(req.headers));
  if (!result.ok) return Response.json({ error: result.error, fieldErrors: { email: result.error } }, { status: 409 });
  return Response.json({ id: result.user.id, email: result.user.email, role: result.user.role }, { status: 201 });
}
