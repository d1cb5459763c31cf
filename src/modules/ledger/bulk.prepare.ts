/**
 * The database-free half of a bulk load: turning validated problems into the rows a load writes (problems,
 * units, results, indicators, the hash-chained log, the search tokens), given where the load starts (the
 * next sequence number, the last hash, the number counters). It imports nothing that touches a database,
 * so that a worker thread can run it beside the thread that writes (see bench/generate.ts).
 */
import crypto from 'node:crypto';
import { GENESIS_HASH } from '../../kernel/chain.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { problemSearchText } from '../../kernel/text.ts';
import { provenState, RUNNING_STATUSES } from '../problems/index.ts';
import type { RowSet } from '../../db/dialect/rowSet.ts';
import type { ActionRecord, ProblemRecord } from '../problems/index.ts';
import type { ImportProblem } from './ledger.schema.ts';

/** Who an import is recorded as in the action log. */
export interface ImportActor {
  userId: string | null;
  name: string;
  unitId: string | null;
}

/** Where a bulk load starts: everything preparing its rows needs, as plain data a thread can be given. */
export interface LoadPlan {
  jurisdictionId: string;
  /** The jurisdiction's number prefix (problem numbers are `prefix-YYYY-NNNNNN`). */
  prefix: string;
  /** The load's time: each problem's last change and its `import` action. */
  at: string;
  /** The note of each problem's `import` action. */
  note: string;
  actor: ImportActor;
  /** Unit id → name, for the actor names of the history given with a problem. */
  unitNames: [string, string][];
  /** Indicator code → scale, for the results' stored values. */
  scales: [string, number][];
  /** The sequence number of the load's first action. */
  nextSeq: number;
  /** The hash of the action before it (the genesis hash when there is none). */
  prevHash: string;
  /** Year → the highest problem number taken in that year, for the years reserved (see reserveYears). */
  numberCounters: Record<string, number>;
}

/** A chunk of problems made ready to write: its rows, and where the chain and the counters stand after it. */
export interface PreparedChunk {
  ids: string[];
  problems: RowSet;
  units: RowSet;
  results: RowSet;
  indicators: RowSet;
  actions: RowSet;
  /** The problems' ids and search tokens, in the same order. */
  search: { ids: string[]; tokens: string[] };
  /** The sequence number of the chunk's first action, and of the action after its last. */
  firstSeq: number;
  nextSeq: number;
  /** The hash the chunk's first action chains on, and its last action's hash. */
  firstPrevHash: string;
  lastHash: string;
  /** The number counters this chunk moved (year → highest number taken), with their values after it. */
  numberCounters: Record<string, number>;
}

const json = JSON.stringify;

/**
 * The text an action row's hash covers: exactly `canonicalJson(actionHashRecord(row))` (keys in sorted
 * order, numbers as numbers), written out field by field because a bulk load hashes millions of rows.
 */
export function actionHashText(r: Omit<ActionRecord, 'hash' | 'prev_hash'>): string {
  return (
    `{"action":${json(r.action)},"actor_name":${json(r.actor_name)},"actor_unit_id":${json(r.actor_unit_id)}` +
    `,"actor_user_id":${json(r.actor_user_id)},"created_at":${json(r.created_at)},"data":${json(r.data)}` +
    `,"from_status":${json(r.from_status)},"id":${json(r.id)},"is_public":${json(Number(r.is_public))}` +
    `,"jurisdiction_id":${json(r.jurisdiction_id)},"note":${json(r.note)},"problem_id":${json(r.problem_id)}` +
    `,"seq":${json(Number(r.seq))},"to_status":${json(r.to_status)}}`
  );
}

/** The ISO timestamp of a local date (+08:00) at a local time of day. */
export function localInstant(date: string, time = '00:00:00'): string {
  return new Date(`${date}T${time}+08:00`).toISOString();
}

const DISPATCHED = ['assigned', 'bounced', 'in_progress', 'closure_requested', 'closed'];
const RESPONDED = ['in_progress', 'closure_requested', 'closed'];

/**
 * The problems row of one problem to load: what a ledger (or a bulk load's extra fields) says, with the
 * derived dates and flags. Shared by the import and the benchmark's raw-insert ceiling.
 */
