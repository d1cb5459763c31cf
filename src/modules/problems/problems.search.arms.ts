/**
 * A ranked page from the kinds of match alone (decision 0010): each kind of match read from its index (the
 * text index's entries, the category, domain, township, village and unit indexes), which tells of each
 * candidate its creation time and some of the tokens it holds or does not hold; only the candidates whose
 * score is still open and could change the page or the total are read (`stillOpen`), then the page's rows.
 * The same answer as reading every candidate's row (`rankedPage`), proven on both databases by
 * search-exact.api.test.ts.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { FilterContext } from './problems.filters.ts';
import type { ProblemRow } from './problems.repository.ts';
import { rowScorer, SEARCH_ARM_MAX, numberRange, type SearchPlan } from './problems.search.ts';
import { rankKnown, stillOpen, type Candidate, type RankKey } from './problems.search.rank.ts';

/** The columns a candidate's score and its place in the ranking are worked out from. */
export const SCORED_COLUMNS = [
  'problems.id',
  'problems.created_at',
  'problems.number',
  'problems.title',
  'problems.description',
  'problems.address',
  'problems.enterprise_name',
  'problems.category_code',
  'problems.domain',
  'problems.township_code',
  'problems.village_code',
  'problems.lead_unit_id',
  'problems.reporter_phone',
  'problems.reporter_name',
] as const;

type Db = Kysely<DB> | Transaction<DB>;

/**
 * The most candidates' rows one page reads to settle open scores (the page's first, then the total's): a
 * broad phrase at a million problems leaves hundreds open, each a random read of a wide row. On data where
 * no kind of match reaches its cap nothing is open but a one-character token, and the answer is exact.
 */
export const SEARCH_READ_MAX = 200;
type Key = string | number;

/** The columns of problems a name can match, and the plan's names of each. */
const NAME_KINDS = [
  { column: 'category_code', of: (m: SearchPlan['names'][number]) => m.categories, ordered: true },
  { column: 'domain', of: (m: SearchPlan['names'][number]) => m.domains, ordered: true },
  {
    column: 'township_code',
    of: (m: SearchPlan['names'][number]) => m.divisions.filter((c) => c.length === 9),
    ordered: true,
  },
  {
    column: 'village_code',
    of: (m: SearchPlan['names'][number]) => m.divisions.filter((c) => c.length !== 9),
    ordered: false,
  },
  { column: 'lead_unit_id', of: (m: SearchPlan['names'][number]) => m.units, ordered: false },
] as const;
type NameColumn = (typeof NAME_KINDS)[number]['column'];

/** Whether a ranked page may be answered from the kinds of match: no filter but the search's own. */
export function armsAnswer(fc: FilterContext): boolean {
  const { q: _q, ...rest } = fc.filters as Record<string, unknown>;
  const filtered = Object.entries(rest).some(
    ([k, v]) =>
      v !== undefined &&
      v !== '' &&
      !['page', 'pageSize', 'sort', 'cursor'].includes(k) &&
      !(Array.isArray(v) && !v.length),
  );
  return (
    !filtered && (!fc.visibility || fc.visibility.all) && !fc.notLedBy && !fc.mineUserId && !fc.publicChanges
  );
}

/**
 * The problems of these keys: SQLite's rowids alone (with the jurisdiction too, the planner may read the
 * jurisdiction's whole index instead of seeking each rowid), the jurisdiction checked on the rows.
 */
function byKeys(db: Db, fc: FilterContext, keys: Key[]) {
  const keyCol = fc.dialect.problemKey;
  const q = db.selectFrom('problems').where(sql.raw(`problems.${keyCol}`), 'in', keys);
  return keyCol === 'rowid' ? q : q.where('problems.jurisdiction_id', '=', fc.jurisdictionId);
}

