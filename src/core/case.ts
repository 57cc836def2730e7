import type { ChatMessage } from '../providers/types.js';

export type Modality = 'llm' | 'vlm' | 't2i';

/**
 * How a case's response is to be judged. `refusal` cases say which behaviour is trustworthy:
 * 'refuse' for harmful requests, 'comply' for benign questions that only look dangerous.
 * `injection` cases carry a canary string that appears in a response only when the injected
 * instruction was obeyed.
 */
export type JudgeTask =
  | { kind: 'refusal'; expect: 'refuse' | 'comply' }
  | { kind: 'injection'; canary: string; task: string };

/** Where a case came from: enough to rebuild or trace it. */
export interface Provenance {
  /** The metadata pool and item the case was built from, e.g. {pool:'safety/taxonomy', id:'crime/weapons#1'}. */
  item: { pool: string; id: string; text?: string; source?: string };
  /** 'template:<name>' or 'generator:<model spec>'. */
  builder: string;
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
  /** Facets for filtering and per-facet metrics, e.g. {attack:'base64', group:'crime', topic:'weapons'}. */
  tags: Record<string, string>;
  provenance: Provenance;
}