export function problemRowOf(
  jid: string,
  p: ImportProblem,
  id: string,
  number: string,
  at: string,
): ProblemRecord {
  const x = p.extra ?? {};
  const createdAt = x.createdAt ?? localInstant(p.foundOn);
  const dispatched = DISPATCHED.includes(p.status) && !!p.leadUnitId;
  const responded = RESPONDED.includes(p.status) && !!p.leadUnitId;
  const running = (RUNNING_STATUSES as string[]).includes(p.status);
  return {
    jurisdiction_id: jid,
    id,
    number,
    kind: p.kind,
    domain: p.domain,
    category_code: p.categoryCode,
    channel: p.channel,
    title: p.title,
    description: p.description,
    reporter_user_id: null,
    reporter_name: p.reporterName,
    reporter_phone: p.reporterPhone,
    enterprise_name: p.enterpriseName,
    enterprise_uscc: null,
    township_code: p.townshipCode,
    village_code: p.villageCode,
    address: p.address,
    lat: x.lat ?? null,
    lng: x.lng ?? null,
    campaign_id: p.campaignId,
    topic_id: p.topicId,
    visit_id: null,
    lead_unit_id: p.leadUnitId,
    rectification_type: p.rectificationType,
    urgency: x.urgency ?? 'normal',
    status: p.status,
    due_state: running ? (p.closeDueAt && p.closeDueAt < at ? 'overdue' : 'normal') : 'none',
    respond_due_at: x.respondDueAt ?? null,
    close_due_at: p.closeDueAt,
    dispatched_at: x.dispatchedAt !== undefined ? x.dispatchedAt : dispatched ? createdAt : null,
    responded_at: x.respondedAt !== undefined ? x.respondedAt : responded ? createdAt : null,
    closed_at: p.closedAt,
    close_hours: p.closedAt ? Math.max(0, (Date.parse(p.closedAt) - Date.parse(createdAt)) / 3600_000) : null,
    resolved: p.status === 'closed' && p.result ? 1 : 0,
    rating: p.rating,
    last_rating: p.rating,
    repeat_of_id: null,
    merged_into_id: null,
    pending_extension: null,
    delegate_unit_id: null,
    delegate_state: null,
    delegate_due_at: null,
    delegate_due_state: null,
    bounce_count: x.bounceCount ?? 0,
    press_count: x.pressCount ?? 0,
    reopen_count: x.reopenCount ?? 0,
    fields: '{}',
    found_on: p.foundOn,
    created_at: createdAt,
    updated_at: at,
    version: 1,
  };
}

/** The years whose number counters preparing these problems reads: given numbers' years, and found-on years. */
export function yearsOf(prefix: string, problems: ImportProblem[]): string[] {
  const numbered = numberPattern(prefix);
  const years = new Set<string>();
  for (const p of problems) {
    const m = p.number ? numbered.exec(p.number) : null;
    if (m) years.add(m[1]!);
    if (!p.number) years.add(p.foundOn.slice(0, 4));
  }
  return [...years];
}

function numberPattern(prefix: string): RegExp {
  return new RegExp(`^${prefix.replace(/[^\w]/g, '\\$&')}-(\\d{4})-(\\d+)$`);
}

/** The problems table's columns, in the order problemRowOf writes them. */
const PROBLEM_COLS = Object.keys(
  problemRowOf('', { foundOn: '2000-01-01', status: 'submitted' } as ImportProblem, '', '', ''),
) as (keyof ProblemRecord)[];
const UNIT_COLS = ['jurisdiction_id', 'problem_id', 'unit_id', 'role'];
const RESULT_COLS = ['jurisdiction_id', 'problem_id', 'summary', 'mechanism', 'created_at'];
const INDICATOR_COLS = ['jurisdiction_id', 'problem_id', 'code', 'value_scaled'];
const ACTION_COLS: (keyof ActionRecord)[] = [
  'jurisdiction_id',
  'id',
  'problem_id',
  'seq',
  'action',
  'from_status',
  'to_status',
  'actor_user_id',
  'actor_name',
  'actor_unit_id',
  'note',
  'data',
  'is_public',
  'created_at',
  'prev_hash',
  'hash',
];

/**
 * Prepares the chunks of one bulk load in order, carrying the chain and the counters from one chunk to
 * the next. Each chunk must then be written in the same order (BulkLoad.write checks).
 */
export class ChunkPreparer {
  private nextSeq: number;
  private prevHash: string;
  private readonly counters: Map<string, number>;
  private readonly numbered: RegExp;
  private readonly unitNames: Map<string, string>;
  private readonly scales: Map<string, number>;

  constructor(private readonly plan: LoadPlan) {
    this.nextSeq = plan.nextSeq;
    this.prevHash = plan.prevHash || GENESIS_HASH;
    this.counters = new Map(Object.entries(plan.numberCounters));
    this.numbered = numberPattern(plan.prefix);
    this.unitNames = new Map(plan.unitNames);
    this.scales = new Map(plan.scales);
  }

  /** Adds the counters of years reserved after the plan was made (their values as read then). */
  reserved(counters: Record<string, number>): void {
    for (const [year, value] of Object.entries(counters))
      if (!this.counters.has(year)) this.counters.set(year, value);
  }