/** The columns a row's score reads, with its id and key. */
async function readScored(db: Db, fc: FilterContext, keys: Key[]) {
  const keyCol = fc.dialect.problemKey;
  const out = [];
  for (let i = 0; i < keys.length; i += 500) {
    out.push(
      ...(await byKeys(db, fc, keys.slice(i, i + 500))
        .select([
          'problems.jurisdiction_id',
          sql<Key>`problems.${sql.raw(keyCol)}`.as('key'),
          ...SCORED_COLUMNS,
        ])
        .execute()),
    );
  }
  return out.filter((r) => r.jurisdiction_id === fc.jurisdictionId);
}

export async function rankedFromArms(
  db: Db,
  fc: FilterContext,
  plan: SearchPlan,
  limit: number,
  offset: number,
  after?: RankKey,
): Promise<{ page: { row: ProblemRow; score: number }[]; total: number }> {
  const jid = fc.jurisdictionId;
  const keyCol = fc.dialect.problemKey;
  const n = plan.tokens.length;
  const strong = plan.tokens.filter((t) => [...t].length >= 2);
  const finders = new Set(strong.length ? strong : plan.tokens);
  const score = rowScorer(plan);
  const cands = new Map<Key, Candidate & { values: Partial<Record<NameColumn, string | null>> }>();
  const candidate = (key: Key, id: string | null, createdAt: string) => {
    let c = cands.get(key);
    if (!c) {
      c = { key, id, createdAt, pos: null, held: 0, out: 0, mayBeExact: false, score: null, values: {} };
      cands.set(key, c);
    }
    if (id !== null) c.id = id;
    return c;
  };

  // Exact keys: few problems, read whole.
  const exactSelects = [];
  const base = () =>
    db
      .selectFrom('problems as c')
      .select(sql<Key>`c.${sql.raw(keyCol)}`.as('key'))
      .where('c.jurisdiction_id', '=', jid);
  if (plan.numberPrefix) {
    const [from, to] = numberRange(plan.numberPrefix);
    exactSelects.push(
      base()
        .where('c.number', '>=', from)
        .where('c.number', '<', to)
        .where('c.number', 'like', `${plan.numberPrefix}%`)
        .orderBy('c.created_at', 'desc'),
    );
  }
  if (plan.reporterPhone) exactSelects.push(base().where('c.reporter_phone', '=', plan.reporterPhone));
  if (plan.reporterName) exactSelects.push(base().where('c.reporter_name', '=', plan.reporterName));
  let exactComplete = true;
  const exactKeys = new Set<Key>();
  for (const q of exactSelects) {
    const rows = await q.limit(SEARCH_ARM_MAX).execute();
    if (rows.length >= SEARCH_ARM_MAX) exactComplete = false;
    for (const r of rows) exactKeys.add(r.key);
  }

  // The text index, one arm per finding token: who holds it, and past which place in its order.
  const textArms: {
    token: number;
    keys: Set<Key>;
    complete: boolean;
    floor: number | null;
  }[] = [];
  for (let i = 0; i < n; i++) {
    if (!finders.has(plan.tokens[i]!)) continue;
    const rows = (await fc.dialect.problemSearchArm(jid, plan.tokens[i]!, SEARCH_ARM_MAX).execute(db)).rows;
    const keys = new Set<Key>();
    let floor: number | null = null;
    for (const r of rows) {
      if (r.pos !== null) floor = floor === null ? Number(r.pos) : Math.min(floor, Number(r.pos));
      if (r.key === null || r.id === null || r.created_at === null) continue;
      const c = candidate(r.key, r.id, r.created_at);
      if (r.pos !== null) c.pos = Number(r.pos);
      c.held |= 1 << i;
      keys.add(r.key);
    }
    textArms.push({ token: i, keys, complete: rows.length < SEARCH_ARM_MAX, floor });
  }
  // The names, one arm per kind of name (the finding tokens' names together), from their indexes.
  const nameArms: { column: NameColumn; values: Set<string>; complete: boolean; floor: string | null }[] = [];
  for (const kind of NAME_KINDS) {
    const values = [
      ...new Set(plan.names.flatMap((m, i) => (finders.has(plan.tokens[i]!) ? kind.of(m) : []))),
    ];
    if (!values.length) continue;
    // Several villages or units: their problems sorted together would be read whole, so any of them.
    const ordered = kind.ordered || values.length === 1;
    let q = db
      .selectFrom('problems as c')
      .select([
        sql<Key>`c.${sql.raw(keyCol)}`.as('key'),
        'c.created_at',
        sql<string | null>`c.${sql.raw(kind.column)}`.as('value'),
      ])
      .where('c.jurisdiction_id', '=', jid)
      .where(sql.raw(`c.${kind.column}`), 'in', values);
    if (ordered) q = q.orderBy('c.created_at', 'desc');
    const rows = await q.limit(SEARCH_ARM_MAX).execute();
    for (const r of rows) candidate(r.key, null, r.created_at).values[kind.column] = r.value;
    nameArms.push({
      column: kind.column,
      values: new Set(values),
      complete: rows.length < SEARCH_ARM_MAX,
      floor: ordered && rows.length ? rows[rows.length - 1]!.created_at : null,
    });
  }

  // What each candidate is known to hold and not to hold.
  const namesOf = plan.names.map((m) => NAME_KINDS.map((k) => new Set(k.of(m))));
  for (const c of cands.values()) {
    // One not among the exact keys' problems holds an exact key only where their arm was capped.
    c.mayBeExact = !exactComplete && !exactKeys.has(c.key);
    for (let i = 0; i < n; i++) {
      if (c.held & (1 << i)) continue;
      const text = textArms.find((a) => a.token === i);
      const textOut =
        !!text && (text.complete || (c.pos !== null && text.floor !== null && c.pos > text.floor));
      let nameOut = true;
      NAME_KINDS.forEach((k, j) => {
        const own = namesOf[i]![j]!;
        if (!own.size) return;
        const value = c.values[k.column];
        if (value !== undefined) {
          if (value !== null && own.has(value)) c.held |= 1 << i;
          return;
        }
        const arm = nameArms.find((a) => a.column === k.column);
        const covers = !!arm && [...own].every((v) => arm.values.has(v));
        if (!(covers && (arm.complete || (arm.floor !== null && c.createdAt > arm.floor)))) nameOut = false;
      });
      if (!(c.held & (1 << i)) && textOut && nameOut) c.out |= 1 << i;
    }
  }
  // The exact keys' problems are read: their score is their row's.
  const readInto = async (keys: Key[]) => {
    for (const r of await readScored(db, fc, keys)) {
      const c = candidate(r.key, r.id, r.created_at);
      c.score = score(r);
    }
  };
  await readInto([...exactKeys]);
  // Every open candidate read at once, up to the budget: a second round only where the first moved the
  // page's bar. Past the budget the rest count what is known of them (decision 0010: not exact at scale).
  for (let budget = SEARCH_READ_MAX; budget > 0;) {
    const open = stillOpen(cands.values(), plan, limit, offset, after).slice(0, budget);
    if (!open.length) break;
    await readInto(open.map((c) => c.key));
    budget -= open.length;
  }
  const { page, total } = rankKnown(cands.values(), plan, limit, offset, after);
  if (!page.length) return { page: [], total };
  const rows = await byKeys(
    db,
    fc,
    page.map((p) => p.key),
  )
    .selectAll()
    .select(sql<Key>`problems.${sql.raw(keyCol)}`.as('row_key'))
    .execute();
  const byKey = new Map(rows.filter((r) => r.jurisdiction_id === jid).map((r) => [r.row_key, r]));
  return {
    page: page.flatMap((p) => {
      const r = byKey.get(p.key);
      if (!r) return [];
      const { row_key: _k, ...row } = r;
      return [{ row: row as ProblemRow, score: p.score }];
    }),
    total,
  };
}
