/**
 * 台账回填: a ledger exported from Qingdan comes back filled in. A row that names an existing problem (its
 * number, with the problem's own title) updates it instead of being refused as a duplicate: the progress
 * lines (整改进展) the row adds are logged on the problem, if it is still at the version it was exported
 * at. A row that adds nothing changes nothing, so the same file imported twice changes nothing the second
 * time. Pure: the service reads the problems and writes the updates.
 */
import type { ProblemRecord, ProgressLine } from '../problems/index.ts';
import {
  LEDGER_COLUMNS,
  VERSION_COLUMN,
  type LedgerColumnKey,
  type LedgerIssue,
  type LedgerRecord,
  type LedgerUpdate,
} from './ledger.schema.ts';

const HEADER_OF = new Map<LedgerColumnKey, string>(LEDGER_COLUMNS.map((c) => [c.key, c.header]));
const MAX_NOTE = 2000;
/** Columns that are not the problem's data to compare: the running number and the export's own columns. */
const NOT_COMPARED = new Set<LedgerColumnKey>(['progress', 'phone']);

/** A problem the ledger names, with its cells as an export writes them now. */
export interface NamedProblem {
  row: ProblemRecord;
  cells: Record<LedgerColumnKey, string>;
}

/** An update ready to write: the problem as read, and the lines to add. */
export interface PlannedUpdate extends LedgerUpdate {
  problem: ProblemRecord;
}

/** A progress line as written in a ledger: `2024-05-08 已现场核实`, or the note alone. */
function parseLine(
  line: string,
  parseDate: (s: string) => string | null,
): { date: string | null; note: string } {
  const m = /^(\S+)\s+(.+)$/s.exec(line);
  const date = m ? parseDate(m[1]!) : null;
  return date ? { date, note: m![2]!.trim() } : { date: null, note: line };
}

/** The note of a line, as compared: a line is there already when its note is, whatever its date. */
const noteKey = (note: string) => note.replace(/\s+/g, ' ').trim();

/**
 * The updates a ledger's rows make to the problems they name, the rows that change nothing, and the
 * issues that refuse the ledger (another problem's number, a problem changed since the export, a bad line).
 */
export function planUpdates(
  records: LedgerRecord[],
  named: Map<string, NamedProblem>,
  columns: ReadonlySet<LedgerColumnKey>,
  today: string,
  parseDate: (s: string) => string | null,
): { updates: PlannedUpdate[]; unchanged: number; issues: LedgerIssue[] } {
  const updates: PlannedUpdate[] = [];
  const issues: LedgerIssue[] = [];
  const seen = new Map<string, number>();
  let unchanged = 0;
  for (const rec of records) {
    const number = rec.cells.number!;
    const target = named.get(number)!;
    const bad = (key: LedgerColumnKey, message: string) =>
      issues.push({ row: rec.row, column: HEADER_OF.get(key)!, message });
    if (seen.has(number)) {
      bad(
        'number',
        `编号「${number}」与第 ${seen.get(number)} 行重复 / duplicate of row ${seen.get(number)}`,
      );
      continue;
    }
    seen.set(number, rec.row);
    if ((rec.cells.title ?? '') !== target.cells.title) {
      bad(
        'number',
        `编号「${number}」已存在，是「${target.cells.title}」，不是本行的问题；新问题请不填编号 / the number exists, for another problem; leave it empty for a new one`,
      );
      continue;
    }

    const known = new Set(
      target.cells.progress
        .split('\n')
        .filter(Boolean)
        .map((l) => noteKey(parseLine(l.trim(), parseDate).note)),
    );
    const progress: ProgressLine[] = [];
    for (const raw of (rec.cells.progress ?? '').split(/\r?\n/)) {
      const line = raw.trim();
      if (!line) continue;
      const { date, note } = parseLine(line, parseDate);
      const key = noteKey(note);
      if (known.has(key)) continue;
      known.add(key);
      if ([...note].length > MAX_NOTE)
        bad('progress', `每条进展不能超过 ${MAX_NOTE} 个字 / at most ${MAX_NOTE} characters a line`);
      else if (date && date > today) bad('progress', `进展日期 ${date} 晚于今天 / dated in the future`);
      else progress.push({ date: date ?? today, note });
    }
    if (progress.length === 0) {
      unchanged++;
      continue;
    }
    const version = rec.version;
    if (version !== undefined && version !== String(target.row.version)) {
      issues.push({
        row: rec.row,
        column: VERSION_COLUMN.header,
        message: `编号「${number}」在导出后已有变动（导出时版本 ${version}，现为 ${target.row.version}），请重新导出后再填写 / changed since the export; export again`,
      });
      continue;
    }
    const ignored = LEDGER_COLUMNS.filter(
      (c) =>
        !NOT_COMPARED.has(c.key) &&
        columns.has(c.key) &&
        (rec.cells[c.key] ?? '') !== (target.cells[c.key] ?? '').trim(),
    ).map((c) => c.header);
    updates.push({
      row: rec.row,
      number,
      title: target.row.title,
      progress,
      ignored,
      problem: target.row,
    });
  }
  return { updates, unchanged, issues };
}
