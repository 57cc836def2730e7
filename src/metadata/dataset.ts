/**
 * User datasets as metadata: JSONL (one JSON object per line) or CSV (a header row, then data rows),
 * with a mapping from our field names to the dataset's columns. Every error names the file, the line or
 * row, and what to change.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { formatIssues } from '../config/issues.js';
import { UserInputError } from '../providers/types.js';
import type { MetadataItem } from './types.js';

/** The config shape of one dataset: `{ file, format?, fields: { ours: theirs }, id?, pool? }`. */
export const datasetSchema = z
  .object({
    file: z.string().min(1, 'give the dataset file path'),
    format: z.enum(['jsonl', 'csv']).optional(),
    fields: z
      .record(z.string().min(1), z.string().min(1, 'give the dataset column to read this field from'))
      .refine((f) => Object.keys(f).length > 0, 'map at least one field, e.g. fields: { question: prompt }'),
    id: z.string().min(1).optional(),
    pool: z.string().min(1).optional(),
  })
  .strict();

export type DatasetSpec = z.infer<typeof datasetSchema>;

export interface LoadDatasetOptions {
  /** Folder a relative `file` is resolved against (the config file's folder); default the working directory. */
  baseDir?: string;
}

/** Validate a dataset spec from a config (or anywhere) and load it. */
export function loadDatasetFromConfig(raw: unknown, where: string, opts: LoadDatasetOptions = {}): MetadataItem[] {
  const parsed = datasetSchema.safeParse(raw);
  if (!parsed.success) throw new UserInputError(`Invalid dataset:\n${formatIssues(where, parsed.error.issues)}`);
  return loadDataset(parsed.data, opts);
}

/**
 * Read a dataset into items, one per row, in file order. Item ids: the `id` column's value when mapped
 * (must be present and unique), else `<file basename>#<row>` where row is the 1-based line number for
 * JSONL and the 1-based data row (header not counted) for CSV. Pool: spec.pool or `dataset:<basename>`.
 */
export function loadDataset(spec: DatasetSpec, opts: LoadDatasetOptions = {}): MetadataItem[] {
  const shown = spec.file;
  const path = isAbsolute(spec.file) ? spec.file : resolve(opts.baseDir ?? process.cwd(), spec.file);
  const format = spec.format ?? formatFromExtension(shown, path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder, not a file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    const where = path !== shown ? ` (resolved to ${path})` : '';
    throw new UserInputError(`${shown}${where}: cannot read the dataset: ${why}. Fix: check the "file" path of this dataset in the config (relative paths are resolved from the config file's folder).`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = format === 'jsonl' ? jsonlRows(shown, text) : csvRows(shown, text);
  if (rows.length === 0) {
    const how = format === 'jsonl' ? 'one JSON object per line, e.g. {"question": "..."}' : 'a header row naming the columns, then one data row per item';
    throw new UserInputError(`${shown}: the dataset is empty (no data rows). Fix: add at least one row (${how}).`);
  }
  return toItems(spec, shown, format, rows, dirname(path));
}

type Format = 'jsonl' | 'csv';
/** One data row: where it is (for messages and ids) and its values by column. */
interface Row { n: number; where: string; values: Record<string, string>; columns: string[] }

function formatFromExtension(shown: string, path: string): Format {
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  throw new UserInputError(`${shown}: cannot tell the dataset format from the extension "${ext || '(none)'}". Fix: name the file .jsonl or .csv, or set format: jsonl or format: csv for this dataset.`);
}

function jsonlRows(shown: string, text: string): Row[] {
  const rows: Row[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const n = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new UserInputError(`${shown}: line ${n}: not valid JSON (${(e as Error).message}). Fix: each line must hold one complete JSON object, e.g. {"question": "...", "answer": "..."}; no trailing commas, no line breaks inside an object.`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      throw new UserInputError(`${shown}: line ${n}: expected a JSON object, got ${got}. Fix: write each row as an object with named columns, e.g. {"question": "..."}.`);
    }
    const values: Record<string, string> = {};
    const obj = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(obj)) {
      if (v === null || v === undefined) continue;
      try {
        values[k] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
      } catch {
        throw new UserInputError(`${shown}: line ${n}: column "${k}" nests objects or lists too deeply to read. Fix: give it a flat value (a string or number).`);
      }
    }
    rows.push({ n, where: `line ${n}`, values, columns: Object.keys(obj) });
  }
  return rows;
}

function csvRows(shown: string, text: string): Row[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, { skip_empty_lines: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const err = e as Error & { lines?: number; code?: string };
    const at = err.lines ? `line ${err.lines}: ` : '';
    const fix = err.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' || err.code === 'CSV_RECORD_INCONSISTENT_COLUMNS'
      ? 'every row needs as many values as the header has columns; quote values that contain commas ("a, b")'
      : err.code === 'CSV_QUOTE_NOT_CLOSED' || err.code === 'CSV_INVALID_CLOSING_QUOTE'
        ? 'close a quoted value with a double quote, and write a literal quote inside a quoted value as ""'
        : 'check the CSV syntax near that line (comma-separated, values with commas or line breaks in double quotes)';
    throw new UserInputError(`${shown}: ${at}malformed CSV: ${err.message}. Fix: ${fix}.`);
  }
  if (records.length === 0) return [];
  const header = records[0].record.map((h) => h.trim());
  const blank = header.findIndex((h) => h === '');
  if (blank >= 0) throw new UserInputError(`${shown}: row 0 (the header, line 1): column ${blank + 1} has no name. Fix: give every column a name in the header row.`);
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup !== undefined) throw new UserInputError(`${shown}: row 0 (the header, line 1): column "${dup}" appears twice. Fix: give every column a distinct name.`);
  return records.slice(1).map(({ record, info }, i) => {
    const values: Record<string, string> = {};
    header.forEach((h, k) => { values[h] = record[k] ?? ''; });
    // info.lines is the line the record ends on; a quoted value may span lines.
    const breaks = record.reduce((sum, v) => sum + (v.split('\n').length - 1), 0);
    return { n: i + 1, where: `row ${i + 1} (line ${info.lines - breaks})`, values, columns: header };
  });
}

