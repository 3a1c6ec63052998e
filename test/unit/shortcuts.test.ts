// Keyboard shortcuts: which key does what, never with Ctrl/Alt/⌘ or auto-repeat, and never
// while typing in a field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SHORTCUTS, isTypingTarget, shortcutFor, type KeyLike } from "../../components/room/useShortcuts";

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  shiftKey: false,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  repeat: false,
  ...mods,
});

test("single keys for mic, camera, screen, hand, chat, participants; Shift+L leaves; ? helps", () => {
  assert.equal(shortcutFor(key("m")), "toggleMic");
  assert.equal(shortcutFor(key("M", { shiftKey: true })), null, "Shift+M is not M");
  assert.equal(shortcutFor(key("v")), "toggleCamera");
  assert.equal(shortcutFor(key("s")), "toggleScreen");
  assert.equal(shortcutFor(key("h")), "toggleHand");
  assert.equal(shortcutFor(key("c")), "toggleChat");
  assert.equal(shortcutFor(key("p")), "toggleParticipants");
  assert.equal(shortcutFor(key("l")), null, "leaving needs Shift");
  assert.equal(shortcutFor(key("L", { shiftKey: true })), "leave");
  assert.equal(shortcutFor(key("?", { shiftKey: true })), "showHelp");
  assert.equal(shortcutFor(key("x")), null);
  assert.equal(shortcutFor(key("Enter")), null);
});

test("browser shortcuts and held keys are left alone", () => {
  for (const mods of [{ ctrlKey: true }, { altKey: true }, { metaKey: true }, { repeat: true }]) {
    assert.equal(shortcutFor(key("m", mods)), null, JSON.stringify(mods));
    assert.equal(shortcutFor(key("?", mods)), null, JSON.stringify(mods));
  }
});

test("every action is listed in the help with its keys", () => {
  const actions = SHORTCUTS.map((s) => s.action).sort();
  assert.deepEqual(actions, ["leave", "showHelp", "toggleCamera", "toggleChat", "toggleHand", "toggleMic", "toggleParticipants", "toggleScreen"]);
  for (const s of SHORTCUTS) assert.ok(s.keys.length > 0 && s.label.length > 0);
});

test("typing targets: text fields, text areas, selects, editable content, textbox roles", () => {
  const el = (tagName: string, attrs: Record<string, string> = {}, isContentEditable = false) => ({
    tagName,
    isContentEditable,
    getAttribute: (n: string) => attrs[n] ?? null,
  });
  assert.equal(isTypingTarget(el("TEXTAREA")), true);
  assert.equal(isTypingTarget(el("input")), true, "no type = text");
  assert.equal(isTypingTarget(el("INPUT", { type: "search" })), true);
  assert.equal(isTypingTarget(el("SELECT")), true);
  assert.equal(isTypingTarget(el("DIV", {}, true)), true);
  assert.equal(isTypingTarget(el("DIV", { role: "textbox" })), true);
  assert.equal(isTypingTarget(el("INPUT", { type: "checkbox" })), false);
  assert.equal(isTypingTarget(el("BUTTON")), false);
  assert.equal(isTypingTarget(el("BODY")), false);
  assert.equal(isTypingTarget(null), false);
});
