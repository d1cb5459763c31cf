import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { runCli, type TestDatabase } from '../../../test/server-process.ts';
import { cliDatabaseOf, problemFactory } from '../../../test/factories.ts';
import { verifyProblemStates } from '../../problems/index.ts';

/**
 * An insider edits what the results list and the KPIs read — a problem's status, its deadline, its lead
 * unit, a result indicator — without touching the log. `audit verify` compares the rows with what each
 * problem's log says and names the problem and the field.
 */
describe('the current state proved against the log', () => {
  let t: TestApp;
  let cliDb: TestDatabase;
  let open: { id: string; number: string };
  let closed: { id: string; number: string };
  const jid = '430202';

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    cliDb = cliDatabaseOf(t);
    const f = problemFactory(t);
    open = await f.inStatus('in_progress', { categoryCode: 'jobs', fields: {} });
    const working = await f.inStatus('in_progress', { categoryCode: 'jobs', fields: {} });
    const unit = await t.as('demo-unit');
    const supervisor = await t.as('demo-supervisor');
    const asked = await unit.post(`/api/problems/${working.id}/actions/request_closure`, {
      summary: '组织专场招聘会，已安排就业。',
      indicators: [{ code: 'new_jobs', value: 12 }],
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    const done = await supervisor.post(`/api/problems/${working.id}/actions/verify`, {});
    expect(done.status).toBe(200);
    closed = done.body;
  });
  afterAll(() => t.close());

  const differences = async () =>
    (await verifyProblemStates(t.ctx.db, jid, await t.ctx.reference.get(jid))).differences;

  it('finds nothing to report in state written by the application', async () => {
    const r = await verifyProblemStates(t.ctx.db, jid, await t.ctx.reference.get(jid));
    expect(r.checked).toBe(2);
    expect(r.differences).toEqual([]);
    const cli = runCli(cliDb, ['audit', 'verify']);
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`problem state of ${jid} matches its log: 2 problems`);
  });

  it('names a problem whose status was set to closed in the database', async () => {
    await t.ctx.db.updateTable('problems').set({ status: 'closed' }).where('id', '=', open.id).execute();
    expect(await differences()).toEqual([
      { problemId: open.id, number: open.number, field: 'status', found: 'closed', logged: 'in_progress' },
    ]);
    const cli = runCli(cliDb, ['audit', 'verify']);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(
      `DIFFERS: problem ${open.number} of ${jid}: status is "closed", the log says "in_progress"`,
    );
    await t.ctx.db.updateTable('problems').set({ status: 'in_progress' }).where('id', '=', open.id).execute();
    expect(await differences()).toEqual([]);
  });

  it('names a problem whose indicator was multiplied by ten', async () => {
    const ind = () =>
      t.ctx.db
        .selectFrom('result_indicators')
        .select('value_scaled')
        .where('problem_id', '=', closed.id)
        .where('code', '=', 'new_jobs')
        .executeTakeFirstOrThrow();
    const before = Number((await ind()).value_scaled);
    await t.ctx.db
      .updateTable('result_indicators')
      .set({ value_scaled: before * 10 })
      .where('problem_id', '=', closed.id)
      .execute();
    expect(await differences()).toEqual([
      {
        problemId: closed.id,
        number: closed.number,
        field: 'indicator new_jobs',
        found: before * 10,
        logged: before,
      },
    ]);
    const cli = runCli(cliDb, ['audit', 'verify']);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(`DIFFERS: problem ${closed.number} of ${jid}: indicator new_jobs`);
    await t.ctx.db
      .updateTable('result_indicators')
      .set({ value_scaled: before })
      .where('problem_id', '=', closed.id)
      .execute();
    expect(await differences()).toEqual([]);
  });

  it('names a moved deadline, a changed lead unit and an edited result', async () => {
    const row = await t.ctx.db
      .selectFrom('problems')
      .selectAll()
      .where('id', '=', open.id)
      .executeTakeFirstOrThrow();
    await t.ctx.db
      .updateTable('problems')
      .set({ close_due_at: '2099-01-01T00:00:00.000Z', rating: 'satisfied' })
      .where('id', '=', open.id)
      .execute();
    await t.ctx.db
      .updateTable('problem_units')
      .set({ unit_id: 'someone-else' })
      .where('problem_id', '=', open.id)
      .where('role', '=', 'lead')
      .execute();
    await t.ctx.db
      .updateTable('results')
      .set({ summary: '已全部解决' })
      .where('problem_id', '=', closed.id)
      .execute();
    const d = await differences();
    expect(d.map((x) => `${x.number} ${x.field}`).sort()).toEqual(
      [
        `${open.number} close_due_at`,
        `${open.number} rating`,
        `${open.number} lead unit`,
        `${closed.number} result summary`,
      ].sort(),
    );
    expect(d.find((x) => x.field === 'close_due_at')).toMatchObject({ logged: row.close_due_at });
  });
});
