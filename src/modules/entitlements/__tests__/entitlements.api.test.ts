import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { random } from '../../../kernel/random.ts';
import type { Principal } from '../../../kernel/roles.ts';
import { AppError } from '../../../platform/errors.ts';
import { startTestApp, TEST_DB, type Client, type TestApp } from '../../../test/harness.ts';
import { idNumberFor } from '../../../test/services.factories.ts';
import { verifyChains } from '../../audit/index.ts';
import { createPerson } from '../../registry/index.ts';
import { correct, entriesOf, grant, openAccount, spend, verifyEntitlements } from '../index.ts';

/**
 * The entitlement ledger: the balance never goes negative and nothing is spent twice, whatever the
 * interleaving of concurrent writers (a seeded property test here, real concurrent transactions on
 * PostgreSQL), corrections name their entry, and the chain is covered by `audit verify`.
 */
describe('entitlement ledger', () => {
  let t: TestApp;
  let sup: Client;
  let supervisor: Principal;
  const jid = () => supervisor.jurisdictionId;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    sup = await t.as('demo-supervisor');
    supervisor = (await sup.get('/api/auth/me')).body.user as Principal;
    supervisor = {
      ...supervisor,
      jurisdictionId: t.ctx.jurisdictions[0]!.id,
      scope: { kind: 'jurisdiction', ref: null },
      unitIds: [],
      via: 'session',
      userId: (supervisor as any).id,
      displayName: '周督查',
    };
  });
  afterAll(() => t.close());

  let n = 0;
  const newPerson = async () =>
    (
      await createPerson(t.ctx, supervisor, {
        name: `受助人${++n}`,
        idNumber: idNumberFor('1945-01-01', 100 + n * 2),
        villageCode: '430202001001',
      })
    ).id;

  /** Runs a ledger write in its own transaction; a refusal comes back as its status code. */
  const inTx = async <T>(fn: (trx: any) => Promise<T>): Promise<T | number> => {
    try {
      return await t.ctx.db.transaction().execute(fn);
    } catch (e) {
      if (e instanceof AppError) return e.statusCode;
      throw e;
    }
  };

  it('grants, spends and corrects through the API; a spend beyond the balance is 409', async () => {
    const personId = await newPerson();
    const g = await sup.post('/api/entitlements/grants', {
      personId,
      kind: 'meal_subsidy',
      amount: 1000,
      reference: '2024年3月助餐补贴',
    });
    expect(g.status).toBe(201);
    expect(g.body).toMatchObject({ kind: 'grant', amount: 1000, balanceAfter: 1000, seq: 1 });
    const accId = g.body.accountId;
    const s = await inTx((trx) =>
      spend(
        t.ctx.clock,
        trx,
        jid(),
        accId,
        800,
        { module: 'canteen', ref: 'c1', actorUserId: null },
        'meal:2024-03-04:lunch',
      ),
    );
    expect(s).toMatchObject({ balanceAfter: 200 });
    expect(
      await inTx((trx) =>
        spend(
          t.ctx.clock,
          trx,
          jid(),
          accId,
          300,
          { module: 'canteen', ref: 'c2', actorUserId: null },
          'meal:2024-03-05:lunch',
        ),
      ),
    ).toBe(409);
    // The wrong grant is corrected by a new entry that names it; the original stays.
    const c = await sup.post(`/api/entitlements/entries/${g.body.id}/corrections`, {
      amount: -100,
      note: '多发 1 元',
    });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ kind: 'correction', correctsEntryId: g.body.id, balanceAfter: 100 });
    expect(
      (await sup.post(`/api/entitlements/entries/${g.body.id}/corrections`, { amount: -1, note: 'again' }))
        .status,
    ).toBe(409);
    const tooMuch = await sup.post(`/api/entitlements/entries/${(s as any).id}/corrections`, {
      amount: -500,
      note: 'x',
    });
    expect(tooMuch.status).toBe(409);
    const entries = await sup.get(`/api/entitlements/accounts/${accId}/entries`);
    expect(entries.body.items.map((e: any) => [e.kind, e.amount, e.balanceAfter])).toEqual([
      ['grant', 1000, 1000],
      ['spend', -800, 200],
      ['correction', -100, 100],
    ]);
    expect(
      (
        await (
          await t.as('demo-resident')
        ).post('/api/entitlements/grants', { personId, kind: 'meal_subsidy', amount: 1, reference: 'x' })
      ).status,
    ).toBe(403);
  });

  it('never pays one occasion twice, nor one source record twice', async () => {
    const personId = await newPerson();
    const acc = await inTx((trx) => openAccount(t.ctx.clock, trx, jid(), personId, 'meal_subsidy'));
    const accId = (acc as any).id;
    await inTx((trx) =>
      grant(t.ctx.clock, trx, jid(), accId, 5000, { module: 'entitlements', ref: 'g', actorUserId: null }),
    );
    const lunch = 'meal:2024-03-04:lunch';
    expect(
      await inTx((trx) =>
        spend(
          t.ctx.clock,
          trx,
          jid(),
          accId,
          500,
          { module: 'canteen', ref: 'checkin-1', actorUserId: null },
          lunch,
        ),
      ),
    ).toMatchObject({ kind: 'spend' });
    // A 助餐 order for the same meal draws on the same entitlement: refused.
    expect(
      await inTx((trx) =>
        spend(
          t.ctx.clock,
          trx,
          jid(),
          accId,
          500,
          { module: 'care', ref: 'order-1', actorUserId: null },
          lunch,
        ),
      ),
    ).toBe(409);
    expect(
      await inTx((trx) =>
        spend(
          t.ctx.clock,
          trx,
          jid(),
          accId,
          500,
          { module: 'canteen', ref: 'checkin-1', actorUserId: null },
          'meal:2024-03-05:lunch',
        ),
      ),
    ).toBe(409);
  });

  it('property: random interleavings of grants, spends and corrections keep every invariant', async () => {
    const rnd = random(20240304);
    const personIds = [await newPerson(), await newPerson()];
    const accounts: string[] = [];
    for (const pid of personIds)
      accounts.push(
        ((await inTx((trx) => openAccount(t.ctx.clock, trx, jid(), pid, 'care_subsidy'))) as any).id,
      );
    const occasions = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6'];
    for (let round = 0; round < 12; round++) {
      // A batch of writers started together: their order of commit is up to the database.
      const ops = Array.from({ length: 8 }, (_, i) => {
        const acc = accounts[Math.floor(rnd.next() * accounts.length)]!;
        const x = rnd.next();
        const amount = 1 + Math.floor(rnd.next() * 400);
        const ref = `r${round}-${i}`;
        if (x < 0.3)
          return () =>
            inTx((trx) =>
              grant(t.ctx.clock, trx, jid(), acc, amount, { module: 'test', ref, actorUserId: null }),
            );
        if (x < 0.9) {
          const occasion = occasions[Math.floor(rnd.next() * occasions.length)]!;
          return () =>
            inTx((trx) =>
              spend(
                t.ctx.clock,
                trx,
                jid(),
                acc,
                amount,
                { module: 'test', ref, actorUserId: null },
                occasion,
              ),
            );
        }
        return async () => {
          const entries = await entriesOf(t.ctx.db, jid(), acc);
          const target = entries[Math.floor(rnd.next() * entries.length)];
          if (!target) return 404;
          return inTx((trx) =>
            correct(t.ctx.clock, trx, jid(), target.id, -Math.min(50, amount), {
              module: 'test',
              ref: `c${ref}`,
              actorUserId: null,
            }),
          );
        };
      });
      const results = await Promise.all(ops.map((op) => op()));
      for (const r of results) if (typeof r === 'number') expect([404, 409]).toContain(r);
    }
    for (const acc of accounts) {
      const entries = await entriesOf(t.ctx.db, jid(), acc);
      let balance = 0;
      const paid = new Set<string>();
      const corrected = new Set<string>();
      for (const e of entries) {
        balance += e.amount;
        expect(balance).toBeGreaterThanOrEqual(0);
        expect(e.balanceAfter).toBe(balance);
        if (e.kind === 'spend') {
          expect(paid.has(e.occasion!)).toBe(false);
          paid.add(e.occasion!);
        }
        if (e.correctsEntryId) {
          expect(corrected.has(e.correctsEntryId)).toBe(false);
          corrected.add(e.correctsEntryId);
        }
      }
      expect(entries.length).toBeGreaterThan(3);
    }
    expect((await verifyEntitlements(t.ctx.db, jid())).broken).toBeNull();
  });

  it.skipIf(TEST_DB !== 'postgres')(
    'concurrent spends on PostgreSQL: exactly as many as the balance covers',
    async () => {
      const personId = await newPerson();
      const accId = (
        (await inTx((trx) => openAccount(t.ctx.clock, trx, jid(), personId, 'service_count'))) as any
      ).id;
      await inTx((trx) =>
        grant(t.ctx.clock, trx, jid(), accId, 5, { module: 'entitlements', ref: 'five', actorUserId: null }),
      );
      // 20 transactions on their own connections, each for its own occasion, plus 5 for one occasion.
      const distinct = Array.from({ length: 20 }, (_, i) =>
        inTx((trx) =>
          spend(
            t.ctx.clock,
            trx,
            jid(),
            accId,
            1,
            { module: 'test', ref: `p${i}`, actorUserId: null },
            `bath-${i}`,
          ),
        ),
      );
      const results = await Promise.all(distinct);
      expect(results.filter((r) => typeof r === 'object')).toHaveLength(5);
      expect(results.filter((r) => r === 409)).toHaveLength(15);
      await inTx((trx) =>
        grant(t.ctx.clock, trx, jid(), accId, 10, { module: 'entitlements', ref: 'ten', actorUserId: null }),
      );
      const same = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          inTx((trx) =>
            spend(
              t.ctx.clock,
              trx,
              jid(),
              accId,
              1,
              { module: 'test', ref: `q${i}`, actorUserId: null },
              'bath-same',
            ),
          ),
        ),
      );
      expect(same.filter((r) => typeof r === 'object')).toHaveLength(1);
      const acc = await t.ctx.db
        .selectFrom('entitlement_accounts')
        .select('balance')
        .where('id', '=', accId)
        .executeTakeFirstOrThrow();
      expect(Number(acc.balance)).toBe(9);
    },
  );

  it('is covered by audit verify, which names an edited entry', async () => {
    const ok = await verifyChains(t.ctx.db);
    expect(ok.ok).toBe(true);
    expect(ok.checked.entitlements).toBeGreaterThan(10);
    const victim = await t.ctx.db
      .selectFrom('entitlement_entries')
      .select(['id'])
      .where('kind', '=', 'spend')
      .limit(1)
      .executeTakeFirstOrThrow();
    await t.ctx.db
      .updateTable('entitlement_entries')
      .set({ amount: -1 })
      .where('id', '=', victim.id)
      .execute();
    const bad = await verifyChains(t.ctx.db);
    expect(bad.ok).toBe(false);
    expect(bad.broken).toMatchObject({ log: 'entitlement_entries', id: victim.id });
  });
});
