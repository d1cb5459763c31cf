import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, HETANG } from '../../demo/hetang.ts';
import { startTestApp, type Client, type TestApp } from '../../test/harness.ts';

const PHONE = '13812345678';
const ID_NUMBER = '430202199001011233';
/** Any full mainland mobile number or 18-character ID number. */
const FULL_PHONE = /(?<!\d)1[3-9]\d{9}(?!\d)/;
const withoutUuids = (text: string) =>
  text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>');
const FULL_ID = /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/;

const IDENTITIES = ['anonymous', 'api-key', 'pii-person', ...DEMO_USERS] as const;
type Identity = (typeof IDENTITIES)[number];

/**
 * Where a full number may appear: one's own profile, and the detail of a problem for its reporter, the
 * supervisors, the admin and the lead unit (who must call the reporter back). Everywhere else — every
 * list, every export, the public pages, Open311 — numbers are masked.
 */
function mayShowFull(route: string, who: Identity): boolean {
  if (route === '/api/auth/me') return true;
  if (route === '/api/problems/:id')
    // The 12345 operator calls reporters back (回访), so it reads their numbers (issue 22).
    return ['pii-person', 'demo-admin', 'demo-supervisor', 'demo-unit', 'demo-operator'].includes(who);
  return false;
}

/** Masking of phone and ID numbers by role, in every response of every GET route and in the ledger export. */
describe('personal data in responses and exports', () => {
  let t: TestApp;
  const c = {} as Record<Identity, Client>;
  let problemId = '';
  let problemNumber = '';
  let attachmentId = '';

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    const admin = await t.as('demo-admin');
    const created = await admin.post('/api/users', {
      username: 'pii-person',
      displayName: '李四',
      password: 'Secret-pass-2024',
      phone: PHONE,
      idNumber: ID_NUMBER,
      roles: ['resident'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.idNumber).toBe(ID_NUMBER); // the admin sees it whole
    c.anonymous = t.client();
    const key = t.client();
    key.request = (
      (orig) =>
      (m, u, b, h = {}) =>
        orig(m, u, b, { authorization: `Bearer ${HETANG.apiKey}`, ...h })
    )(key.request.bind(key));
    c['api-key'] = key;
    c['pii-person'] = t.client();
    expect((await c['pii-person'].login('pii-person', 'Secret-pass-2024')).status).toBe(200);
    for (const u of IDENTITIES.filter((x) => x.startsWith('demo-'))) c[u] = await t.as(u);

    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const boundary = '----pii';
    const upload = await c['pii-person'].request(
      'POST',
      '/api/attachments',
      Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n`,
        ),
        png,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
      { 'content-type': `multipart/form-data; boundary=${boundary}` },
    );
    expect(upload.status).toBe(201);
    attachmentId = upload.body.id;
    const p = await c['pii-person'].post('/api/problems', {
      categoryCode: 'roads',
      title: '路灯损坏',
      description: `请回电 ${'（号码见联系方式）'}`,
      villageCode: '430202001001',
      fields: { hazard: '一般' },
      attachmentIds: [attachmentId],
    });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    problemId = p.body.id;
    problemNumber = p.body.number;
    const hr = (await admin.get('/api/units?q=人力资源')).body.items[0].id;
    const sup = c['demo-supervisor'];
    expect((await sup.post(`/api/problems/${problemId}/actions/dispatch`, { leadUnitId: hr })).status).toBe(
      200,
    );
    expect((await c['demo-unit'].post(`/api/problems/${problemId}/actions/sign`, {})).status).toBe(200);
    expect(
      (await c['demo-unit'].post(`/api/problems/${problemId}/actions/progress`, { note: '已联系' })).status,
    ).toBe(200);
  });
  afterAll(() => t.close());

  it('stores the ID number encrypted, with a keyed hash for lookup', async () => {
    const row = await t.ctx.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', 'pii-person')
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(ID_NUMBER);
    expect(row.id_number_enc).toBeTruthy();
    expect(row.id_number_hash).toBe(t.ctx.cipher.lookupHash(ID_NUMBER));
    expect(t.ctx.cipher.decrypt(row.id_number_enc!)).toBe(ID_NUMBER);
  });

  it('masks phone and ID numbers in every GET response, for every role, except where the role needs them', async () => {
    const fill = (url: string) =>
      url
        .replace('/api/problems/:id', `/api/problems/${problemId}`)
        .replace('/api/attachments/:id', `/api/attachments/${attachmentId}`)
        .replace(':file', `${problemNumber}.json`)
        .replace(/:id/g, problemId)
        .replace(/:[a-z_]+/g, 'x');
    const routes = t.app.routeTable.filter(
      (r) =>
        r.method === 'GET' &&
        (r.url.startsWith('/api/') || r.url.startsWith('/open311/')) &&
        !r.url.startsWith('/api/docs') &&
        r.url !== '/api/openapi.json' &&
        r.url !== '/api/problems/export.xlsx',
    );
    const leaks: string[] = [];
    let fullSeen = 0;
    for (const route of routes) {
      for (const who of IDENTITIES) {
        const r = await c[who].get(fill(route.url));
        // Identifiers are not personal data: the hex of a UUID can hold an 11-digit run by chance.
        const text = withoutUuids(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
        const full = FULL_PHONE.test(text) || FULL_ID.test(text);
        if (full && !mayShowFull(route.url, who))
          leaks.push(`${route.url} as ${who}: ${text.match(FULL_PHONE)?.[0] ?? text.match(FULL_ID)?.[0]}`);
        if (route.url === '/api/problems/:id' && mayShowFull(route.url, who)) {
          expect(text, who).toContain(PHONE);
          fullSeen++;
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(fullSeen).toBe(5);
    // The user list shows the ID number masked (first 6, last 4), even to the admin.
    const users = await c['demo-admin'].get('/api/users?q=pii');
    expect(users.body.items[0].idNumber).toBe('430202********1233');
    expect(users.body.items[0].phone).toBe('138****5678');
  });

  it('masks phone and ID numbers in the ledger export, for every role that may export', async () => {
    let exported = 0;
    for (const who of IDENTITIES) {
      const r = await c[who].get('/api/problems/export.xlsx');
      if (r.status !== 200) continue;
      exported++;
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(r.raw as unknown as ExcelJS.Buffer);
      const cells: string[] = [];
      wb.eachSheet((ws) =>
        ws.eachRow((row) => row.eachCell((cell) => void cells.push(String(cell.text ?? '')))),
      );
      const all = withoutUuids(cells.join('\n'));
      expect(FULL_PHONE.test(all), `${who}: ${all.match(FULL_PHONE)?.[0]}`).toBe(false);
      expect(FULL_ID.test(all), who).toBe(false);
      if (['demo-admin', 'demo-supervisor'].includes(who)) expect(all).toContain('138****5678');
    }
    expect(exported).toBeGreaterThan(3);
  });
});
