/**
 * Retrieval from a local document folder: .txt, .md and .html/.htm files, read recursively in sorted
 * order, split into passages of about 100-250 words on paragraph boundaries. Each passage is an item whose
 * source is `<relative path>#passage-N` and whose retrievedAt is the file's modification time, so an
 * unchanged folder always gives the same items.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { UserInputError } from '../providers/types.js';
import { collapseSpace, htmlToBlocks, type TextBlock } from './html.js';
import type { MetadataItem } from './types.js';

export const DOCUMENT_EXTENSIONS = ['.txt', '.md', '.html', '.htm'] as const;

export interface DocumentOptions {
  /** Pool name of the items; default 'documents'. */
  pool?: string;
  /** A passage aims to hold at least this many words (default 100) ... */
  minWords?: number;
  /** ... and never more than this many (default 250). */
  maxWords?: number;
}

/**
 * Every passage of every supported file under `folder`. Hidden files and folders (names starting with '.')
 * and symlinked folders are skipped. Item fields: `text` (the passage), `file` (the relative path) and
 * `heading` (the last heading at or before the passage's start, when the file has headings).
 */
export function loadDocuments(folder: string, opts: DocumentOptions = {}): MetadataItem[] {
  const min = opts.minWords ?? 100;
  const max = opts.maxWords ?? 250;
  if (!(min >= 1 && max >= min)) throw new UserInputError(`documents: minWords (${min}) must be at least 1 and at most maxWords (${max}).`);
  let isDir = false;
  try {
    isDir = statSync(folder).isDirectory();
  } catch {
    throw new UserInputError(`${folder}: document folder not found. Fix: check the documents folder path in the config.`);
  }
  if (!isDir) throw new UserInputError(`${folder}: not a folder. Fix: point the documents setting at a folder holding .txt, .md or .html files.`);
  const files = listFiles(folder);
  if (files.length === 0) {
    throw new UserInputError(`${folder}: no ${DOCUMENT_EXTENSIONS.join(', ')} files in this folder or its subfolders. Fix: add documents, or point the setting at the right folder.`);
  }
  const pool = opts.pool ?? 'documents';
  const items: MetadataItem[] = [];
  for (const rel of files) {
    const path = join(folder, ...rel.split('/'));
    let text: string;
    let mtime: Date;
    try {
      text = readFileSync(path, 'utf8');
      mtime = statSync(path).mtime;
    } catch (e) {
      throw new UserInputError(`${path}: cannot read the document: ${(e as Error).message}. Fix: make it readable or remove it from the folder.`);
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const ext = extname(rel).toLowerCase();
    const blocks = ext === '.html' || ext === '.htm' ? htmlToBlocks(text) : textBlocks(text, ext === '.md');
    const retrievedAt = mtime.toISOString();
    splitPassages(blocks, min, max).forEach((p, k) => {
      const source = `${rel}#passage-${k + 1}`;
      const fields: Record<string, string> = { text: p.text, file: rel };
      if (p.heading !== undefined) fields.heading = p.heading;
      items.push({ id: source, pool, fields, source, retrievedAt });
    });
  }
  if (items.length === 0) throw new UserInputError(`${folder}: ${files.length} document file(s) found but none holds any text. Fix: check the files' contents.`);
  return items;
}

/** Relative paths ('/'-separated) of supported files, sorted by code point so the order never depends on the platform. */
export function listFiles(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      let isFile = entry.isFile();
      if (entry.isDirectory()) {
        walk(path);
        continue;
      }
      if (entry.isSymbolicLink()) {
        try {
          isFile = statSync(path).isFile(); // follow links to files, never to folders (no cycles)
        } catch {
          isFile = false;
        }
      }
      const ext = extname(entry.name).toLowerCase();
      if (isFile && (DOCUMENT_EXTENSIONS as readonly string[]).includes(ext)) out.push(relative(folder, path).split(sep).join('/'));
    }
  };
  walk(folder);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Paragraphs of plain text or Markdown: blocks separated by blank lines; Markdown headings marked as such. */
