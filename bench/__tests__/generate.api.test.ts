import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChains } from '../../src/modules/audit/index.ts';
import { multipart, startTestApp, type TestApp } from '../../src/test/harness.ts';
import { generate } from '../generate.ts';

/** What a generated load wrote, apart from the random ids (units by name) and the hashes that cover them. */
async function written(app: TestApp) {
  const problems = await sql<
    Record<string, unknown>
  >`select number, title, description, status, category_code,
      township_code, village_code, lat, lng,
      (select name from units where units.id = problems.lead_unit_id) as lead_unit, created_at, closed_at, close_hours, close_due_at, rating
    from problems order by number`.execute(app.ctx.db);
  const actions = await sql<Record<string, unknown>>`select a.seq, p.number, a.action, a.from_status,
      a.to_status, a.actor_name, a.note, a.data, a.is_public, a.created_at
    from actions a join problems p on p.id = a.problem_id order by a.seq`.execute(app.ctx.db);
  const counters = await sql<Record<string, unknown>>`select name, value from counters
    where name = 'action_seq' or name like 'problem_number:%' order by name`.execute(app.ctx.db);
  const units = await sql<Record<string, unknown>>`select p.number, n.name, u.role
    from problem_units u join problems p on p.id = u.problem_id join units n on n.id = u.unit_id
    order by p.number, u.role, n.name`.execute(app.ctx.db);
  const results = await sql<Record<string, unknown>>`select p.number, r.summary, i.code, i.value_scaled
    from results r join problems p on p.id = r.problem_id
    left join result_indicators i on i.problem_id = r.problem_id
    order by p.number, i.code`.execute(app.ctx.db);
  const plain = (rows: Record<string, unknown>[]) =>
    rows.map((r) => Object.values(r).map((v) => (typeof v === 'string' || v === null ? v : Number(v))));
  return {
    problems: plain(problems.rows),
    actions: plain(actions.rows),
    counters: plain(counters.rows),
    units: plain(units.rows),
    results: plain(results.rows),
  };
}

/** The generator writes through the bulk-import path, and what it writes passes a real ledger import. */
describe('synthetic data generator', () => {
  let a: TestApp, b: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ seed: 'reference', clock: 'system' });
    b = await startTestApp({ seed: 'reference', clock: 'system' });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('writes the same load whether a worker thread or the writing thread prepares it', async () => {
    const now = Date.parse('2026-06-01T04:00:00Z');
    // The load's own time (each problem's import action) from the same clock in both.
    const c = await startTestApp({ seed: 'reference', clock: new Date(now) });
    const d = await startTestApp({ seed: 'reference', clock: new Date(now) });
    try {
      // Chunks of 70: several chunks, the last one short, and more than AHEAD of them waiting on the writer.
      await generate(c.ctx, { problems: 500, seed: 11, batch: 70, now });
      await generate(d.ctx, { problems: 500, seed: 11, batch: 70, now, thread: false });
      const [threaded, inline] = [await written(c), await written(d)];
      expect(threaded.problems).toHaveLength(500);
      expect(threaded.actions.length).toBeGreaterThan(1000);
      expect(threaded).toEqual(inline);
      for (const app of [c, d]) {
        const report = await verifyChains(app.ctx.db);
        expect(report.ok, JSON.stringify(report.broken)).toBe(true);
        expect(report.checked.actions).toBe(threaded.actions.length);
        // Searchable from the first chunk to the last.
        const sup = await app.as('demo-supervisor');
        for (const row of [threaded.problems[0]!, threaded.problems[499]!]) {
          const hits = (await sup.get(`/api/problems?q=${encodeURIComponent(String(row[0]))}&pageSize=5`))
            .body;
          expect(hits.items.map((i: { number: string }) => i.number)).toContain(row[0]);
        }
      }
    } finally {
      await c.close();
      await d.close();
    }
  });

  it('generates a realistic mix that exports and re-imports whole through the ledger validation', async () => {
    const r = await generate(a.ctx, { problems: 400, seed: 3 });
    expect(r.imported).toBe(400);
    const sup = await a.as('demo-supervisor');
    const list = (await sup.get('/api/problems?pageSize=1')).body;
    expect(list.total).toBe(400);
    // Every state of a plausible mix, several categories and townships, searchable Chinese text.
    const summary = (await sup.get('/api/stats/summary?groupBy=township')).body;
    expect(summary.groups.length).toBeGreaterThanOrEqual(5);
    for (const status of ['submitted', 'rejected', 'assigned', 'in_progress', 'closed']) {
      expect((await sup.get(`/api/problems?status=${status}&pageSize=1`)).body.total, status).toBeGreaterThan(
        0,
      );
    }
    const byCategory = (await sup.get('/api/stats/summary?groupBy=category')).body.groups;
    expect(byCategory.length).toBeGreaterThanOrEqual(8);
    // Long tail: the most frequent category is far more frequent than the rarest present.
    expect(byCategory[0].received).toBeGreaterThan(5 * byCategory[byCategory.length - 1].received);
    const first = (await sup.get('/api/problems?pageSize=1')).body.items[0];
    const word = [...first.title].slice(-4).join('');
    expect(
      (await sup.get(`/api/problems?q=${encodeURIComponent(word)}&pageSize=1`)).body.total,
    ).toBeGreaterThan(0);
    // The log holds each problem's history before the import entry.
    const detail = (await sup.get(`/api/problems/${first.id}`)).body;
    expect(detail.actions[0].action).toBe('submit');
    expect(detail.actions.at(-1).action).toBe('import');

    const ledger = await sup.request('GET', '/api/problems/export.xlsx?pageSize=500');
    expect(ledger.status).toBe(200);
    const upload = multipart(
      'file',
      'generated.xlsx',
      ledger.raw as Buffer,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const other = await b.as('demo-supervisor');
    const imported = await other.request('POST', '/api/problems/import', upload.body, upload.headers);
    expect(imported.status, JSON.stringify(imported.body).slice(0, 500)).toBe(201);
    expect(imported.body.imported).toBe(400);
  });
});
