/**
 * Ranking a search's candidates from what the kinds of match that brought them tell, reading a candidate's
 * row only when its score is still open and could change the page or the total (decision 0010).
 *
 * A candidate brought by a token's full-text entries holds that token. It does not hold a token whose
 * entries all came in (the arm was under its cap), nor one whose capped entries reach past it in the index's
 * order; it is not in a name whose problems all came in, nor in one whose newest problems, ordered by
 * creation time, reach back past its own. What remains open is bounded: a lower and an upper score. The
 * page is ranked by the lower scores; every open candidate whose upper score could still place it on the
 * page, or decide whether it is found, is read and scored from its row, and the ranking is done again
 * until nothing open could change it.
 */
import type { SearchPlan } from './problems.search.ts';

/** What is known of one candidate. */
export interface Candidate {
  /** The row's key in its table (see DialectAdapter.problemKey). */
  key: string | number;
  /** Its id, where the kind of match that brought it told it (else read with its row). */
  id: string | null;
  createdAt: string;
  /** Its place in the full-text index's order, where the database tells it (higher is newer). */
  pos: number | null;
  /** The tokens it is known to hold (a bit per token). */
  held: number;
  /** The tokens it is known not to hold. */
  out: number;
  /** Whether it may match an exact key (a number prefix, a reporter's phone or name) not yet ruled out. */
  mayBeExact: boolean;
  /** Its score, once read from its row. */
  score: number | null;
}

/** A position in a ranked list: a score, then creation time, then id, all descending. */
export interface RankKey {
  score: number;
  createdAt: string;
  id: string;
}

/** Positive when `a` ranks before `b`. */
export function compareKeys(a: RankKey, b: RankKey): number {
  return (
    a.score - b.score ||
    (a.createdAt > b.createdAt ? 1 : a.createdAt < b.createdAt ? -1 : 0) ||
    (a.id > b.id ? 1 : a.id < b.id ? -1 : 0)
  );
}

function bits(n: number): number {
  let c = 0;
  for (let x = n; x; x &= x - 1) c++;
  return c;
}

/** The least and the greatest score a candidate may have. */
export function scoreBounds(c: Candidate, plan: SearchPlan): [number, number] {
  if (c.score !== null) return [c.score, c.score];
  const n = plan.tokens.length;
  const all = n >= 31 ? -1 : (1 << n) - 1;
  // The exact arms' own candidates are read: one not read holds an exact key only where an arm was capped.
  return [bits(c.held & all), n - bits(c.out & all) + (c.mayBeExact ? n + 1 : 0)];
}

/**
 * The candidates whose rows must be read before the page (`limit` after `after`, else `offset` in) and
 * the total are known, those that decide the page first: empty when the ranking by lower scores is the
 * ranking by scores.
 */
export function stillOpen(
  candidates: Iterable<Candidate>,
  plan: SearchPlan,
  limit: number,
  offset: number,
  after?: RankKey,
): Candidate[] {
  const open: { c: Candidate; lo: number; hi: number }[] = [];
  const sure: RankKey[] = [];
  // Creation times held by more than one candidate (or by the cursor): there the ids decide the order, so a
  // candidate whose id is not known yet is read.
  const times = new Map<string, number>(after ? [[after.createdAt, 1]] : []);
  const kept: Candidate[] = [];
  for (const c of candidates) {
    if (scoreBounds(c, plan)[1] < plan.need) continue;
    kept.push(c);
    times.set(c.createdAt, (times.get(c.createdAt) ?? 0) + 1);
  }
  for (const c of kept) {
    const [lo, hi] = scoreBounds(c, plan);
    if (c.id === null && times.get(c.createdAt)! > 1) {
      open.push({ c, lo, hi: Infinity });
      continue;
    }
    if (lo >= plan.need) {
      const key = { score: lo, createdAt: c.createdAt, id: c.id ?? '' };
      if (!after || compareKeys(key, after) < 0) sure.push(key);
    }
    if (lo < hi) open.push({ c, lo, hi });
  }
  // The last key the page would hold, ranked by lower scores.
  const k = after ? limit : offset + limit;
  let bar: RankKey | null = null;
  if (sure.length >= k) {
    sure.sort((a, b) => compareKeys(b, a));
    bar = sure[k - 1]!;
  }
  // The ids that decide an order first, then those that could reach the page, best first, then the total's.
  const ids: Candidate[] = [];
  const page: { c: Candidate; key: RankKey }[] = [];
  const total: Candidate[] = [];
  for (const { c, lo, hi } of open) {
    if (hi === Infinity) {
      ids.push(c);
      continue;
    }
    const top = { score: hi, createdAt: c.createdAt, id: c.id ?? '' };
    // Not on this page whatever its score where it is already at or before the cursor.
    const beforeCursor =
      after && compareKeys({ score: lo, createdAt: c.createdAt, id: c.id ?? '' }, after) >= 0;
    if (!beforeCursor && (!bar || compareKeys(top, bar) > 0)) page.push({ c, key: top });
    else if (lo < plan.need) total.push(c);
  }
  page.sort((a, b) => compareKeys(b.key, a.key));
  return [...ids, ...page.map((p) => p.c), ...total];
}

/**
 * The page and the total once nothing open can change them (see `stillOpen`): the found candidates ranked,
 * the page's slice with each score.
 */
export function rankKnown(
  candidates: Iterable<Candidate>,
  plan: SearchPlan,
  limit: number,
  offset: number,
  after?: RankKey,
): { page: (RankKey & { key: string | number })[]; total: number } {
  const found: (RankKey & { key: string | number })[] = [];
  for (const c of candidates) {
    const [lo] = scoreBounds(c, plan);
    if (lo >= plan.need) found.push({ score: lo, createdAt: c.createdAt, id: c.id ?? '', key: c.key });
  }
  found.sort((a, b) => compareKeys(b, a));
  const from = after ? found.findIndex((r) => compareKeys(r, after) < 0) : offset;
  return { page: from < 0 ? [] : found.slice(from, from + limit), total: found.length };
}