export function textBlocks(text: string, markdown: boolean): TextBlock[] {
  const blocks: TextBlock[] = [];
  let lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (markdown && lines[0]?.trim() === '---') {
    const end = lines.indexOf('---', 1); // YAML front matter
    if (end > 0) lines = lines.slice(end + 1);
  }
  let para: string[] = [];
  const flush = (): void => {
    const t = collapseSpace(para.join(' '));
    if (t !== '') blocks.push({ text: t, heading: false });
    para = [];
  };
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === '') {
      flush();
      continue;
    }
    if (markdown) {
      if (trimmed.startsWith('```') || trimmed.startsWith('~~~')) continue; // fence markers; code stays as text
      const h = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(trimmed);
      if (h) {
        flush();
        const t = collapseSpace(inlineMarkdown(h[2]));
        if (t !== '') blocks.push({ text: t, heading: true });
        continue;
      }
      para.push(inlineMarkdown(trimmed));
    } else {
      para.push(trimmed);
    }
  }
  flush();
  return blocks;
}

/** Links and images to their text; emphasis markers dropped. */
function inlineMarkdown(line: string): string {
  return line.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2');
}

function wordCount(text: string): number {
  let n = 0;
  let inWord = false;
  for (const c of text) {
    const space = c === ' ' || c === '\n' || c === '\t';
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

interface Unit { text: string; words: number; heading: boolean }
export interface Passage { text: string; words: number; heading?: string }

/**
 * Pack blocks into passages of at most `max` words, on block boundaries. A block longer than `max` is cut
 * at sentence ends (or, for one very long sentence, between words). A heading starts a new passage once the
 * current one holds `min` words, and never ends one. A last passage shorter than `min` joins the one before
 * when both fit in `max` and it does not start with a heading. So passages fall below `min` only at the end
 * of a document or before a heading, or when the next paragraph would not fit.
 */
export function splitPassages(blocks: TextBlock[], min: number, max: number): Passage[] {
  const units: Unit[] = [];
  for (const b of blocks) {
    const words = wordCount(b.text);
    if (words <= max) units.push({ text: b.text, words, heading: b.heading });
    else for (const piece of cutLong(b.text, max)) units.push({ text: piece, words: wordCount(piece), heading: false });
  }
  const groups: Unit[][] = [];
  let cur: Unit[] = [];
  let curWords = 0;
  const flush = (): void => {
    const carry: Unit[] = [];
    while (cur.length > 1 && cur[cur.length - 1].heading) carry.unshift(cur.pop()!);
    if (cur.length) groups.push(cur);
    cur = carry;
    curWords = carry.reduce((s, u) => s + u.words, 0);
  };
  for (const u of units) {
    if (cur.length && (curWords + u.words > max || (u.heading && curWords >= min))) flush();
    // A carried heading plus this unit may still be too long: then the heading goes alone.
    if (cur.length && curWords + u.words > max) {
      groups.push(cur);
      cur = [];
      curWords = 0;
    }
    cur.push(u);
    curWords += u.words;
  }
  if (cur.length) groups.push(cur);
  const last = groups[groups.length - 1];
  const prev = groups[groups.length - 2];
  if (last && prev) {
    const lw = last.reduce((s, u) => s + u.words, 0);
    const pw = prev.reduce((s, u) => s + u.words, 0);
    if (lw < min && lw + pw <= max && !last[0].heading) groups.splice(groups.length - 2, 2, [...prev, ...last]);
  }
  // The heading in force at each passage's start.
  let heading: string | undefined;
  return groups.map((g) => {
    if (g[0].heading) heading = g[0].text;
    const p: Passage = { text: g.map((u) => u.text).join('\n\n'), words: g.reduce((s, u) => s + u.words, 0), ...(heading !== undefined ? { heading } : {}) };
    for (const u of g) if (u.heading) heading = u.text;
    return p;
  });
}

/** Cut a long block into pieces of at most `max` words, at sentence ends where possible. */
function cutLong(text: string, max: number): string[] {
  const sentences = text.split(/(?<=[.!?]["'”’)\]]*)\s+/);
  const pieces: string[] = [];
  let cur: string[] = [];
  let curWords = 0;
  const push = (): void => {
    if (cur.length) pieces.push(cur.join(' '));
    cur = [];
    curWords = 0;
  };
  for (const s of sentences) {
    const words = s.split(' ').filter(Boolean);
    if (words.length > max) {
      push();
      for (let k = 0; k < words.length; k += max) pieces.push(words.slice(k, k + max).join(' '));
      continue;
    }
    if (curWords + words.length > max) push();
    cur.push(s);
    curWords += words.length;
  }
  push();
  return pieces;
}
