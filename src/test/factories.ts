/**
 * Small test-data factories over the API: a problem reported with sensible defaults, and a problem
 * brought to a given status by the real actions of the demo sign-ins (the lifecycle decides; a step it
 * refuses fails the factory with the API's answer).
 */
import type { Status } from '../modules/problems/index.ts';
import type { Client, TestApp } from './harness.ts';
import type { TestDatabase } from './server-process.ts';

/** The fields of a report; each has a default (a roads problem in the first village of 月塘街道). */
export interface ReportInput {
  categoryCode?: string;
  title?: string;
  description?: string;
  villageCode?: string;
  fields?: Record<string, unknown>;
  [more: string]: unknown;
}

/** Reports a problem as `client` (who must be allowed to report) and returns the API's answer. */
export async function reportProblem(client: Client, input: ReportInput = {}): Promise<any> {
  const r = await client.post('/api/problems', {
    categoryCode: 'roads',
    title: `测试问题 ${Math.random().toString(36).slice(2, 8)}`,
    description: '路面坑洼积水，雨天无法通行。',
    villageCode: '430202001001',
    fields: { hazard: '一般' },
    ...input,
  });
  if (r.status !== 201) throw new Error(`report failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The statuses a factory reaches; `merged` needs a second problem and is left to the tests. */
export type ReachableStatus = Exclude<Status, 'merged'>;

type Actor = 'supervisor' | 'unit';
type Step = readonly [Actor, string, Record<string, unknown>];

/** The unit of the demo sign-in `demo-unit`, which the factory makes the lead unit. */
const LEAD_UNIT_QUERY = '人力资源';
const DISPATCH: Step = ['supervisor', 'dispatch', {}]; // the lead unit is filled in when run
const SIGN: Step = ['unit', 'sign', {}];
const CLOSE: Step = ['unit', 'request_closure', { summary: '已修复路面并清理积水。' }];

/** The actions that lead from `submitted` to each status. */
const STEPS: Record<ReachableStatus, readonly Step[]> = {
  submitted: [],
  returned: [['supervisor', 'return', { reason: '请补充具体位置' }]],
  rejected: [['supervisor', 'reject', { reason: '不属于受理范围' }]],
  assigned: [DISPATCH],
  bounced: [DISPATCH, ['unit', 'bounce', { reason: '属地不符' }]],
  in_progress: [DISPATCH, SIGN],
  closure_requested: [DISPATCH, SIGN, CLOSE],
  closed: [DISPATCH, SIGN, CLOSE, ['supervisor', 'verify', {}]],
};

/** Problems made on one test application; the demo sign-ins and the lead unit are looked up once. */
export interface ProblemFactory {
  /** Reports a problem as the supervisor. */
  report(input?: ReportInput): Promise<any>;
  /**
   * A problem reported by the supervisor and brought to `status`, `demo-unit`'s unit leading it once
   * dispatched. Returns the last answer (the problem as the API shows it to the supervisor).
   */
  inStatus(status: ReachableStatus, input?: ReportInput): Promise<any>;
}

/** A problem factory over `t`'s API. */
export function problemFactory(t: TestApp): ProblemFactory {
  let ready: Promise<{ actors: Record<Actor, Client>; leadUnitId: string }> | null = null;
  const setUp = async () => {
    const actors = { supervisor: await t.as('demo-supervisor'), unit: await t.as('demo-unit') };
    const units = (await actors.supervisor.get(`/api/units?q=${encodeURIComponent(LEAD_UNIT_QUERY)}`)).body;
    return { actors, leadUnitId: (Array.isArray(units) ? units : units.items)[0].id as string };
  };
  return {
    async report(input = {}) {
      const { actors } = await (ready ??= setUp());
      return reportProblem(actors.supervisor, input);
    },
    async inStatus(status, input = {}) {
      const { actors, leadUnitId } = await (ready ??= setUp());
      let problem = await reportProblem(actors.supervisor, input);
      for (const [actor, action, body] of STEPS[status]) {
        const payload = action === 'dispatch' ? { ...body, leadUnitId } : body;
        const r = await actors[actor].post(`/api/problems/${problem.id}/actions/${action}`, payload);
        if (r.status !== 200) throw new Error(`${action} failed: ${r.status} ${JSON.stringify(r.body)}`);
        problem = r.body;
      }
      return problem;
    },
  };
}

/**
 * `n` jobs problems reported by `demo-resident` and each pressed once by `demo-supervisor`: two log entries
 * a problem, the history the audit tests tamper with. Returns the problems' ids in order.
 */
export async function pressedProblems(t: TestApp, n: number): Promise<string[]> {
  const resident = await t.as('demo-resident');
  const supervisor = await t.as('demo-supervisor');
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = await reportProblem(resident, {
      categoryCode: 'jobs',
      title: `求职 ${i}`,
      description: '希望参加技能培训',
      fields: {},
    });
    const r = await supervisor.post(`/api/problems/${p.id}/actions/press`, { note: '请尽快' });
    if (r.status !== 200) throw new Error(`press failed: ${r.status} ${JSON.stringify(r.body)}`);
    ids.push(p.id as string);
  }
  return ids;
}

/** The database of a test application, for running the command line against it (`runCli`). */
export function cliDatabaseOf(t: TestApp): TestDatabase {
  return {
    dataDir: t.ctx.config.dataDir,
    databaseUrl: t.ctx.config.databaseUrl,
    env: {
      QINGDAN_DATA: t.ctx.config.dataDir,
      ...(t.ctx.config.databaseUrl ? { DATABASE_URL: t.ctx.config.databaseUrl } : {}),
    },
    drop: async () => undefined,
  };
}