  prepare(problems: ImportProblem[]): PreparedChunk {
    const { jurisdictionId: jid, prefix, at, actor, note } = this.plan;
    const counter = (year: string): number => {
      const v = this.counters.get(year);
      if (v === undefined) throw new Error(`bulk load: the number counter of ${year} was not reserved`);
      return v;
    };
    const moved: Record<string, number> = {};
    // Numbers: the given ones raise their year's counter past them; the unnumbered ones then take the
    // next numbers of their found-on year.
    for (const p of problems) {
      const m = p.number ? this.numbered.exec(p.number) : null;
      if (m && Number(m[2]) > counter(m[1]!)) this.counters.set(m[1]!, (moved[m[1]!] = Number(m[2])));
    }
    const firstSeq = this.nextSeq;
    const firstPrevHash = this.prevHash;
    const ids: string[] = [];
    const problemValues: unknown[] = [];
    const units: unknown[] = [];
    const results: unknown[] = [];
    const indicators: unknown[] = [];
    const actions: unknown[] = [];
    const tokens: string[] = [];
    let seq = this.nextSeq;
    let prev = this.prevHash;
    const push = (r: Omit<ActionRecord, 'prev_hash' | 'hash'>) => {
      const hash = crypto.hash('sha256', `${prev}|${actionHashText(r)}`);
      actions.push(
        r.jurisdiction_id,
        r.id,
        r.problem_id,
        r.seq,
        r.action,
        r.from_status,
        r.to_status,
        r.actor_user_id,
        r.actor_name,
        r.actor_unit_id,
        r.note,
        r.data,
        r.is_public,
        r.created_at,
        prev,
        hash,
      );
      prev = hash;
    };
    for (const p of problems) {
      const id = uuidv7();
      ids.push(id);
      let number = p.number;
      if (!number) {
        const year = p.foundOn.slice(0, 4);
        const n = counter(year) + 1;
        this.counters.set(year, (moved[year] = n));
        number = `${prefix}-${year}-${String(n).padStart(6, '0')}`;
      }
      const row = problemRowOf(jid, p, id, number, at);
      for (const c of PROBLEM_COLS) problemValues.push(row[c]);
      if (p.leadUnitId) {
        units.push(jid, id, p.leadUnitId, 'lead');
        for (const u of p.supportingUnitIds) units.push(jid, id, u, 'supporting');
      }
      if (p.result) {
        results.push(jid, id, p.result.summary, p.result.mechanism, p.closedAt ?? at);
        for (const i of p.result.indicators)
          indicators.push(jid, id, i.code, Math.round(i.value * (this.scales.get(i.code) ?? 1)));
      }
      tokens.push(problemSearchText(row));
      for (const h of p.extra?.history ?? [])
        push({
          jurisdiction_id: jid,
          id: uuidv7(),
          problem_id: id,
          seq: seq++,
          action: h.action,
          from_status: h.from,
          to_status: h.to,
          actor_user_id: null,
          actor_name: h.unitId ? (this.unitNames.get(h.unitId) ?? actor.name) : actor.name,
          actor_unit_id: h.unitId,
          note: h.note ?? null,
          data: '{}',
          is_public: h.public ? 1 : 0,
          created_at: h.at,
        });
      push({
        jurisdiction_id: jid,
        id: uuidv7(),
        problem_id: id,
        seq: seq++,
        action: 'import',
        from_status: null,
        to_status: row.status,
        actor_user_id: actor.userId,
        actor_name: actor.name,
        actor_unit_id: actor.unitId,
        note,
        // What the row, its units and its result hold, for `audit verify` to prove them (problems.proof.ts).
        data: json({
          number: row.number,
          progress: p.progress,
          state: provenState(row),
          units: p.leadUnitId ? { lead: p.leadUnitId, supporting: p.supportingUnitIds } : null,
          result: p.result
            ? {
                summary: p.result.summary,
                mechanism: p.result.mechanism ?? null,
                indicators: Object.fromEntries(
                  p.result.indicators.map((i) => [
                    i.code,
                    Math.round(i.value * (this.scales.get(i.code) ?? 1)),
                  ]),
                ),
              }
            : null,
        }),
        is_public: 0,
        created_at: at,
      });
    }
    this.nextSeq = seq;
    this.prevHash = prev;
    return {
      ids,
      problems: { cols: PROBLEM_COLS, values: problemValues },
      units: { cols: UNIT_COLS, values: units },
      results: { cols: RESULT_COLS, values: results },
      indicators: { cols: INDICATOR_COLS, values: indicators },
      actions: { cols: ACTION_COLS, values: actions },
      search: { ids, tokens },
      firstSeq,
      nextSeq: seq,
      firstPrevHash,
      lastHash: prev,
      numberCounters: moved,
    };
  }
}
