import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { runCli, type TestDatabase } from '../../../test/server-process.ts';
import { verifyChains } from '../index.ts';
import { cliDatabaseOf, pressedProblems } from '../../../test/factories.ts';

/**
 * An insider with database access edits history: an action's note, a deleted action, an edited
 * administrative record. `verifyChains` and `qingdan audit verify` fail and name the first broken link.
 */
describe('tampering with the logs', () => {
  let t: TestApp;
  let cliDb: TestDatabase;
  const actionIds: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    cliDb = cliDatabaseOf(t);
    await pressedProblems(t, 3);
    const rows = await t.ctx.db
      .selectFrom('actions')
      .select(['id', 'seq'])
      .where('jurisdiction_id', '=', '430202')
      .orderBy('seq')
      .execute();
    actionIds.push(...rows.map((r) => r.id));
  });
  afterAll(() => t.close());

  it('proves the untouched chains intact, on the API and on the command line', async () => {
    const r = await verifyChains(t.ctx.db);
    expect(r.ok).toBe(true);
    expect(r.checked.actions).toBe(6);
    expect(r.checked.audit).toBeGreaterThan(0);
    const cli = runCli(cliDb, ['audit', 'verify']);
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('audit chains intact: 6 actions');
  });

  it('names an edited action', async () => {
    const victim = actionIds[3]!;
    const before = await t.ctx.db
      .selectFrom('actions')
      .select('note')
      .where('id', '=', victim)
      .executeTakeFirstOrThrow();
    await t.ctx.db.updateTable('actions').set({ note: '已按期办结' }).where('id', '=', victim).execute();
    const r = await verifyChains(t.ctx.db);
    expect(r.ok).toBe(false);
    expect(r.broken).toMatchObject({ log: 'actions', jurisdictionId: '430202', seq: 4, id: victim });
    expect(r.broken!.reason).toContain('edited');
    const cli = runCli(cliDb, ['audit', 'verify']);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(`BROKEN: actions of 430202, seq 4 (id ${victim})`);
    // The hash covers the content and nothing else: the original note makes the chain whole again.
    await t.ctx.db.updateTable('actions').set({ note: before.note }).where('id', '=', victim).execute();
    expect((await verifyChains(t.ctx.db)).ok).toBe(true);
  });

  it('names a deleted action by the gap it leaves', async () => {
    const victim = actionIds[1]!;
    const row = await t.ctx.db
      .selectFrom('actions')
      .selectAll()
      .where('id', '=', victim)
      .executeTakeFirstOrThrow();
    await t.ctx.db.deleteFrom('actions').where('id', '=', victim).execute();
    const r = await verifyChains(t.ctx.db);
    expect(r.ok).toBe(false);
    expect(r.broken).toMatchObject({ log: 'actions', seq: 3 });
    expect(r.broken!.reason).toContain('deleted');
    await t.ctx.db.insertInto('actions').values(row).execute();
    expect((await verifyChains(t.ctx.db)).ok).toBe(true);
  });

  it('names an edited administrative record (users, roles, categories, rules)', async () => {
    const first = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('jurisdiction_id', '=', '430202')
      .orderBy('seq')
      .executeTakeFirstOrThrow();
    await t.ctx.db
      .updateTable('audit_log')
      .set({ summary: `${first.summary} (edited)` })
      .where('jurisdiction_id', '=', '430202')
      .where('seq', '=', first.seq)
      .execute();
    const r = await verifyChains(t.ctx.db);
    expect(r.ok).toBe(false);
    expect(r.broken).toMatchObject({ log: 'audit_log', seq: Number(first.seq) });
    const cli = runCli(cliDb, ['audit', 'verify']);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain('BROKEN: audit_log of 430202');
  });
});
