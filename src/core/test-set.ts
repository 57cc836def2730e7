import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
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
  const cases: Case[] = [];
  const header = streamTestSet(file, (batch) => { for (const c of batch) cases.push(c); });
  return { header, cases };
}

/** The header of a saved set (line 1 only; the cases and the hash are checked when the set is read). */
export function readTestSetHeader(file: string): TestSetHeader {
  let header: TestSetHeader | undefined;
  forEachLine(file, (line) => {
    header = parseHeader(file, line);
    return false;
  });
  if (!header) throw new UserInputError(`${file}: empty file; expected a test set written by \`trustgen generate\`.`);
  return header;
}

/**
 * Read a saved set a batch of cases at a time, so memory stays flat whatever its size: the header is checked
 * first, each case's shape as it comes, and the content hash and count after the last line, before the last
 * batch is handed over (a caller that stores batches inside one transaction stores nothing from a bad file).
 */
export function streamTestSet(file: string, onCases: (cases: Case[], firstIndex: number) => void, batchSize = 1000): TestSetHeader {
  let header: TestSetHeader | undefined;
  const hash = createHash('sha256');
  let count = 0;
  let batch: Case[] = [];
  let lineNo = 0;
  forEachLine(file, (line) => {
    lineNo++;
    if (lineNo === 1) {
      header = parseHeader(file, line);
      return true;
    }
    if (count > 0) hash.update('\n');
    hash.update(line);
    batch.push(parseCase(file, line, lineNo));
    count++;
    if (batch.length >= batchSize) {
      onCases(batch, count - batch.length);
      batch = [];
    }
    return true;
  });
  if (!header) throw new UserInputError(`${file}: empty file; expected a test set written by \`trustgen generate\`.`);
  const digest = hash.digest('hex');
  if (digest !== header.hash) {
    throw new UserInputError(`${file}: the cases do not match the header's content hash (${header.hash.slice(0, 12)}... vs ${digest.slice(0, 12)}...): the file was edited. Regenerate it with \`trustgen generate\`.`);
  }
  if (count !== header.cases) throw new UserInputError(`${file}: header says ${header.cases} cases, the file holds ${count}.`);
  if (batch.length) onCases(batch, count - batch.length);
  return header;
}

function parseHeader(file: string, line: string): TestSetHeader {
  let header: TestSetHeader;
  try {
    header = JSON.parse(line);
  } catch {
    throw new UserInputError(`${file}: line 1: not JSON; expected the test-set header written by \`trustgen generate\`.`);
  }
  if (header?.trustgenSet !== 1) throw new UserInputError(`${file}: line 1: not a trustgen test set header (no "trustgenSet": 1). Write sets with \`trustgen generate --out FILE.jsonl\`.`);
  return header;
}

function parseCase(file: string, line: string, lineNo: number): Case {
  let c: Case;
  try {
    c = JSON.parse(line);
  } catch {
    throw new UserInputError(`${file}: line ${lineNo}: not valid JSON.`);
  }
  const missing = REQUIRED.filter((k) => c?.[k] === undefined);
  if (missing.length) throw new UserInputError(`${file}: line ${lineNo}: case lacks ${missing.join(', ')}.`);
  return c;
}

/**
 * Call onLine for each line of a file ("\n"-separated, read 1 MB at a time; a final newline ends the last
 * line rather than starting an empty one) until it returns false.
 */
function forEachLine(file: string, onLine: (line: string) => boolean): void {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new UserInputError(`${file}: cannot read the test set: ${(e as Error).message}`);
  }
  try {
    const buf = Buffer.alloc(1 << 20);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        throw new UserInputError(`${file}: cannot read the test set: ${(e as Error).message}`);
      }
      if (n === 0) break;
      const chunk = rest + decoder.write(buf.subarray(0, n));
      let start = 0;
      for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
        if (!onLine(chunk.slice(start, nl))) return;
        start = nl + 1;
      }
      rest = chunk.slice(start);
    }
    rest += decoder.end();
    if (rest !== '') onLine(rest);
  } finally {
    closeSync(fd);
  }
}
