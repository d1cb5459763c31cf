/**
 * Search as people type it (检索): a query is read once into a plan, and the plan becomes SQL conditions.
 * A problem scores one point for each query token it holds, in its own text (words and CJK bigrams, see
 * kernel/text.ts) or in the names of its category, domain, township, village or lead unit, in Chinese or
 * English; the list is ranked by that score, newest first among equals. So 就业 finds the problems of
 * 就业创业 whatever their titles say, and 路灯不亮 finds 路灯损坏 (one of three tokens) after any problem
 * holding more of them. A number prefix, and for staff who may see reporters a phone number or a name, find
 * those problems exactly and rank them first.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { DialectAdapter } from '../../db/dialect/types.ts';
import { problemText, queryTokens, tokenHolder, type SearchableProblem } from '../../kernel/text.ts';
import type { ReferenceData } from '../reference/index.ts';

/** The reference rows whose names hold one query token. */
export interface NameMatch {
  categories: string[];
  domains: string[];
  divisions: string[];
  units: string[];
}

/** A query read for searching: its tokens, the names they match, and the exact keys it may be. */
export interface SearchPlan {
  /** The query the plan was read from. */
  q: string;
  /** The query's tokens (words and CJK bigrams, at most 16). */
  tokens: string[];
  /** For each token, the reference rows whose names hold it. */
  names: NameMatch[];
  /** The least score a problem needs to be found: about a third of the tokens, at least one. */
  need: number;
  /** The query as the start of a problem number (`HT-2024-00`), upper-case, or null. */
  numberPrefix: string | null;
  /** The query as a reporter's phone number (digits only), when the searcher may find reporters. */
  reporterPhone: string | null;
  /** The query as a reporter's name, when the searcher may find reporters. */
  reporterName: string | null;
  /** Whether the searcher may find problems by their reporters (part of any cache key of the answer). */
  reporters: boolean;
}

const NUMBER_PREFIX = /^[A-Z]{1,8}-\d{1,4}(-\d{0,8})?$/;
/**
 * The most candidates one kind of match brings, the newest first: a word as broad as a category's name
 * finds a tenth of a million problems, and reading each of them to rank it would cost a second. The best
 * matches hold the rarer words too, whose matches are all read.
 */
export const SEARCH_ARM_MAX = 500;
const PHONE = /^(?:\+?86)?(1\d{10}|0\d{9,11})$/;

/**
 * Reads a query into a plan; `ref` null searches text alone (no names), `reporters` lets a phone number or
 * a name find the problems of that reporter. Null when the query holds nothing to search by.
 */
export function planSearch(q: string, ref: ReferenceData | null, reporters: boolean): SearchPlan | null {
  const text = q.trim();
  if (!text) return null;
  const compact = text.replace(/[\s-]/g, '');
  const upper = text.toUpperCase().replace(/\s/g, '');
  const numberPrefix = NUMBER_PREFIX.test(upper) ? upper : null;
  const phone = reporters ? (PHONE.exec(compact)?.[1] ?? null) : null;
  const reporterName = reporters && !phone && !numberPrefix && text.length <= 40 ? text : null;
  // A number or a phone is looked up exactly: its pieces (the year, the prefix) would match half the data.
  const tokens = numberPrefix || phone ? [] : queryTokens(text);
  if (!tokens.length && !numberPrefix && !phone && !reporterName) return null;
  const all = ref ? ref.searchNames() : null;
  const holding = (list: { key: string; tokens: Set<string> }[] | undefined, t: string) =>
    (list ?? []).filter((n) => n.tokens.has(t)).map((n) => n.key);
  const names = tokens.map((t) => ({
    categories: holding(all?.categories, t),
    domains: holding(all?.domains, t),
    divisions: holding(all?.divisions, t),
    units: holding(all?.units, t),
  }));
  return {
    q,
    tokens,
    names,
    need: Math.max(1, Math.ceil(tokens.length / 3)),
    numberPrefix,
    reporterPhone: phone,
    reporterName,
    reporters,
  };
}

type Eb = ExpressionBuilder<DB, 'problems'>;

