import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HETANG } from '../../demo/hetang.ts';
import type { DB } from '../../db/schema.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { random } from '../../kernel/random.ts';

/** At least this many requests; QINGDAN_FUZZ_REQUESTS raises it. */
const TARGET = Number(process.env.QINGDAN_FUZZ_REQUESTS ?? 10_000);
const SEED = Number(process.env.QINGDAN_FUZZ_SEED ?? 20240304);

/** Tables whose content must not change; sessions, one-time codes and idempotency records may. */
const DATA_TABLES: (keyof DB)[] = [
  'jurisdictions',
  'divisions',
  'units',
  'users',
  'api_keys',
  'domains',
  'categories',
  'indicators',
  'time_rules',
  'calendar_days',
  'campaigns',
  'topics',
  'visits',
  'problems',
  'problem_units',
  'actions',
  'results',
  'result_indicators',
  'attachments',
  'notifications',
  'notices',
  'counters',
  'audit_log',
  'open311_tokens',
  'open311_media',
];

const HOSTILE_STRINGS = [
  "' OR '1'='1",
  "'; DROP TABLE problems; --",
  '1 UNION SELECT password_hash FROM users',
  '" OR ""="',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '../../../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%00',
  '\u0000',
  '\ud800',
  '${7*7}{{7*7}}',
  '__proto__',
  'constructor',
  '𠀀'.repeat(3000),
  'x'.repeat(70_000),
  '-1',
  '1e309',
  'NaN',
  '9'.repeat(400),
  'null',
  '[]',
  '{}',
  '🙂\u202e\u200b',
];
const HOSTILE_VALUES: unknown[] = [
  ...HOSTILE_STRINGS,
  -1,
  0,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  3.14159,
  true,
  false,
  null,
  [],
  [null],
  {},
  { $gt: '' },
  { __proto__: { admin: true } },
  Array.from({ length: 5000 }, (_, i) => i),
];
/** Hostile XML: entity expansion (billion laughs), external entities, a huge document, broken markup. */
const HOSTILE_XML = [
  `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]><service_request><description>&lol5;</description></service_request>`,
  `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><service_request><service_code>&xxe;</service_code><description>&xxe;</description></service_request>`,
  `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY % remote SYSTEM "http://127.0.0.1:1/x.dtd">%remote;]><r/>`,
  `<service_request><service_code>roads</service_code><description>${'<a>'.repeat(20_000)}</description>`,
  `<?xml version="1.0" encoding="UTF-7"?>+ADw-script+AD4-alert(1)+ADw-/script+AD4-`,
  `<a><b></a></b>`,
];

