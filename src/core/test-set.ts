import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserInputError } from '../providers/types.js';
import { canonicalJson, sha256 } from '../util/hash.js';
import type { Case } from './case.js';

/**
 * A saved test set: JSONL whose first line is a header and each further line one case, as canonical
 * JSON (sorted keys). The header's hash is the sha256 of the case lines joined by "\n", so the same cases
 * always give the same bytes and the same hash, and any edit to a case is detected.
 */
export interface TestSetHeader {
  trustgenSet: 1;
  hash: string;
  cases: number;
  dimensions: string[];
  seed: number;
  generator: string | null;
  size: number | null;
  trustgenVersion: string;
}

export interface TestSet { header: TestSetHeader; cases: Case[] }

export function serializeTestSet(meta: Omit<TestSetHeader, 'trustgenSet' | 'hash' | 'cases'>, cases: Case[]): { text: string; header: TestSetHeader } {
  const lines = cases.map((c) => canonicalJson(c));
  const header: TestSetHeader = { trustgenSet: 1, hash: sha256(lines.join('\n')), cases: cases.length, ...meta };
  return { text: `${canonicalJson(header)}\n${lines.join('\n')}${lines.length ? '\n' : ''}`, header };
}

export function writeTestSet(file: string, meta: Omit<TestSetHeader, 'trustgenSet' | 'hash' | 'cases'>, cases: Case[]): TestSetHeader {
  const { text, header } = serializeTestSet(meta, cases);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return header;
}

const REQUIRED: (keyof Case)[] = ['id', 'dimension', 'subdimension', 'modality', 'messages', 'judge', 'tags', 'provenance'];

/** Read a saved set, checking its header, every case's shape, and the content hash. */
export function readTestSet(file: string): TestSet {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserInputError(`${file}: cannot read the test set: ${(e as Error).message}`);
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) throw new UserInputError(`${file}: empty file; expected a test set written by \`trustgen generate\`.`);
  let header: TestSetHeader;
  try {
    header = JSON.parse(lines[0]);
  } catch {
    throw new UserInputError(`${file}: line 1: not JSON; expected the test-set header written by \`trustgen generate\`.`);
  }
  if (header?.trustgenSet !== 1) throw new UserInputError(`${file}: line 1: not a trustgen test set header (no "trustgenSet": 1). Write sets with \`trustgen generate --out FILE.jsonl\`.`);
  const caseLines = lines.slice(1);
  const cases = caseLines.map((line, i) => {
    let c: Case;
    try {
      c = JSON.parse(line);
    } catch {
      throw new UserInputError(`${file}: line ${i + 2}: not valid JSON.`);
    }
    const missing = REQUIRED.filter((k) => c?.[k] === undefined);
    if (missing.length) throw new UserInputError(`${file}: line ${i + 2}: case lacks ${missing.join(', ')}.`);
    return c;
  });
  const hash = sha256(caseLines.join('\n'));
  if (hash !== header.hash) {
    throw new UserInputError(`${file}: the cases do not match the header's content hash (${header.hash.slice(0, 12)}... vs ${hash.slice(0, 12)}...): the file was edited. Regenerate it with \`trustgen generate\`.`);
  }
  if (cases.length !== header.cases) throw new UserInputError(`${file}: header says ${header.cases} cases, the file holds ${cases.length}.`);
  return { header, cases };
}
