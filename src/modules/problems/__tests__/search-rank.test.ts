import { describe, expect, it } from 'vitest';
import { compareKeys, rankKnown, stillOpen, type Candidate, type RankKey } from '../problems.search.rank.ts';
import type { SearchPlan } from '../problems.search.ts';

/**
 * Ranking from partial knowledge equals ranking by the true scores: random candidates, each knowing some of
 * the tokens it holds and some it does not, read (their true score set) as `stillOpen` asks until it asks
 * for nothing; the page and the total must be those of the true scores, for every page by number and by
 * cursor.
 */
describe('ranking from what the kinds of match tell', () => {
  let seed = 11;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };

  it('equals the ranking by true scores', () => {
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + rnd(6);
      const exact = rnd(4) === 0;
      const plan = {
        tokens: Array.from({ length: n }, (_, i) => `t${i}`),
        need: Math.max(1, Math.ceil(n / 3)),
        numberPrefix: exact ? 'HT-' : null,
        reporterPhone: null,
        reporterName: null,
      } as unknown as SearchPlan;
      const truth = new Map<string, number>();
      const make = (): Candidate[] =>
        Array.from({ length: 1 + rnd(40) }, (_, k) => {
          const holds = rnd(1 << n);
          const isExact = exact && rnd(5) === 0;
          let held = 0;
          let out = 0;
          for (let i = 0; i < n; i++) {
            const known = rnd(3) > 0;
            if (known) {
              if (holds & (1 << i)) held |= 1 << i;
              else out |= 1 << i;
            }
          }
          const id = `p${String(k).padStart(3, '0')}`;
          let score = 0;
          for (let i = 0; i < n; i++) if (holds & (1 << i)) score++;
          if (isExact) score += n + 1;
          truth.set(id, score);
          // Creation times collide often, and some ids are known only once read.
          return {
            key: k,
            id: rnd(3) === 0 ? null : id,
            createdAt: `2024-01-${String(1 + rnd(9)).padStart(2, '0')}`,
            pos: null,
            held,
            out,
            mayBeExact: isExact || (exact && rnd(2) === 0),
            score: null,
            trueId: id,
          } as Candidate & { trueId: string };
        });
      const base = make();
      const all = base.map((c) => (c as Candidate & { trueId: string }).trueId);
      const expected: RankKey[] = all
        .map((id) => ({
          id,
          score: truth.get(id)!,
          createdAt: base.find((c) => c.key === Number(id.slice(1)))!.createdAt,
        }))
        .filter((r) => r.score >= plan.need)
        .sort((a, b) => compareKeys(b, a));
      const limit = 1 + rnd(8);
      const settle = (offset: number, after?: RankKey) => {
        const cands = base.map((c) => ({ ...c }));
        for (;;) {
          const open = stillOpen(cands, plan, limit, offset, after);
          if (!open.length) break;
          for (const c of open) {
            c.id = (c as Candidate & { trueId: string }).trueId;
            c.score = truth.get(c.id)!;
          }
        }
        const r = rankKnown(cands, plan, limit, offset, after);
        // Ids the ranking did not need are told by the page's rows.
        return {
          total: r.total,
          page: r.page.map((p) => ({
            score: p.score,
            createdAt: p.createdAt,
            id: (base.find((c) => c.key === p.key) as Candidate & { trueId: string }).trueId,
          })),
        };
      };
      for (let offset = 0; offset < expected.length + limit; offset += limit) {
        const r = settle(offset);
        expect(r.total).toBe(expected.length);
        expect(r.page).toEqual(expected.slice(offset, offset + limit));
      }
      let after: RankKey | undefined;
      const walked: RankKey[] = [];
      for (let guard = 0; guard < 100; guard++) {
        const r = settle(0, after);
        walked.push(...r.page);
        if (r.page.length < limit) break;
        after = r.page[r.page.length - 1];
      }
      expect(walked).toEqual(expected);
    }
  });
});
