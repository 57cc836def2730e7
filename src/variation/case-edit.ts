/**
 * Helpers for variators: read and replace the text of a case's last user message, and derive a new
 * case with its id, provenance and tags updated.
 */
import { caseIdentity, type Case, type ExpectedAnswer } from '../core/case.js';
import type { ChatMessage } from '../providers/types.js';
import { contentId } from '../util/hash.js';

function lastUserIndex(c: Case): number {
  for (let i = c.messages.length - 1; i >= 0; i--) if (c.messages[i].role === 'user') return i;
  return -1;
}

/**
 * The text of the last user message: the message itself, or its last text part when it has parts
 * (images and a question). Null when there is no user message or it holds no text.
 */
export function lastUserText(c: Case): string | null {
  const i = lastUserIndex(c);
  if (i < 0) return null;
  const content = c.messages[i].content;
  if (typeof content === 'string') return content;
  for (let k = content.length - 1; k >= 0; k--) {
    const part = content[k];
    if (part.type === 'text') return part.text;
  }
  return null;
}

/** The messages with the last user text (as lastUserText finds it) replaced; the others are kept as they are. */
export function withLastUserText(c: Case, text: string): ChatMessage[] {
  const i = lastUserIndex(c);
  if (i < 0) throw new Error('the case has no user message');
  const messages = c.messages.slice();
  const m = messages[i];
  if (typeof m.content === 'string') {
    messages[i] = { ...m, content: text };
  } else {
    const parts = m.content.slice();
    let k = parts.length - 1;
    while (k >= 0 && parts[k].type !== 'text') k--;
    if (k < 0) throw new Error('the last user message has no text');
    parts[k] = { type: 'text', text };
    messages[i] = { ...m, content: parts };
  }
  return messages;
}

/** Strings a variation must keep: the canary of a prompt-injection case. */
export function mustKeep(c: Case): string[] {
  return c.judge.kind === 'injection' ? [c.judge.canary] : [];
}

/**
 * A new case derived from `c`: new messages (and expected answer, when given), the label appended
 * to provenance.variations, tags.variation set (chained labels joined by "+"), and a new content id.
 */
export function deriveCase(c: Case, label: string, messages: ChatMessage[], expected?: ExpectedAnswer): Case {
  const prior = c.tags.variation;
  const next: Case = {
    ...c,
    messages,
    expected: expected ?? c.expected,
    tags: { ...c.tags, variation: prior ? `${prior}+${label}` : label },
    provenance: { ...c.provenance, variations: [...c.provenance.variations, label] },
  };
  if (next.expected === undefined) delete next.expected;
  next.id = contentId(caseIdentity(next));
  return next;
}

/** A derived case whose only change is the last user text. */
export function withText(c: Case, label: string, text: string, expected?: ExpectedAnswer): Case {
  return deriveCase(c, label, withLastUserText(c, text), expected);
}
