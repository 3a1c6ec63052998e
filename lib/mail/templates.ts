// The text of the mails the site sends (plain text + a small HTML part).
import type { OutgoingMail } from "@/lib/mail/mailer";

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function html(paragraphs: string[], link?: { href: string; label: string }): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`).join("");
  const button = link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : "";
  return `<!doctype html><html><body style="font-family:sans-serif">${body}${button}</body></html>`;
}

export function verificationMail(to: string, name: string | null, url: string): OutgoingMail {
  const hello = `Hello${name ? ` ${name}` : ""},`;
  const lines = [hello, "please confirm that this is your email address for Meet:", "The link works once and for 24 hours. If you did not sign up, ignore this mail."];
  return {
    to,
    subject: "Confirm your email address",
    text: `${lines[0]}\n\n${lines[1]}\n${url}\n\n${lines[2]}\n`,
    html: html([lines[0], lines[1]], { href: url, label: "Confirm my address" }) + html([lines[2]]),
  };
}

export function passwordResetMail(to: string, url: string): OutgoingMail {
  const lines = ["Someone (hopefully you) asked to reset the password of your Meet account.", "The link works once and for 1 hour. If you did not ask for it, ignore this mail: your password stays as it is."];
  return {
    to,
    subject: "Reset your password",
    text: `${lines[0]}\n\nChoose a new password here:\n${url}\n\n${lines[1]}\n`,
    html: html([lines[0]], { href: url, label: "Choose a new password" }) + html([lines[1]]),
  };
}

export interface InvitationMailInput {
  to: string;
  kind: "invite" | "update" | "cancel";
  title: string;
  hostName: string;
  /** "Tue 10 Mar 2030, 09:00 (Europe/Berlin)" etc. */
  when: string;
  inviteUrl: string;
  ics: string;
}

export function invitationMail(m: InvitationMailInput): OutgoingMail {
  const subject =
    m.kind === "cancel" ? `Cancelled: ${m.title}` : m.kind === "update" ? `Updated invitation: ${m.title}` : `Invitation: ${m.title}`;
  const intro =
    m.kind === "cancel"
      ? `${m.hostName} cancelled "${m.title}" (${m.when}).`
      : m.kind === "update"
        ? `${m.hostName} changed "${m.title}". It is now: ${m.when}.`
        : `${m.hostName} invites you to "${m.title}": ${m.when}.`;
  const join = m.kind === "cancel" ? [] : ["Join in the browser with this link (no app needed):", m.inviteUrl];
  return {
    to: m.to,
    subject,
    text: [intro, "", ...join, "", "The attached calendar file adds it to your calendar."].join("\n") + "\n",
    html: html([intro], m.kind === "cancel" ? undefined : { href: m.inviteUrl, label: "Join the meeting" }),
    calendar: { method: m.kind === "cancel" ? "CANCEL" : "REQUEST", content: m.ics, filename: m.kind === "cancel" ? "cancel.ics" : "invite.ics" },
  };
}
