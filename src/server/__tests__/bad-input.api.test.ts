import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../test/harness.ts';

function multipart(field: string, filename: string, content: Buffer, type = 'application/octet-stream') {
  const boundary = '----qingdan' + Math.random().toString(16).slice(2);
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Bad input gets a 4xx whose message names the problem; nothing is half-written; never a 500. */
describe('bad input', () => {
  let t: TestApp;
  let resident: Client, supervisor: Client, admin: Client;
  let problemId: string;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    resident = await t.as('demo-resident');
    supervisor = await t.as('demo-supervisor');
    admin = await t.as('demo-admin');
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

  const valid = {
    categoryCode: 'roads',
    title: '路面坑洼',
    description: '积水严重',
    villageCode: '430202001001',
    fields: { hazard: '一般' },
  };
  const cases: [string, () => Promise<{ status: number; body: any }>, number, RegExp][] = [
    ['wrong type of title', () => resident.post('/api/problems', { ...valid, title: 42 }), 400, /title/],
    [
      'missing description',
      () => resident.post('/api/problems', { ...valid, description: undefined }),
      400,
      /description/,
    ],
    [
      'unknown category',
      () => resident.post('/api/problems', { ...valid, categoryCode: 'no_such' }),
      400,
      /categoryCode/,
    ],
    [
      'unknown village',
      () => resident.post('/api/problems', { ...valid, villageCode: '430202999999' }),
      400,
      /villageCode/,
    ],
    [
      'malformed village code',
      () => resident.post('/api/problems', { ...valid, villageCode: 'abc' }),
      400,
      /villageCode/,
    ],
    [
      'oversized description',
      () => resident.post('/api/problems', { ...valid, description: '长'.repeat(5001) }),
      400,
      /description/,
    ],
    [
      'bad choice value',
      () => resident.post('/api/problems', { ...valid, fields: { hazard: '世界末日' } }),
      400,
      /fields\.hazard/,
    ],
    [
      'missing required field',
      () => resident.post('/api/problems', { ...valid, fields: {} }),
      400,
      /fields\.hazard/,
    ],
    [
      'unknown extra field',
      () => resident.post('/api/problems', { ...valid, fields: { hazard: '一般', colour: 'red' } }),
      400,
      /fields\.colour/,
    ],
    ['lat without lng', () => resident.post('/api/problems', { ...valid, lat: 27.8 }), 400, /lng|lat/],
    [
      'latitude out of range',
      () => resident.post('/api/problems', { ...valid, lat: 200, lng: 113 }),
      400,
      /lat/,
    ],
    [
      'kind not matching category',
      () => resident.post('/api/problems', { ...valid, kind: 'enterprise' }),
      400,
      /kind/,
    ],
    [
      'broken JSON',
      () => resident.post('/api/problems', '{"title": ', { 'content-type': 'application/json' }),
      400,
      /JSON|json|Unexpected|Body/i,
    ],
    [
      'text instead of JSON',
      () => resident.post('/api/problems', 'title=x', { 'content-type': 'text/plain' }),
      400,
      /body: .*expected object/,
    ],
    [
      'unknown attachment',
      () => resident.post('/api/problems', { ...valid, attachmentIds: ['nope'] }),
      400,
      /attachments/,
    ],
    ['bad page size', () => supervisor.get('/api/problems?pageSize=100000'), 400, /pageSize/],
    ['bad status filter', () => supervisor.get('/api/problems?status=flying'), 400, /status/],
    ['bad date filter', () => supervisor.get('/api/problems?from=yesterday'), 400, /from/],
    ['bad bbox', () => supervisor.get('/api/problems?bbox=1,2,3'), 400, /bbox/],
    ['unknown problem', () => supervisor.get('/api/problems/does-not-exist'), 404, /not found/],
    [
      'unknown action',
      () => supervisor.post(`/api/problems/${problemId}/actions/explode`, {}),
      404,
      /action/,
    ],
    [
      'dispatch to unknown unit',
      () => supervisor.post(`/api/problems/${problemId}/actions/dispatch`, { leadUnitId: 'nope' }),
      400,
      /unit/,
    ],
    [
      'rating not in list',
      () => resident.post(`/api/problems/${problemId}/actions/rate`, { rating: 'great' }),
      409,
      /rate/,
    ],
    [
      'user with short password',
      () =>
        admin.post('/api/users', {
          username: 'x1y2z3',
          displayName: 'X',
          password: 'short',
          roles: ['resident'],
        }),
      400,
      /password/,
    ],
    [
      'user with unknown role',
      () => admin.post('/api/users', { username: 'x1y2z3', displayName: 'X', roles: ['king'] }),
      400,
      /roles/,
    ],
    [
      'category with duplicate fields',
      () =>
        admin.request('PUT', '/api/categories/newcat', {
          code: 'newcat',
          name: '新类',
          nameEn: 'New',
          kind: 'resident',
          domain: 'livelihood',
          fields: [
            { code: 'a', label: 'A', type: 'string' },
            { code: 'a', label: 'B', type: 'string' },
          ],
        }),
      400,
      /duplicate/,
    ],
    [
      'calendar day not a date',
      () => admin.request('PUT', '/api/calendar/2024-13-45', { isWorkday: true, name: 'x' }),
      400,
      /date/,
    ],
    [
      'one-time code for a bad phone',
      () => t.client().post('/api/auth/otp', { phone: '12345' }),
      400,
      /phone/,
    ],
    [
      'wrong password',
      () => t.client().post('/api/auth/login', { username: 'demo-admin', password: 'nope' }),
      401,
      /password/,
    ],
  ];

  for (const [name, run, status, message] of cases) {
    it(`${name} → ${status}`, async () => {
      const before = await t.ctx.db
        .selectFrom('problems')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const actionsBefore = await t.ctx.db
        .selectFrom('actions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const r = await run();
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(r.body.error.message).toMatch(message);
      const after = await t.ctx.db
        .selectFrom('problems')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const actionsAfter = await t.ctx.db
        .selectFrom('actions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
      expect(Number(actionsAfter.n)).toBe(Number(actionsBefore.n));
    });
  }

  it('refuses a file that is not what its name says, and accepts a real PNG', async () => {
    const fake = multipart('file', 'photo.jpg', Buffer.from('this is plain text, not a JPEG'), 'image/jpeg');
    let r = await resident.request('POST', '/api/attachments', fake.body, fake.headers);
    expect(r.status).toBe(415);
    expect(r.body.error.message).toContain('photo.jpg');
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const ok = multipart('file', '../../etc/passwd.png', png, 'image/png');
    r = await resident.request('POST', '/api/attachments', ok.body, ok.headers);
    expect(r.status).toBe(201);
    expect(r.body.mime).toBe('image/png');
    expect(r.body.name).not.toContain('/');
    const created = await resident.post('/api/problems', { ...valid, attachmentIds: [r.body.id] });
    expect(created.status).toBe(201);
    expect(created.body.attachments).toHaveLength(1);
    const file = await resident.get(r.body.url);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    // Someone who cannot see the problem cannot fetch its photo.
    const other = await t.as('demo-enterprise');
    expect((await other.get(r.body.url)).status).toBe(404);
  });

  it('replays a write with the same Idempotency-Key instead of doing it twice', async () => {
    const key = { 'idempotency-key': 'visit-draft-0001' };
    const a = await resident.post('/api/problems', valid, key);
    const b = await resident.post('/api/problems', valid, key);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect(b.headers['idempotent-replayed']).toBe('true');
    const c = await resident.post('/api/problems', { ...valid, title: '另一个问题' }, key);
    expect(c.status).toBe(422);
  });

  it('replays a committed write whose answer was never stored, and takes over a request that died', async () => {
    const key = 'crash-between-commit-and-answer';
    const first = await resident.post(
      '/api/problems',
      { ...valid, title: '提交后进程退出' },
      { 'idempotency-key': key },
    );
    expect(first.status).toBe(201);
    // As if the process stopped after the commit and before the answer was kept: only the commit's own
    // record (written in the same transaction) is there.
    await t.ctx.db
      .updateTable('idempotency_keys')
      .set({ response: JSON.stringify({ ref: { problemId: first.body.id } }) })
      .where('key', '=', key)
      .execute();
    const retry = await resident.post(
      '/api/problems',
      { ...valid, title: '提交后进程退出' },
      { 'idempotency-key': key },
    );
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.headers['idempotent-replayed']).toBe('true');

    // A reservation left by a request that died before committing: a retry after 30 s runs it once.
    const dead = 'died-before-commit';
    const body = { ...valid, title: '重试' };
    const principal = (await resident.get('/api/auth/me')).body.user.id;
    const requestHash = createHash('sha256')
      .update('POST /api/problems ')
      .update(JSON.stringify(body))
      .digest('hex');
    await t.ctx.db
      .insertInto('idempotency_keys')
      .values({
        jurisdiction_id: '430202',
        principal,
        key: dead,
        request_hash: requestHash,
        status_code: 0,
        response: '',
        created_at: '2000-01-01T00:00:00.000Z',
      })
      .execute();
    const count = async () =>
      Number(
        (
          await t.ctx.db
            .selectFrom('problems')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const ok = await resident.post('/api/problems', body, { 'idempotency-key': dead });
    expect(ok.status).toBe(201);
    const replay = await resident.post('/api/problems', body, { 'idempotency-key': dead });
    expect(replay.body.id).toBe(ok.body.id);
    expect(await count()).toBe(before + 1);
  });
});