/** The problem's category, domain, township, village or lead unit is among the matched names. */
function nameCondition(eb: Eb, m: NameMatch): Expression<SqlBool>[] {
  const townships = m.divisions.filter((c) => c.length === 9);
  const villages = m.divisions.filter((c) => c.length !== 9);
  return [
    ...(m.categories.length ? [eb('problems.category_code', 'in', m.categories)] : []),
    ...(m.domains.length ? [eb('problems.domain', 'in', m.domains)] : []),
    ...(townships.length ? [eb('problems.township_code', 'in', townships)] : []),
    ...(villages.length ? [eb('problems.village_code', 'in', villages)] : []),
    ...(m.units.length
      ? [eb.and([eb('problems.lead_unit_id', 'is not', null), eb('problems.lead_unit_id', 'in', m.units)])]
      : []),
  ];
}

/**
 * The range of numbers starting with a prefix, as a range of the index of numbers: its end is the prefix
 * counted one up (`HT-2024-0019` → `HT-2024-002`), not the prefix and a high character, which collations
 * other than C may ignore or place anywhere. The hyphens at its end are left out first.
 */
export function numberRange(prefix: string): [string, string] {
  const from = prefix.replace(/-+$/, '');
  let end = from.replace(/9+$/, '');
  const last = end.at(-1);
  end = last && /\d/.test(last) ? end.slice(0, -1) + String(Number(last) + 1) : `${from}\uffff`;
  return [from, end];
}

/** The exact keys of the plan: a number prefix, a reporter's phone or name. */
function exactConditions(eb: Eb, plan: SearchPlan): Expression<SqlBool>[] {
  const out: Expression<SqlBool>[] = [];
  if (plan.numberPrefix) {
    // A range the index of numbers can seek under any collation, and LIKE to be exact.
    const [from, to] = numberRange(plan.numberPrefix);
    out.push(
      eb.and([
        eb('problems.number', '>=', from),
        eb('problems.number', '<', to),
        eb('problems.number', 'like', `${plan.numberPrefix}%`),
      ]),
    );
  }
  if (plan.reporterPhone) out.push(eb('problems.reporter_phone', '=', plan.reporterPhone));
  if (plan.reporterName) out.push(eb('problems.reporter_name', '=', plan.reporterName));
  return out;
}

/** Merges the name matches of these tokens (the candidates' condition needs them once). */
function allNames(plan: SearchPlan, tokens: string[]): NameMatch {
  const of = plan.names.filter((_, i) => tokens.includes(plan.tokens[i]!));
  const join = (k: keyof NameMatch) => [...new Set(of.flatMap((n) => n[k]))];
  return {
    categories: join('categories'),
    domains: join('domains'),
    divisions: join('divisions'),
    units: join('units'),
  };
}

/**
 * The problems that may be found: holding a token in their text or names, or matching an exact key. Their
 * ids as a union of one select per kind of match, each answered by an index of its own (the text index, the
 * category index …): as one condition of ORs, a database may read every problem instead.
 */
export function searchCandidates(
  eb: Eb,
  dialect: DialectAdapter,
  jid: string,
  plan: SearchPlan,
): Expression<SqlBool> {
  // A single character or digit alone makes no candidate where the query has longer tokens (第114号 finds
  // the problems holding 114, not every one holding 第); it still adds to their scores.
  const strong = plan.tokens.filter((t) => [...t].length >= 2);
  const finders = strong.length ? strong : plan.tokens;
  // The newest first where the column's index ends in the creation time (category, domain, township);
  // elsewhere any of them, so that no arm reads and sorts all its problems.
  const base = (newest = true) => {
    const q = eb.selectFrom('problems as c').select('c.id').where('c.jurisdiction_id', '=', jid);
    return (newest ? q.orderBy('c.created_at', 'desc') : q).limit(SEARCH_ARM_MAX);
  };
  const n = allNames(plan, finders);
  const townships = n.divisions.filter((c) => c.length === 9);
  const villages = n.divisions.filter((c) => c.length !== 9);
  const selects = [
    ...(n.categories.length ? [base().where('c.category_code', 'in', n.categories)] : []),
    ...(n.domains.length ? [base().where('c.domain', 'in', n.domains)] : []),
    ...(townships.length ? [base().where('c.township_code', 'in', townships)] : []),
    ...(villages.length ? [base(false).where('c.village_code', 'in', villages)] : []),
    ...(n.units.length ? [base(false).where('c.lead_unit_id', 'in', n.units)] : []),
    ...(plan.numberPrefix
      ? [
          base()
            .where('c.number', '>=', numberRange(plan.numberPrefix)[0])
            .where('c.number', '<', numberRange(plan.numberPrefix)[1])
            .where('c.number', 'like', `${plan.numberPrefix}%`),
        ]
      : []),
    ...(plan.reporterPhone ? [base(false).where('c.reporter_phone', '=', plan.reporterPhone)] : []),
    ...(plan.reporterName ? [base(false).where('c.reporter_name', '=', plan.reporterName)] : []),
  ];
  // One arm per word: a common word's newest matches must not crowd out all of a rare word's.
  const texts = finders.map((t) => dialect.problemSearchAnyIds(jid, [t], SEARCH_ARM_MAX));
  // Each select in a derived table of its own: a part of a compound select may not have its own order.
  const [first, ...rest] = selects.map((q) => eb.selectFrom(q.as('a')).select('a.id'));
  if (!first) {
    if (!texts.length) return sql<boolean>`1 = 0`;
    return sql<boolean>`problems.id in (${sql.join(texts, sql` union all `)})`;
  }
  let ids = first;
  for (const s of rest) ids = ids.unionAll(s);
  for (const t of texts) ids = ids.unionAll(t);
  return eb('problems.id', 'in', ids);
}

