import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../test/harness.ts';

/** Accept-Language picks the language of error answers; without it the bilingual text stays. */
describe('error answers in the caller language', () => {
  let t: TestApp;
  let supervisor: Client;
  let problemId: string;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    const resident = await t.as('demo-resident');
    supervisor = await t.as('demo-supervisor');
    problemId = (
      await resident.post('/api/problems', {
        categoryCode: 'jobs',
        title: '求职',
        description: '需要培训',
        villageCode: '430202001001',
      })
    ).body.id;
  });
  afterAll(() => t.close());

  it('answers a dispatch without a unit in Chinese, with the issue code and no schema text', async () => {
    const r = await supervisor.post(
      `/api/problems/${problemId}/actions/dispatch`,
      { leadUnitId: '' },
      { 'accept-language': 'zh-CN,zh;q=0.9' },
    );
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe('牵头单位：必填');
    expect(r.body.error.details[0]).toMatchObject({ path: 'leadUnitId', code: 'too_small', message: '必填' });
    expect(JSON.stringify(r.body)).not.toMatch(/Too small|expected/);
  });

  it('answers the same in English for an English client', async () => {
    const r = await supervisor.post(
      `/api/problems/${problemId}/actions/dispatch`,
      { leadUnitId: '' },
      { 'accept-language': 'en-US' },
    );
    expect(r.body.error.message).toBe('Lead unit: Required');
  });

  it('keeps one side of a bilingual domain message', async () => {
    const zh = await supervisor.get(`/api/problems/${problemId}/press-notice.pdf`, {
      'accept-language': 'zh',
    });
    expect(zh.status).toBe(409);
    expect(zh.body.error.message).toBe('该问题尚未督办，没有督办单');
    const en = await supervisor.get(`/api/problems/${problemId}/press-notice.pdf`, {
      'accept-language': 'en',
    });
    expect(en.body.error.message).toBe('the problem was never pressed');
    const both = await supervisor.get(`/api/problems/${problemId}/press-notice.pdf`);
    expect(both.body.error.message).toContain(' / ');
  });
});