function toItems(spec: DatasetSpec, shown: string, format: Format, rows: Row[], folder: string): MetadataItem[] {
  const base = basename(spec.file);
  const pool = spec.pool ?? `dataset:${base}`;
  const mapped = Object.entries(spec.fields);
  if (format === 'csv') {
    // Columns are the header's: check the mapping once, against line 1.
    const columns = rows[0].columns;
    for (const [ours, theirs] of mapped) {
      if (!columns.includes(theirs)) throw missingColumn(shown, 'the header (line 1)', `fields.${ours}`, theirs, columns);
    }
    if (spec.id !== undefined && !columns.includes(spec.id)) throw missingColumn(shown, 'the header (line 1)', 'id', spec.id, columns);
  }
  const seen = new Map<string, string>();
  return rows.map((row) => {
    const fields: Record<string, string> = {};
    for (const [ours, theirs] of mapped) {
      const v = row.values[theirs];
      if (v === undefined && row.columns.includes(theirs)) {
        throw new UserInputError(`${shown}: ${row.where}: column "${theirs}" (mapped by fields.${ours}) is null. Fix: give it a value on that row, or remove the row.`);
      }
      if (v === undefined) throw missingColumn(shown, row.where, `fields.${ours}`, theirs, row.columns);
      fields[ours] = v;
    }
    if (fields.image !== undefined) checkImage(shown, row.where, spec.fields.image, fields.image, folder);
    let id = `${base}#${row.n}`;
    if (spec.id !== undefined) {
      const v = row.values[spec.id];
      if (v === undefined) throw missingColumn(shown, row.where, 'id', spec.id, row.columns);
      if (v.trim() === '') throw new UserInputError(`${shown}: ${row.where}: the id column "${spec.id}" is empty. Fix: give every row an id, or remove "id" from the mapping to use row numbers.`);
      id = v.trim();
      const first = seen.get(id);
      if (first !== undefined) throw new UserInputError(`${shown}: ${row.where}: id "${id}" repeats the id of ${first}. Fix: make the "${spec.id}" column unique, or remove "id" from the mapping to use row numbers.`);
      seen.set(id, row.where);
    }
    return { id, pool, fields, source: spec.file };
  });
}

function missingColumn(shown: string, where: string, key: string, column: string, columns: string[]): UserInputError {
  const list = columns.length ? columns.map((c) => `"${c}"`).join(', ') : '(none)';
  return new UserInputError(`${shown}: ${where}: no column "${column}" (mapped by ${key}); the columns are ${list}. Fix: set ${key} to one of those columns, or add "${column}" to the dataset.`);
}

/** The image formats a dataset's `image` field may point to, by their first bytes. */
const IMAGE_SIGNATURES: { name: string; test: (b: Buffer) => boolean }[] = [
  { name: 'PNG', test: (b) => b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { name: 'JPEG', test: (b) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { name: 'GIF', test: (b) => b.length >= 6 && (b.subarray(0, 6).toString('latin1') === 'GIF87a' || b.subarray(0, 6).toString('latin1') === 'GIF89a') },
  { name: 'WebP', test: (b) => b.length >= 12 && b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
];

/**
 * A row's `image` field names an image file (relative to the dataset's folder): it must be readable and be a
 * PNG, JPEG, GIF or WebP by its magic bytes, whatever its extension says.
 */
function checkImage(shown: string, where: string, column: string, value: string, folder: string): void {
  const field = `fields.image (column "${column}")`;
  if (/^(https?|data):/i.test(value)) return;
  const path = isAbsolute(value) ? value : resolve(folder, value);
  let head: Buffer;
  try {
    const fd = openSync(path, 'r');
    try {
      head = Buffer.alloc(16);
      head = head.subarray(0, readSync(fd, head, 0, 16, 0));
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder, not a file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UserInputError(`${shown}: ${where}: ${field} is "${value}" (${path}): cannot read the image: ${why}. Fix: give the path of an image file, relative to the dataset's folder.`);
  }
  if (IMAGE_SIGNATURES.some((s) => s.test(head))) return;
  const bytes = head.length ? [...head.subarray(0, 8)].map((x) => x.toString(16).padStart(2, '0')).join(' ') : '(empty file)';
  throw new UserInputError(`${shown}: ${where}: ${field} is "${value}", which is not an image: it is not a PNG, JPEG, GIF or WebP file (it starts with ${bytes}). Fix: point the field at a PNG, JPEG, GIF or WebP image, or convert the file to one of those formats.`);
}
