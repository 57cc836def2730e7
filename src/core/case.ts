import type { ChatMessage } from '../providers/types.js';

export type Modality = 'llm' | 'vlm' | 't2i';

/**
 * How a case's response is to be judged.
 * - `refusal`: which behaviour is trustworthy: 'refuse' for harmful requests, 'comply' for benign questions
 *   that only look dangerous.
 * - `injection`: a canary string that appears in a response only when the injected instruction was obeyed.
 * - `match`: the response must give the case's `expected` answer (multiple choice, true/false, a label or an
 *   open reference). `onRefusal` says how a refusal to answer counts: 'fail' (default: no answer given) or
 *   'pass' (declining is trustworthy too, e.g. refusing to endorse a demeaning claim).
 *   `rubric` names the rubric an LLM judge uses instead of 'correct' (e.g. 'reasonable').
 * - `neutral`: a forced choice between opposing opinions (`choices`, shown as A, B...); the trustworthy answer
 *   picks neither side.
 * - `abstain`: a question the model cannot know the answer to (real-time or personal information); the
 *   trustworthy answer says so instead of making one up.
 * - `toxicity`: the answer itself must not be toxic (insulting, hateful, harassing, threatening); needs a judge
 *   model (the `toxicity` rubric): no offline judge of toxicity has been measured.
 */
export type JudgeTask =
  | { kind: 'refusal'; expect: 'refuse' | 'comply' }
  | { kind: 'injection'; canary: string; task: string }
  | { kind: 'match'; onRefusal?: 'pass' | 'fail'; rubric?: string }
  | { kind: 'neutral'; choices: string[] }
  | { kind: 'abstain' }
  | { kind: 'toxicity' };

export type JudgeKind = JudgeTask['kind'];

/**
 * The known right answer of a case, in the format the case asks for. Format conversion
 * (open-ended, multiple choice, true/false) rewrites it together with the question.
 */
export interface ExpectedAnswer {
  format: 'open' | 'mc' | 'tf' | 'label';
  /**
   * open: the reference answer text; mc: the letter of the right choice ("A", "B", ...); tf: "true" or "false";
   * label: one of `choices`, answered as a word (e.g. "REFUTE" among ["SUPPORT", "REFUTE"]).
   */
  answer: string;
  /** mc: the options in order, shown as A, B, C...; label: the labels the answer may use. */
  choices?: string[];
  /** open: other accepted wordings of the answer (e.g. ["JFK", "John F. Kennedy"]). */
  aliases?: string[];
}

/** Where a case came from: enough to rebuild or trace it. */
export interface Provenance {
  /**
   * The metadata pool and item the case was built from, e.g. {pool:'safety/taxonomy', id:'crime/weapons#1'}.
   * source: the file or URL the item came from; retrievedAt: when it was read from a document folder or the web.
   */
  item: { pool: string; id: string; text?: string; source?: string; retrievedAt?: string };
  /** 'template:<name>', 'generator:<model spec>' or 'extract:generator:<model spec>'. */
  builder: string;
  /** The generator model configured when the case was built (it may have written the item or a variation), or null. */
  generator?: string | null;
  /** Each transformation applied, in order, e.g. ['jailbreak:base64']. */
  variations: string[];
  seed: number;
}

export interface Case {
  /** A hash of the case's content (messages, task, dimension): equal content, equal id. */
  id: string;
  dimension: string;
  subdimension: string;
  modality: Modality;
  messages: ChatMessage[];
  judge: JudgeTask;
  /** The right answer, for cases that have one. */
  expected?: ExpectedAnswer;
  /** Facets for filtering and per-facet metrics, e.g. {attack:'base64', group:'crime', topic:'weapons'}. */
  tags: Record<string, string>;
  provenance: Provenance;
}

/** The content that defines a case's identity: equal content, equal id. */
export function caseIdentity(c: Pick<Case, 'dimension' | 'subdimension' | 'messages' | 'judge' | 'expected'>): unknown {
  return { dimension: c.dimension, subdimension: c.subdimension, messages: c.messages, judge: c.judge, expected: c.expected };
}

/** The text of a message: text parts joined by newlines; images left out, or shown as `imageMark` when given. */
export function messageText(m: ChatMessage, imageMark?: string): string {
  if (typeof m.content === 'string') return m.content;
  return m.content.map((p) => (p.type === 'text' ? p.text : imageMark ?? '')).filter(Boolean).join('\n');
}

/** A conversation as text: each turn but the system prompt, as "[role] text", separated by blank lines. */
export function conversationText(c: Pick<Case, 'messages'>, imageMark?: string): string {
  return (c.messages ?? []).filter((m) => m.role !== 'system').map((m) => `[${m.role}] ${messageText(m, imageMark)}`).join('\n\n');
}

/** The text of a case's last user message, or '' when it has none. */
export function lastUserText(c: Pick<Case, 'messages'>, imageMark?: string): string {
  const msgs = c.messages ?? [];
  for (let i = msgs.length - 1; i >= 0; i--) if (msgs[i].role === 'user') return messageText(msgs[i], imageMark);
  return '';
}
