// A sample view of an artifact's first bytes: the first rows of CSV, JSON (an array or one object) or JSON Lines,
// with the columns found in them.
import { ValidationFailed } from '../errors';

export const SAMPLE_ROWS = 20;

export interface Sample {
  format: 'csv' | 'json' | 'jsonl';
  columns: string[];
  rows: unknown[];
  truncated: boolean;
}

export function sampleFormat(contentType: string, filename: string): Sample['format'] | null {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'text/csv' || filename.toLowerCase().endsWith('.csv')) return 'csv';
  if (type === 'application/x-ndjson' || type === 'application/jsonl' || /\.(jsonl|ndjson)$/i.test(filename))
    return 'jsonl';
  if (type === 'application/json' || filename.toLowerCase().endsWith('.json')) return 'json';
  return null;
}

export function sampleText(format: Sample['format'], text: string, complete: boolean): Sample {
  if (format === 'csv') {
    const lines = parseCsv(text, complete);
    const [header = [], ...records] = lines;
    const rows = records
      .slice(0, SAMPLE_ROWS)
      .map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? null])));
    return { format, columns: header, rows, truncated: records.length > SAMPLE_ROWS || !complete };
  }
  if (format === 'jsonl') {
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    if (!complete) lines.pop(); // the last line may be cut by the sample window
    const rows = lines.slice(0, SAMPLE_ROWS).map((line, i) => parseJson(line, `line ${i + 1}`));
    return { format, columns: columnsOf(rows), rows, truncated: lines.length > SAMPLE_ROWS || !complete };
  }
  if (!complete)
    throw new ValidationFailed([
      { path: 'artifact', message: 'the JSON document is larger than the sample window' },
    ]);
  const value = parseJson(text, 'the document');
  const rows = Array.isArray(value) ? value.slice(0, SAMPLE_ROWS) : [value];
  return {
    format,
    columns: columnsOf(rows),
    rows,
    truncated: Array.isArray(value) && value.length > SAMPLE_ROWS,
  };
}

/** Every row of a whole CSV (objects by header), JSON (an array, or one value as one row) or JSON Lines file. */
export function parseRows(format: Sample['format'], text: string): unknown[] {
  if (format === 'csv') {
    const [header = [], ...records] = parseCsv(text, true);
    return records.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? null])));
  }
  if (format === 'jsonl')
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, i) => parseJson(line, `line ${i + 1}`));
  const value = parseJson(text, 'the document');
  return Array.isArray(value) ? value : [value];
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationFailed([{ path: 'artifact', message: `${where} is not valid JSON` }]);
  }
}

function columnsOf(rows: unknown[]): string[] {
  const columns = new Set<string>();
  for (const row of rows)
    if (row && typeof row === 'object' && !Array.isArray(row))
      for (const key of Object.keys(row)) columns.add(key);
  return [...columns];
}

/** RFC 4180 rows: quoted fields may hold commas, doubled quotes and line breaks; blank lines are skipped. */
export function parseCsv(text: string, complete: boolean): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (complete && (field !== '' || row.length > 0)) rows.push([...row, field]);
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}
