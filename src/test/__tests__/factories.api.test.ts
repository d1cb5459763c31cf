import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemFactory, type ProblemFactory, type ReachableStatus } from '../factories.ts';
import { startTestApp, type Client, type TestApp } from '../harness.ts';

const REACHABLE: ReachableStatus[] = [
  'submitted',
  'returned',
  'rejected',
  'assigned',
  'bounced',
  'in_progress',
  'closure_requested',
  'closed',
];

/** The factories bring a problem to every status they offer through the API, and it reads back so. */
describe('test-data factories', () => {
  let t: TestApp;
  let problems: ProblemFactory;
  let supervisor: Client;
  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    problems = problemFactory(t);
    supervisor = await t.as('demo-supervisor');
  });
  afterAll(() => t.close());

  it.each(REACHABLE)('makes a problem in status %s', async (status) => {
    const made = await problems.inStatus(status, { title: `工厂造的问题 ${status}` });
    expect(made.status).toBe(status);
    const read = await supervisor.get(`/api/problems/${made.id}`);
    expect(read.status).toBe(200);
    expect(read.body.status).toBe(status);
    expect(read.body.title).toBe(`工厂造的问题 ${status}`);
  });
});
