import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { UserInputError } from '../providers/types.js';
import type { JudgeInput } from './types.js';

/** One input row, with where it came from for error messages. */
export interface InputRow { values: Record<string, unknown>; where: string }

export interface InputTable { file: string; format: 'csv' | 'jsonl'; columns: string[]; rows: InputRow[] }

const FORMATS: Record<string, InputTable['format']> = { '.csv': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl' };

/** Read a CSV file (header row) or a JSONL file (one JSON object a line), by its extension. Bad input is a UserInputError naming the file and the line. */
export function readTable(file: string): InputTable {
  const format = FORMATS[extname(file).toLowerCase()];
  if (!format) {
    throw new UserInputError(`${file}: unknown input format "${extname(file) || '(no extension)'}". Give a .csv file (with a header row) or a .jsonl file (one JSON object a line).`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserInputError(`${file}: cannot read the input file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check the path given to --input.`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return format === 'csv' ? readCsv(file, text) : readJsonl(file, text);
}

function readCsv(file: string, text: string): InputTable {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, info: true }) as typeof records;
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new UserInputError(`${file}${err.lines ? ` line ${err.lines}` : ''}: not valid CSV: ${err.message}. The file needs a header row and the same number of fields on every row (quote fields holding commas or line breaks).`);
  }
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  const columns = records.length ? Object.keys(records[0].record) : (parse(header) as string[][])[0] ?? [];
  return {
    file, format: 'csv', columns,
    rows: records.map((r, i) => ({ values: r.record, where: `${file} row ${i + 1} (line ${r.info.lines})` })),
  };
}

function readJsonl(file: string, text: string): InputTable {
  const rows: InputRow[] = [];
  const columns = new Set<string>();
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${file} line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new UserInputError(`${where}: not valid JSON (${(e as Error).message}). Each line of a .jsonl file must hold one JSON object, e.g. {"prompt": "...", "completion": "..."}.`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new UserInputError(`${where}: a JSON ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}, not an object. Each line of a .jsonl file must hold one JSON object, e.g. {"prompt": "...", "completion": "..."}.`);
    }
    for (const k of Object.keys(value)) columns.add(k);
    rows.push({ values: value as Record<string, unknown>, where });
  });
  return { file, format: 'jsonl', columns: [...columns], rows };
}

/** Fail unless the table has the column, listing the columns it does have. */
export function requireColumn(table: InputTable, column: string, flag: string): void {
  if (table.columns.includes(column)) return;
  const have = table.columns.length ? table.columns.map((c) => `"${c}"`).join(', ') : 'none (the file has no rows)';
  throw new UserInputError(`${table.file}: no column "${column}" (${flag}). Its columns are: ${have}. Name one of them with ${flag} COLUMN.`);
}

/** A cell as text; a missing or null cell is an error naming the row. */
export function cellText(row: InputRow, column: string): string {
  const v = row.values[column];
  if (v === undefined || v === null) throw new UserInputError(`${row.where}: "${column}" is ${v === null ? 'null' : 'missing'}. Every row needs a value in that column.`);
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Answer options: a JSON array (or a JSON array written in a CSV cell), else text split on '|' or new lines. */
export function cellChoices(row: InputRow, column: string): string[] {
  const v = row.values[column];
  if (Array.isArray(v)) return v.map((x) => String(x));
  const text = cellText(row, column).trim();
  if (text.startsWith('[')) {
    try {
      const arr = JSON.parse(text) as unknown;
      if (Array.isArray(arr)) return arr.map((x) => String(x));
    } catch { /* fall through to splitting */ }
  }
  return text.split(text.includes('|') ? '|' : /\r?\n/).map((s) => s.trim()).filter(Boolean);
}

export interface ColumnMap {
  prompt?: string;
  response: string;
  reference?: string;
  choices?: string;
  other?: string;
}

/** Turn rows into judge inputs through the column map (columns already checked with requireColumn). */
export function toJudgeInputs(table: InputTable, map: ColumnMap): JudgeInput[] {
  return table.rows.map((row) => {
    const input: JudgeInput = { prompt: map.prompt ? cellText(row, map.prompt) : '', response: cellText(row, map.response) };
    if (map.reference) input.reference = cellText(row, map.reference);
    if (map.choices) input.choices = cellChoices(row, map.choices);
    if (map.other) input.other = cellText(row, map.other);
    return input;
  });
}
