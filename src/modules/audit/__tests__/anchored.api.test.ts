import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHash } from '../../../kernel/chain.ts';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { pressedProblems } from '../../../test/factories.ts';
import { actionHashRecord, verifyChains, writeCheckpoints, type CheckpointSource } from '../index.ts';

/**
 * An insider who can write the database rewrites history so that the chain still links: deletes its last
 * records, edits a note and recomputes every hash after it, grants himself a role. The chain's length is
 * checked against its counter, its head is signed outside the database, and users' grants are covered by
 * the administrative chain, so each of these is reported.
 */
describe('a chain that cannot be rewritten', () => {
  let t: TestApp;
  let source: CheckpointSource;
  const jid = '430202';

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    source = { file: t.ctx.config.auditCheckpointFile, cipher: t.ctx.cipher };
    await pressedProblems(t, 4);
  });
  afterAll(() => t.close());

  const actions = () =>
    t.ctx.db.selectFrom('actions').selectAll().where('jurisdiction_id', '=', jid).orderBy('seq').execute();

  it('signs the heads into an append-only file and verifies them', async () => {
    // One line for each log of each jurisdiction that has records (the demo's Open311 sandbox too).
    const signed = await writeCheckpoints(t.ctx.db, source.file, source.cipher, t.ctx.clock.now());
    expect(signed).toBeGreaterThanOrEqual(2);
    // Nothing moved: nothing more to sign.
    expect(await writeCheckpoints(t.ctx.db, source.file, source.cipher, t.ctx.clock.now())).toBe(0);
    const r = await verifyChains(t.ctx.db, source);
    expect(r.ok, JSON.stringify(r.broken)).toBe(true);
    expect(r.checked.checkpoints).toBe(signed);
    expect(r.checked.users).toBeGreaterThan(5);
  });

  it('reports a note edited with every later hash recomputed (the chain alone cannot see it)', async () => {
    const rows = await actions();
    const saved = rows.map((r) => ({ id: r.id, note: r.note, prev_hash: r.prev_hash, hash: r.hash }));
    let prev = rows[1]!.prev_hash;
    for (const [i, r] of rows.entries()) {
      if (i < 1) continue;
      const note = i === 1 ? '（已篡改）' : r.note;
      const hash = chainHash(prev, actionHashRecord({ ...r, note }));
      await t.ctx.db
        .updateTable('actions')
        .set({ note, prev_hash: prev, hash })
        .where('id', '=', r.id)
        .execute();
      prev = hash;
    }
    expect((await verifyChains(t.ctx.db)).ok).toBe(true); // unanchored, the rewrite holds together
    const r = await verifyChains(t.ctx.db, source);
    expect(r.ok).toBe(false);
    expect(r.broken).toMatchObject({ log: 'actions', seq: rows.length });
    expect(r.broken!.reason).toMatch(/rewritten/);
    for (const s of saved)
      await t.ctx.db
        .updateTable('actions')
        .set({ note: s.note, prev_hash: s.prev_hash, hash: s.hash })
        .where('id', '=', s.id)
        .execute();
    expect((await verifyChains(t.ctx.db, source)).ok).toBe(true);
  });

  it('reports the last records deleted, by their counter and by the signed head', async () => {
    const rows = await actions();
    const last = rows.slice(-2);
    await t.ctx.db
      .deleteFrom('actions')
      .where(
        'id',
        'in',
        last.map((r) => r.id),
      )
      .execute();
    const r = await verifyChains(t.ctx.db);
    expect(r.ok).toBe(false);
    expect(r.broken!.reason).toMatch(/last 2 were deleted/);
    // Lowering the counter too does not hide it from the signed head.
    await t.ctx.db
      .updateTable('counters')
      .set({ value: sql`value - 2` })
      .where('jurisdiction_id', '=', jid)
      .where('name', '=', 'action_seq')
      .execute();
    expect((await verifyChains(t.ctx.db)).ok).toBe(true);
    const anchored = await verifyChains(t.ctx.db, source);
    expect(anchored.ok).toBe(false);
    expect(anchored.broken!.reason).toMatch(/records were deleted/);
    await t.ctx.db.insertInto('actions').values(last).execute();
    await t.ctx.db
      .updateTable('counters')
      .set({ value: sql`value + 2` })
      .where('jurisdiction_id', '=', jid)
      .where('name', '=', 'action_seq')
      .execute();
    expect((await verifyChains(t.ctx.db, source)).ok).toBe(true);
  });

  it('reports a forged checkpoint line', async () => {
    const original = fs.readFileSync(source.file, 'utf8');
    const lines = original.trim().split('\n');
    // The district's own action log: its head is far past the first record.
    const at = lines.findIndex((l) => {
      const c = JSON.parse(l) as { jurisdictionId: string; log: string };
      return c.jurisdictionId === jid && c.log === 'actions';
    });
    const forged = JSON.parse(lines[at]!) as { seq: number };
    expect(forged.seq).toBeGreaterThan(1);
    forged.seq = 1;
    lines[at] = JSON.stringify(forged);
    fs.writeFileSync(source.file, `${lines.join('\n')}\n`);
    const r = await verifyChains(t.ctx.db, source);
    expect(r.ok).toBe(false);
    expect(r.broken).toMatchObject({ log: 'checkpoints' });
    fs.writeFileSync(source.file, original);
  });

  it('reports a role granted in the database without the application, by the user name', async () => {
    const before = await t.ctx.db
      .selectFrom('users')
      .select('roles')
      .where('username', '=', 'demo-resident')
      .executeTakeFirstOrThrow();
    await t.ctx.db
      .updateTable('users')
      .set({ roles: '["resident","admin"]' })
      .where('username', '=', 'demo-resident')
      .execute();
    const r = await verifyChains(t.ctx.db);
    expect(r.ok).toBe(false);
    expect(r.broken).toMatchObject({ log: 'users', id: 'demo-resident' });
    await t.ctx.db
      .updateTable('users')
      .set({ roles: before.roles })
      .where('username', '=', 'demo-resident')
      .execute();
    // A password hash swapped in directly is reported the same way.
    await t.ctx.db
      .updateTable('users')
      .set({ password_hash: 'x' })
      .where('username', '=', 'demo-leader')
      .execute();
    expect((await verifyChains(t.ctx.db)).broken).toMatchObject({ log: 'users', id: 'demo-leader' });
  });

  it('accepts a grant changed through the application', async () => {
    const fresh = await startTestApp({ seed: 'reference' });
    try {
      const admin = await fresh.as('demo-admin');
      const list = await admin.get('/api/users?q=demo-leader');
      const leader = (list.body.items ?? list.body).find(
        (u: { username: string }) => u.username === 'demo-leader',
      );
      const r = await admin.request('PATCH', `/api/users/${leader.id}`, { roles: ['leader', 'supervisor'] });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect((await verifyChains(fresh.ctx.db)).ok).toBe(true);
    } finally {
      await fresh.close();
    }
  });
});
