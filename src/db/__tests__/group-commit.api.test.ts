import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../test/harness.ts';

/** Concurrent writes share commits (SQLite) without one failing write undoing or leaking into another. */
describe('durable writes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference', config: { reportsPerMinute: 100_000 } });
  });
  afterAll(() => t.close());

  const count = async (prefix: string) =>
    Number(
      (
        await t.ctx.db
          .selectFrom('notices')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('title', 'like', `${prefix}%`)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('commits every successful job and rolls back exactly the failing ones', async () => {
    const jobs = Array.from({ length: 40 }, (_, i) =>
      t.ctx.database.write(async (trx) => {
        await trx
          .insertInto('notices')
          .values({
            jurisdiction_id: '430202',
            id: `gc-${i}`,
            title: `gc-${i}`,
            body: 'x',
            published_at: new Date().toISOString(),
            created_by: null,
          })
          .execute();
        if (i % 7 === 3) throw new Error(`job ${i} fails after writing`);
        return i;
      }),
    );
    const results = await Promise.allSettled(jobs);
    const failed = results.filter((r) => r.status === 'rejected').length;
    expect(failed).toBe(6);
    expect(await count('gc-')).toBe(34);
    for (const [i, r] of results.entries()) {
      if (i % 7 === 3) expect(r.status).toBe('rejected');
      else expect(r).toEqual({ status: 'fulfilled', value: i });
    }
  });

  /** A notice row: the test jobs write these. */
  const notice = (id: string) => ({
    jurisdiction_id: '430202',
    id,
    title: id,
    body: 'x',
    published_at: new Date().toISOString(),
    created_by: null,
  });

  /** `n` reports sent at once, titled `${prefix}${i}`, with what `extra` adds to each. */
  const reportAtOnce = (
    client: Client,
    n: number,
    prefix: string,
    extra: (i: number) => Record<string, unknown> = () => ({}),
  ) =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        client.post('/api/problems', {
          categoryCode: 'jobs',
          title: `${prefix}${i}`,
          description: '同时写入',
          villageCode: '430202001001',
          ...extra(i),
        }),
      ),
    );

  it('keeps 100 concurrent reports, each with its own number and log entry', async () => {
    const resident = await t.as('demo-resident');
    const rs = await reportAtOnce(resident, 100, '并发');
    expect(rs.every((r) => r.status === 201)).toBe(true);
    expect(new Set(rs.map((r) => r.body.number)).size).toBe(100);
    const { verifyChains } = await import('../../modules/audit/index.ts');
    expect((await verifyChains(t.ctx.db)).ok).toBe(true);
    // The answer to a report is what reading it back gives.
    for (const r of rs.slice(0, 5)) {
      const back = await resident.get(`/api/problems/${r.body.id}`);
      expect(back.body).toEqual(r.body);
    }
  });

  it('keeps the good reports of a batch when one of them fails while being written', async () => {
    const resident = await t.as('demo-resident');
    // The attachment check runs inside the write: the report naming an unknown attachment fails there, after
    // the batch's reports went in together, and must fail alone.
    const rs = await reportAtOnce(resident, 20, '同批', (i) =>
      i === 7 ? { attachmentIds: ['no-such-attachment'] } : {},
    );
    expect(rs[7]!.status).toBe(400);
    expect(rs[7]!.body.error.message).toMatch(/attachments/);
    const good = rs.filter((_, i) => i !== 7);
    expect(good.every((r) => r.status === 201)).toBe(true);
    const numbers = good.map((r) => r.body.number as string);
    expect(new Set(numbers).size).toBe(19);
    const stored = await t.ctx.db
      .selectFrom('problems')
      .select(['number', 'title'])
      .where('title', 'like', '同批%')
      .execute();
    expect(stored.map((r) => r.number).sort()).toEqual([...numbers].sort());
    expect(stored.some((r) => r.title === '同批7')).toBe(false);
    const logged = await t.ctx.db
      .selectFrom('actions')
      .select('problem_id')
      .where(
        'problem_id',
        'in',
        good.map((r) => r.body.id as string),
      )
      .execute();
    expect(logged).toHaveLength(19);
    const { verifyChains } = await import('../../modules/audit/index.ts');
    expect((await verifyChains(t.ctx.db)).ok).toBe(true);
  });

  it('runs deferred work at the end of the batch, only for the jobs that succeeded', async () => {
    const order: string[] = [];
    const jobs = Array.from({ length: 20 }, (_, i) =>
      t.ctx.database.write(async (trx, batch) => {
        await trx
          .insertInto('notices')
          .values(notice(`gd-${i}`))
          .execute();
        batch.defer(async (d) => {
          order.push(`deferred-${i}`);
          await d
            .insertInto('notices')
            .values(notice(`gd-late-${i}`))
            .execute();
        });
        order.push(`job-${i}`);
        if (i % 5 === 2) throw new Error(`job ${i} fails after deferring`);
        return i;
      }),
    );
    const results = await Promise.allSettled(jobs);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(4);
    expect(await count('gd-late-')).toBe(16);
    expect(await count('gd-')).toBe(32);
    // Deferred work follows every job of its batch.
    expect(order.indexOf('deferred-0')).toBeGreaterThan(order.indexOf('job-1'));
  });

  it('runs grouped deferred items once per batch with the items of the jobs that succeeded', async () => {
    const runs: string[][] = [];
    const jobs = Array.from({ length: 12 }, (_, i) =>
      t.ctx.database.write(async (_trx, batch) => {
        batch.deferItem('gi', `item-${i}`, async (_d, items: string[]) => void runs.push(items));
        if (i % 4 === 1) throw new Error(`job ${i} fails after deferring an item`);
        return i;
      }),
    );
    const results = await Promise.allSettled(jobs);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(3);
    const all = runs.flat().sort();
    expect(all).toEqual(
      Array.from({ length: 12 }, (_, i) => i)
        .filter((i) => i % 4 !== 1)
        .map((i) => `item-${i}`)
        .sort(),
    );
    // Fewer runs than items: the items of a batch went together.
    expect(runs.length).toBeLessThan(all.length);
  });

  it('keeps the hash chain whole when jobs that appended to it roll back between others', async () => {
    const { appendAction } = await import('../../modules/problems/index.ts');
    const { verifyChains } = await import('../../modules/audit/index.ts');
    const jid = t.ctx.jurisdictions[0]!.id;
    const jobs = Array.from({ length: 30 }, (_, i) =>
      t.ctx.database.write(async (trx) => {
        for (let k = 0; k < 1 + (i % 3); k++)
          await appendAction(trx, jid, {
            problemId: `chain-${i}`,
            action: 'note',
            from: null,
            to: 'submitted',
            actor: { userId: null, name: 'test', unitId: null },
            note: `job ${i}, entry ${k}`,
            data: {},
            public: false,
            at: new Date().toISOString(),
          });
        if (i % 4 === 1) throw new Error(`job ${i} fails after appending`);
        return i;
      }),
    );
    const results = await Promise.allSettled(jobs);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(8);
    const v = await verifyChains(t.ctx.db);
    expect(v.ok).toBe(true);
    const kept = await t.ctx.db
      .selectFrom('actions')
      .select('note')
      .where('jurisdiction_id', '=', jid)
      .where('problem_id', 'like', 'chain-%')
      .execute();
    expect(kept.some((r) => r.note?.startsWith('job 1,'))).toBe(false);
    expect(kept.filter((r) => r.note?.startsWith('job 2,'))).toHaveLength(3);
  });

  it('fails the whole batch when deferred work fails, and acknowledges nothing in it', async () => {
    const jobs = Array.from({ length: 5 }, (_, i) =>
      t.ctx.database.write(async (trx, batch) => {
        await trx
          .insertInto('notices')
          .values({
            jurisdiction_id: '430202',
            id: `gf-${i}`,
            title: `gf-${i}`,
            body: 'x',
            published_at: new Date().toISOString(),
            created_by: null,
          })
          .execute();
        if (i === 4)
          batch.defer(async () => {
            throw new Error('deferred work fails');
          });
        return i;
      }),
    );
    const results = await Promise.allSettled(jobs);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(await count('gf-')).toBe(0);
    // The batcher goes on after a failed batch.
    expect(await t.ctx.database.write(async () => 'next')).toBe('next');
  });

  it('runs grouped writes together once, and alone again when one of them fails, so only it fails', async () => {
    const calls: number[] = [];
    const run = async (trx: Parameters<Parameters<typeof t.ctx.database.write>[0]>[0], items: number[]) => {
      calls.push(items.length);
      for (const i of items) {
        await trx
          .insertInto('notices')
          .values(notice(`gg-${i}`))
          .execute();
        if (i % 5 === 2) throw new Error(`item ${i} fails after writing`);
      }
      return items.map((i) => i * 10);
    };
    // All succeed: fewer runs than writes (they went together), every write gets its own result.
    const ok = await Promise.all(
      Array.from({ length: 10 }, (_, i) => t.ctx.database.writeGrouped('gg-ok', i * 5, run)),
    );
    expect(ok).toEqual(Array.from({ length: 10 }, (_, i) => i * 50));
    expect(calls.length).toBeLessThan(10);
    expect(Math.max(...calls)).toBeGreaterThan(1);
    expect(await count('gg-')).toBe(10);
    // Some fail: the group is undone and each runs alone; only the failing ones fail, and nothing of theirs
    // is kept, nor anything twice of the others.
    calls.length = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => t.ctx.database.writeGrouped('gg-mixed', 1000 + i, run)),
    );
    for (const [i, r] of results.entries()) {
      if ((1000 + i) % 5 === 2) expect(r.status).toBe('rejected');
      else expect(r).toEqual({ status: 'fulfilled', value: (1000 + i) * 10 });
    }
    expect(await count('gg-100')).toBe(8);
    expect(calls.filter((n) => n === 1).length).toBeGreaterThanOrEqual(10);
  });
});
