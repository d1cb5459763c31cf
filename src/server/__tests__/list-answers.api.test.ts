import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../test/harness.ts';

/** Every list the web and integrations read, as the admin sees it. */
const LISTS = [
  '/api/users',
  '/api/api-keys',
  '/api/divisions',
  '/api/divisions?parent=430202',
  '/api/units',
  '/api/domains',
  '/api/categories',
  '/api/indicators',
  '/api/time-rules',
  '/api/calendar?year=2024',
  '/api/problems',
  '/api/problems/map',
  '/api/campaigns',
  '/api/topics',
  '/api/visits',
  '/api/results',
  '/api/actions/recent',
  '/api/notifications',
  '/api/notices',
];

describe('list answers', () => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    admin = await t.as('demo-admin');
  });
  afterAll(() => t.close());

  it('answer every list as {items, total, nextCursor}', async () => {
    for (const url of LISTS) {
      const r = await admin.get(url);
      expect(r.status, url).toBe(200);
      expect(Array.isArray(r.body.items), url).toBe(true);
      expect(typeof r.body.total, url).toBe('number');
      expect(r.body.total, url).toBeGreaterThanOrEqual(r.body.items.length);
      expect(r.body.nextCursor === null || typeof r.body.nextCursor === 'string', url).toBe(true);
    }
  });

  it('documents each of them with that shape in the OpenAPI document', async () => {
    const doc = (await t.client().get('/api/openapi.json')).body;
    for (const url of LISTS) {
      const path = url.split('?')[0]!;
      const schema = doc.paths[path].get.responses['200'].content['application/json'].schema;
      expect(schema.required, path).toEqual(expect.arrayContaining(['items', 'total', 'nextCursor']));
    }
  });

  it('tells the big screen its place and campaign without names written into the page', async () => {
    const r = await t.client().get('/api/screen');
    expect(r.status).toBe(200);
    expect(r.body.place).toBe(t.ctx.jurisdictions[0]!.name);
    expect(r.body).toHaveProperty('campaign');
    expect(r.body.figures).toEqual([]);
  });
});
