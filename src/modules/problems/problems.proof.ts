/**
 * The current state of a problem proved against its log (issue 20): the results list and the KPIs read the
 * `problems` row, its units and its result, not the log, so a hash chain over the log alone would call a
 * database edited behind the application intact. Every change written through the funnel records in its
 * log entry the columns it leaves (`data.state`); the units are what the last dispatch recorded and the
 * result what the last closure request recorded. `audit verify` compares the rows with that, problem by
 * problem, and names each one that differs. Entries older than `data.state` prove the status alone.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { ReferenceData } from '../reference/index.ts';
import type { ActionRow, ProblemRow } from './problems.repository.ts';
import { proofRepository } from './problems.proof.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The columns of a problem that its log proves: status, deadlines, lead unit, outcome and counters. */
export const PROVEN_COLUMNS = [
  'status',
  'lead_unit_id',
  'respond_due_at',
  'close_due_at',
  'closed_at',
  'resolved',
  'rating',
  'last_rating',
  'merged_into_id',
  'press_count',
  'reopen_count',
  'bounce_count',
  'delegate_unit_id',
  'delegate_state',
  'delegate_due_at',
  'delegate_due_state',
] as const satisfies readonly (keyof ProblemRow)[];

/** The proven columns of a problem row, as recorded in a log entry's `data.state`. */
export type ProvenState = Record<(typeof PROVEN_COLUMNS)[number], string | number | null>;

/** A row with at least the proven columns. */
export type ProvenRow = Pick<ProblemRow, (typeof PROVEN_COLUMNS)[number]>;

/** The proven columns of a row (numbers as numbers, whichever database read them). */
export function provenState(row: ProvenRow): ProvenState {
  const out = {} as ProvenState;
  for (const c of PROVEN_COLUMNS) {
    const v = row[c];
    out[c] = typeof v === 'number' || typeof v === 'bigint' ? Number(v) : (v ?? null);
  }
  for (const c of ['resolved', 'press_count', 'reopen_count', 'bounce_count'] as const)
    out[c] = Number(out[c] ?? 0);
  return out;
}

/** A result as the log records it: summary, mechanism and each indicator's stored (scaled) value. */
export interface LoggedResult {
  summary: string;
  mechanism: string | null;
  indicators: Record<string, number>;
}

/** One difference between a problem's rows and its log. */
export interface StateDifference {
  problemId: string;
  number: string;
  field: string;
  found: unknown;
  logged: unknown;
}

/** What a problem's log says of its current state. */
interface LoggedState {
  status: string | null;
  state: ProvenState | null;
  units: { lead: string; supporting: string[]; delegate?: string | null } | null;
  result: LoggedResult | null;
}

/** Reads what a problem's log (oldest first) says its state is. */
export function loggedStateOf(actions: ActionRow[], ref: ReferenceData): LoggedState {
  const out: LoggedState = { status: null, state: null, units: null, result: null };
  for (const a of actions) {
    const data = JSON.parse(a.data) as Record<string, unknown>;
    out.status = a.to_status;
    if (data.state && typeof data.state === 'object') out.state = data.state as ProvenState;
    if ((a.action === 'dispatch' || a.action === 'reassign') && typeof data.leadUnitId === 'string') {
      const lead = data.leadUnitId;
      // As dispatch stores them: the lead unit is not also a supporting one.
      const supporting = [...new Set((data.supportingUnitIds as string[]) ?? [])].filter((u) => u !== lead);
      out.units = { lead, supporting, delegate: null };
    }
    if (
      (a.action === 'delegate' || a.action === 'redelegate') &&
      out.units &&
      typeof data.unitId === 'string'
    )
      out.units = { ...out.units, delegate: data.unitId };
    if (a.action === 'import' && data.units) out.units = data.units as LoggedState['units'];
    if (a.action === 'request_closure') {
      const indicators: Record<string, number> = {};
      for (const i of (data.indicators as { code: string; value: number }[]) ?? [])
        indicators[i.code] = Math.round(i.value * (ref.indicators.get(i.code)?.scale ?? 1));
      out.result = {
        summary: a.note ?? '',
        mechanism: (data.mechanism as string | null) ?? null,
        indicators,
      };
    }
    if (a.action === 'import' && data.result) out.result = data.result as LoggedResult;
  }
  return out;
}

/** The stored state of a page of problems: rows, units, results and indicators, and their logs. */
export interface StoredPage {
  rows: ProblemRow[];
  actions: Map<string, ActionRow[]>;
  units: Map<string, { unit_id: string; role: string }[]>;
  results: Map<string, { summary: string; mechanism: string | null }>;
  indicators: Map<string, Record<string, number>>;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The differences between one problem's rows and what its log says. */
export function differencesOf(
  row: ProblemRow,
  page: StoredPage,
  ref: ReferenceData,
): Omit<StateDifference, 'problemId' | 'number'>[] {
  const logged = loggedStateOf(page.actions.get(row.id) ?? [], ref);
  const out: Omit<StateDifference, 'problemId' | 'number'>[] = [];
  const differ = (field: string, found: unknown, inLog: unknown) => {
    if (!same(found, inLog)) out.push({ field, found: found ?? null, logged: inLog ?? null });
  };
  if (logged.status === null) {
    out.push({ field: 'log', found: 'a problem', logged: 'no entry' });
    return out;
  }
  differ('status', row.status, logged.status);
  if (logged.state) {
    const found = provenState(row);
    for (const c of PROVEN_COLUMNS)
      if (c !== 'status' && c in logged.state) differ(c, found[c], logged.state[c]);
  }
  const units = page.units.get(row.id) ?? [];
  if (logged.units) {
    differ('lead unit', units.find((u) => u.role === 'lead')?.unit_id, logged.units.lead);
    differ(
      'supporting units',
      units
        .filter((u) => u.role === 'supporting')
        .map((u) => u.unit_id)
        .sort(),
      [...logged.units.supporting].sort(),
    );
    differ('village unit', units.find((u) => u.role === 'delegate')?.unit_id, logged.units.delegate);
  } else if (units.length) differ('units', units.map((u) => u.unit_id).sort(), []);
  const result = page.results.get(row.id);
  const indicators = page.indicators.get(row.id) ?? {};
  if (logged.result) {
    differ('result summary', result?.summary, logged.result.summary);
    differ('result mechanism', result?.mechanism, logged.result.mechanism);
    for (const code of new Set([...Object.keys(indicators), ...Object.keys(logged.result.indicators)]))
      differ(`indicator ${code}`, indicators[code], logged.result.indicators[code]);
  } else if (result || Object.keys(indicators).length) differ('result', { ...result, indicators }, null);
  return out;
}

/**
 * Proves every problem of a jurisdiction against its log: the differences (at most `max`, in order of
 * problem id) and how many problems were checked.
 */
export async function verifyProblemStates(
  db: Db,
  jurisdictionId: string,
  ref: ReferenceData,
  max = 100,
): Promise<{ checked: number; differences: StateDifference[] }> {
  const differences: StateDifference[] = [];
  let checked = 0;
  let after = '';
  for (;;) {
    const page = await proofRepository.storedPage(db, jurisdictionId, after, 1000);
    if (!page.rows.length) break;
    for (const row of page.rows) {
      checked++;
      for (const d of differencesOf(row, page, ref))
        if (differences.length < max) differences.push({ problemId: row.id, number: row.number, ...d });
    }
    after = page.rows[page.rows.length - 1]!.id;
  }
  return { checked, differences };
}