/**
 * The score of a problem: one point per token found in its text or names; an exact key outranks every
 * token (the number or reporter asked for comes first).
 */
export function searchScore(eb: Eb, dialect: DialectAdapter, jid: string, plan: SearchPlan) {
  const one = (cond: Expression<SqlBool>, points: number) =>
    sql<number>`(case when ${cond} then ${sql.lit(points)} else 0 end)`;
  const terms = plan.tokens.map((t, i) =>
    one(eb.or([dialect.problemSearchCondition(jid, [t]), ...nameCondition(eb, plan.names[i]!)]), 1),
  );
  const exact = exactConditions(eb, plan);
  if (exact.length) terms.push(one(eb.or(exact), plan.tokens.length + 1));
  return terms.length ? sql<number>`(${sql.join(terms, sql` + `)})` : sql<number>`0`;
}

/** The condition a search puts on problems: a candidate, with at least the score the plan needs. */
export function searchCondition(
  eb: Eb,
  dialect: DialectAdapter,
  jid: string,
  plan: SearchPlan,
): Expression<SqlBool> {
  const candidates = searchCandidates(eb, dialect, jid, plan);
  if (plan.need <= 1) return candidates;
  return eb.and([candidates, sql<boolean>`${searchScore(eb, dialect, jid, plan)} >= ${plan.need}`]);
}

/** The columns of a problem that its score reads. */
export interface ScoredProblem extends SearchableProblem {
  category_code: string;
  domain: string;
  township_code: string | null;
  village_code: string | null;
  lead_unit_id: string | null;
  reporter_phone: string | null;
  reporter_name: string | null;
}

/**
 * The score of a problem read from its row, the same as `searchScore` in SQL: a ranked page scores its
 * candidates from their rows, where SQL would read every problem holding each token to learn which of the
 * candidates hold it (a third of a million for a township's name at a million problems).
 */
export function rowScorer(plan: SearchPlan): (row: ScoredProblem) => number {
  const holder = tokenHolder(plan.tokens);
  const names = plan.names.map((m) => ({
    categories: new Set(m.categories),
    domains: new Set(m.domains),
    townships: new Set(m.divisions.filter((c) => c.length === 9)),
    villages: new Set(m.divisions.filter((c) => c.length !== 9)),
    units: new Set(m.units),
  }));
  const has = (set: Set<string>, v: string | null) => v !== null && set.has(v);
  return (row) => {
    const inText = plan.tokens.length ? holder(problemText(row)) : [];
    let score = 0;
    for (let i = 0; i < plan.tokens.length; i++) {
      const n = names[i]!;
      if (
        inText[i] ||
        n.categories.has(row.category_code) ||
        n.domains.has(row.domain) ||
        has(n.townships, row.township_code) ||
        has(n.villages, row.village_code) ||
        has(n.units, row.lead_unit_id)
      )
        score++;
    }
    const exact =
      (plan.numberPrefix !== null && row.number.startsWith(plan.numberPrefix)) ||
      (plan.reporterPhone !== null && row.reporter_phone === plan.reporterPhone) ||
      (plan.reporterName !== null && row.reporter_name === plan.reporterName);
    return exact ? score + plan.tokens.length + 1 : score;
  };
}