/** Percent-encodes; a lone surrogate becomes the invalid UTF-8 bytes of its code point. */
function enc(v: unknown, max: number): string {
  const text = String(v).slice(0, max);
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

/**
 * Bad input at volume: ≥10,000 generated malformed requests spread over every route of the route table,
 * as anonymous callers, an API key and signed-in users of several roles — wrong types, huge values,
 * broken JSON, broken multipart, SQL and script payloads, invalid UTF-8, hostile XML. Not one 5xx, and
 * the data is exactly as before.
 */
describe('fuzz: malformed requests to every route', () => {
  let t: TestApp;
  const auth: Record<string, Record<string, string>> = {};
  let realIds: string[] = [];

  async function fingerprint(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const table of DATA_TABLES) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(t.ctx.db);
      const lines = rows.rows.map((r) => JSON.stringify(r)).sort();
      out[table] = `${lines.length}:${crypto.createHash('sha256').update(lines.join('\n')).digest('hex')}`;
    }
    return out;
  }

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    auth.anonymous = {};
    auth.apiKey = { authorization: `Bearer ${HETANG.apiKey}` };
    for (const u of ['demo-resident', 'demo-supervisor', 'demo-admin', 'demo-unit']) {
      const c = await t.as(u);
      auth[u] = { cookie: c.cookie!, 'x-csrf-token': c.csrf! };
    }
    const resident = await t.as('demo-resident');
    for (let i = 0; i < 3; i++) {
      const r = await resident.post('/api/problems', {
        categoryCode: 'jobs',
        title: `求职 ${i}`,
        description: '希望参加技能培训',
        villageCode: '430202001001',
      });
      realIds.push(r.body.id, r.body.number);
    }
    realIds = [...realIds, '430202001', 'roads'];
  });
  afterAll(() => t.close());

  it(`answers ${TARGET}+ malformed requests with 4xx only and changes no data`, async () => {
    const before = await fingerprint();
    // Seeded, so that a failure can be replayed with its seed.
    const rnd = random(SEED);
    // Sign-out last, so that the sessions live through the run.
    const routes = [...t.app.routeTable].sort(
      (a, b) => Number(a.url === '/api/auth/logout') - Number(b.url === '/api/auth/logout'),
    );
    // The web app's static files get a few requests each; the API and Open311 share the rest.
    const isWebFile = (url: string) => !url.startsWith('/api/') && !url.startsWith('/open311/');
    const webFiles = routes.filter((r) => isWebFile(r.url)).length;
    const perApiRoute = Math.ceil((TARGET - 3 * webFiles) / (routes.length - webFiles));

    // A DELETE with a well-formed path is a valid request, so its parameters are always hostile.
    const param = (method: string): string =>
      method !== 'DELETE' && rnd.next() < 0.4 ? rnd.pick(realIds) : enc(rnd.pick(HOSTILE_VALUES), 300);
    const query = (): string => {
      const keys = [
        'page',
        'pageSize',
        'status',
        'q',
        'bbox',
        'from',
        'to',
        'groupBy',
        'campaign',
        'parent',
        'limit',
      ];
      const parts: string[] = [];
      const n = 1 + Math.floor(rnd.next() * 4);
      for (let i = 0; i < n; i++) {
        const k = rnd.next() < 0.8 ? rnd.pick(keys) : rnd.pick(['__proto__[x]', 'a[b][c]', 'x[]', '%ff']);
        const v = rnd.next() < 0.15 ? '%ff%fe%c3%28' : enc(rnd.pick(HOSTILE_VALUES), 2000);
        parts.push(`${k}=${v}`);
      }
      return parts.join('&');
    };
    const body = (): { payload: string | Buffer; type: string } => {
      const kind = rnd.next();
      if (kind < 0.2) {
        const json = JSON.stringify({
          title: rnd.pick(HOSTILE_VALUES),
          categoryCode: rnd.pick(HOSTILE_VALUES),
        });
        return {
          payload: json.slice(0, Math.max(1, Math.floor(rnd.next() * json.length))),
          type: 'application/json',
        };
      }
      if (kind < 0.35) return { payload: JSON.stringify(rnd.pick(HOSTILE_VALUES)), type: 'application/json' };
      if (kind < 0.45)
        return {
          payload: Buffer.concat([
            Buffer.from('{"title":"'),
            Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
            Buffer.from('",'),
          ]),
          type: 'application/json; charset=utf-8',
        };
      if (kind < 0.55) return { payload: '['.repeat(5000) + ']'.repeat(4999), type: 'application/json' };
      if (kind < 0.7) {
        const b = 'fuzz';
        const variants = [
          `--${b}\r\nContent-Disposition: form-data; name="file"; filename="../../x.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0garbage`,
          `--${b}\r\nContent-Disposition: form-data; name="file"\r\n\r\n<script>`,
          `--other\r\n\r\n--${b}--`,
          `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xff\xff\xff\xff\xff\xff\xff--${b}--\r\n`,
        ];
        return {
          payload: Buffer.from(rnd.pick(variants), 'latin1'),
          type: `multipart/form-data; boundary=${b}`,
        };
      }
      if (kind < 0.82)
        return { payload: rnd.pick(HOSTILE_XML), type: rnd.pick(['application/xml', 'text/xml']) };
      if (kind < 0.9)
        return {
          payload: `api_key=${HETANG.apiKey}&service_code=${enc(rnd.pick(HOSTILE_VALUES), 500)}&lat=north&long=${'9'.repeat(500)}`,
          type: 'application/x-www-form-urlencoded',
        };
      return {
        payload: String(rnd.pick(HOSTILE_STRINGS)),
        type: rnd.pick(['text/plain', 'application/octet-stream', 'application/json']),
      };
    };
    const hostileHeaders = (): Record<string, string> => {
      const r = rnd.next();
      if (r < 0.05) return { 'idempotency-key': 'k'.repeat(500) };
      if (r < 0.1) return { 'if-match': String(rnd.pick(HOSTILE_STRINGS)).slice(0, 200) };
      if (r < 0.15) return { 'x-jurisdiction': "430202' OR 1=1" };
      if (r < 0.2) return { authorization: `Bearer ${String(rnd.pick(HOSTILE_STRINGS)).slice(0, 200)}` };
      if (r < 0.25) return { cookie: `qd_session=${String(rnd.pick(HOSTILE_STRINGS)).slice(0, 200)}` };
      if (r < 0.3) return { accept: 'application/xml, text/plain;q=oops' };
      return {};
    };

    const requests: FuzzRequest[] = [];
    for (const route of routes) {
      const count = isWebFile(route.url) ? 3 : perApiRoute;
      for (let i = 0; i < count; i++) {
        const who = rnd.pick(Object.keys(auth));
        let url = route.url
          .replace(/:[A-Za-z_]+/g, () => param(route.method))
          .replace(/\*$/, () => param(route.method));
        if (url.startsWith('/open311/') && rnd.next() < 0.5) url += `?api_key=${HETANG.apiKey}`;
        else if (rnd.next() < 0.7) url += `?${query()}`;
        const headers = { ...auth[who], ...hostileHeaders() };
        const req: FuzzRequest = { method: route.method, url, headers };
        if (route.method !== 'GET' && route.method !== 'DELETE') {
          const b = body();
          req.payload = b.payload;
          req.headers['content-type'] = b.type;
        } else if (rnd.next() < 0.1) {
          req.payload = '{"broken":';
          req.headers['content-type'] = 'application/json';
        }
        requests.push(req);
      }
    }

    const statuses = new Map<number, number>();
    const errors: string[] = [];
    const started = Date.now();
    for (const req of requests) {
      const r = await t.app.inject({
        method: req.method as 'GET',
        url: req.url,
        headers: req.headers,
        payload: req.payload,
      });
      statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
      if (r.statusCode >= 500 && errors.length < 20)
        errors.push(`${req.method} ${req.url.slice(0, 200)} → ${r.statusCode} ${r.body.slice(0, 200)}`);
    }
    const seconds = (Date.now() - started) / 1000;
    const summary = [...statuses.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}:${n}`)
      .join(' ');
    console.log(
      `fuzz ${process.env.QINGDAN_TEST_DB ?? 'sqlite'}: ${requests.length} requests over ${routes.length} routes in ${seconds.toFixed(1)} s (seed ${SEED}); statuses ${summary}`,
    );
    expect(errors).toEqual([]);
    expect(requests.length).toBeGreaterThanOrEqual(TARGET);
    // A good share of the requests got past the gate to validation and the handlers.
    expect((statuses.get(400) ?? 0) + (statuses.get(404) ?? 0)).toBeGreaterThan(TARGET / 5);
    expect(await fingerprint()).toEqual(before);
  }, 300_000);
});
