#!/usr/bin/env node
/**
 * Probes a running server from outside, as an attacker would, for the ways in closed by issue 18, and
 * prints figures. Plain Node (fetch), no dependencies.
 *
 *   node scripts/probe-ways-in.mjs <base url> --log <server log file> [--admin NAME] [--password PASS]
 *
 * The server must be the demo (`npm start`) with the console SMS provider: codes are read from its log,
 * which is what --log names. The checks, in the order they run (one-time code requests are limited per
 * address, so the two that need a code come first):
 *   b  a staff account given a phone by the admin API is never opened by a code (a resident session is);
 *   c  20 concurrent wrong passwords for a fresh staff account lock it: the right password then gets 401,
 *      the admin sees it locked, and the same staff phone by code still gets only a resident;
 *   a  30 random non-demo phones (several X-Forwarded-For values): no code in any answer body or header;
 *   d  an injection sweep over every GET route of /api/openapi.json and Open311, every query parameter
 *      (and path parameter) filled with SQL, NoSQL, script, traversal, NUL, long and unicode payloads,
 *      anonymously, as demo-resident and demo-supervisor (and with the Open311 key on Open311): no 5xx, no
 *      full mobile number of another person, no stack trace, no SQL error text.
 * Exit code 0 when every check holds, 1 otherwise. Run it against a fresh server: the per-address code
 * limit (10 in 10 minutes) leaves no code for a second run within 10 minutes.
 */
import { readFile } from 'node:fs/promises';
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

const args = process.argv.slice(2);
/** Takes `--name value` out of the arguments. */
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const logFile = option('log', '');
const adminName = option('admin', 'demo-admin');
const demoPassword = option('password', 'qingdan-demo');
const open311Key = option('api-key', 'demo-open311-key');
const concurrency = Number(option('concurrency', '6'));
const given = args.find((a) => !a.startsWith('--'));
if (!given || args.includes('--help')) {
  console.log(
    'usage: node scripts/probe-ways-in.mjs <base url> --log <server log> [--admin NAME] [--password PASS]',
  );
  process.exit(given ? 0 : 2);
}
const base = given.replace(/\/+$/, '');

let failures = 0;
/** Prints one check; counts it as a failure when it does not hold. */
function check(what, ok, detail = '') {
  if (!ok) failures++;
  console.log(`${ok ? '  ok  ' : '  FAIL'} ${what}${detail ? ` — ${detail}` : ''}`);
  return ok;
}

/** A client with an optional session cookie and CSRF token. */
function client(extraHeaders = {}) {
  const c = { cookie: null, csrf: null };
  c.request = async (method, path, body, headers = {}) => {
    const h = { ...extraHeaders, ...headers };
    if (c.cookie) h.cookie = c.cookie;
    if (c.csrf && method !== 'GET') h['x-csrf-token'] = c.csrf;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await globalThis.fetch(base + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal: globalThis.AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    const setCookie = res.headers.getSetCookie().find((x) => x.startsWith('qd_session='));
    if (setCookie) c.cookie = setCookie.split(';')[0];
    if (json && typeof json.csrfToken === 'string') c.csrf = json.csrfToken;
    return { status: res.status, headers: res.headers, text, body: json };
  };
  c.get = (path, headers) => c.request('GET', path, undefined, headers);
  c.post = (path, body, headers) => c.request('POST', path, body, headers);
  c.login = (username, password) => c.post('/api/auth/login', { username, password });
  return c;
}

/** Signs in with a password, or stops the probe: nothing else can be checked without it. */
async function signIn(username, password = demoPassword) {
  const c = client();
  const r = await c.login(username, password);
  if (r.status !== 200) {
    console.error(`cannot sign in as ${username}: ${r.status} ${r.text.slice(0, 200)}`);
    process.exit(1);
  }
  return c;
}

/** A random mainland mobile number outside the demo's seeded 1390733xxxx range. */
const randomPhone = () =>
  `1${['35', '58', '86', '77', '99'][randomInt(5)]}${String(randomInt(0, 1e8)).padStart(8, '0')}`;

/** The last one-time code the console SMS provider logged for a phone (waits for the log to catch up). */
async function codeFromLog(phone) {
  if (!logFile) return null;
  for (let i = 0; i < 50; i++) {
    const text = await readFile(logFile, 'utf8').catch(() => '');
    const lines = text.split('\n').filter((l) => l.includes(`SMS to ${phone}:`) && l.includes('验证码'));
    const m = lines.at(-1)?.match(/验证码 (\d{6})/);
    if (m) return m[1];
    await sleep(100);
  }
  return null;
}

/** Whether the console SMS provider logged a message of this kind to a phone. */
async function loggedTo(phone, needle) {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text.split('\n').some((l) => l.includes(`SMS to ${phone}:`) && l.includes(needle));
}

/** Signs in by code as an outsider: asks for a code, reads it from the server log, sends it back. */
async function signInByCode(phone) {
  const c = client();
  const asked = await c.post('/api/auth/otp', { phone });
  if (asked.status !== 200) return { asked, c, verified: null, code: null };
  const code = await codeFromLog(phone);
  if (!code) return { asked, c, verified: null, code: null };
  const verified = await c.post('/api/auth/otp/verify', { phone, code });
  return { asked, c, verified, code };
}

/** Finds a user through the admin API by name. */
async function findUser(admin, username) {
  const r = await admin.get(`/api/users?q=${encodeURIComponent(username)}&pageSize=50`);
  return r.body?.items?.find((u) => u.username === username) ?? null;
}

const admin = await signIn(adminName);
console.log(`probing ${base}`);

// ---- b: a staff account given a phone is never reached by a code -----------------------------------
console.log('\nb. staff accounts and one-time codes');
if (!logFile) check('the server log is given (--log): codes are read from it', false);
else {
  const supervisor = await findUser(admin, 'demo-supervisor');
  const staffPhone = randomPhone();
  const patched = await admin.request(
    'PATCH',
    `/api/users/${supervisor.id}`,
    { phone: staffPhone },
    { 'if-match': `"${supervisor.version}"` },
  );
  check(
    `admin gives demo-supervisor (${supervisor.roles.join(',')}) the phone ${staffPhone.slice(0, 3)}****${staffPhone.slice(7)}`,
    patched.status === 200,
    `PATCH ${patched.status}`,
  );
  const { asked, c, verified, code } = await signInByCode(staffPhone);
  check('a code is asked for that phone', asked.status === 200, `POST /api/auth/otp ${asked.status}`);
  check('the code is in the server log only, not in the answer', !!code && !asked.text.includes(code));
  const me = verified?.status === 200 ? await c.get('/api/auth/me') : null;
  const users = verified?.status === 200 ? await c.get('/api/users') : null;
  check(
    'the code opens a resident session, never the staff account',
    verified?.status === 200 &&
      me?.body?.user?.id !== supervisor.id &&
      JSON.stringify(me?.body?.user?.roles) === '["resident"]',
    `verify ${verified?.status}; session user ${me?.body?.user?.username} roles ${JSON.stringify(me?.body?.user?.roles)}; GET /api/users as it: ${users?.status}`,
  );
}

// ---- c: 20 concurrent wrong passwords lock a fresh staff account ------------------------------------
console.log('\nc. lockout under 20 concurrent wrong passwords');
{
  const username = `probe-staff-${randomInt(1e6)}`;
  const password = `Probe-pass-${randomInt(1e6)}x`;
  const phone = randomPhone();
  const created = await admin.post('/api/users', {
    username,
    displayName: '探测员',
    password,
    phone,
    roles: ['supervisor'],
    active: true,
  });
  check(
    `a fresh supervisor account ${username}`,
    created.status === 201,
    `POST /api/users ${created.status}`,
  );
  const started = Date.now();
  const wrong = await Promise.all(
    Array.from({ length: 20 }, (_, i) => client().login(username, `wrong-password-${i}`)),
  );
  const tally = {};
  for (const w of wrong) tally[w.status] = (tally[w.status] ?? 0) + 1;
  check(
    '20 concurrent wrong passwords are all refused',
    wrong.every((w) => w.status === 401 || w.status === 429),
    `${JSON.stringify(tally)} in ${Date.now() - started} ms`,
  );
  let right = await client().login(username, password);
  let waited = 0;
  if (right.status === 429) {
    // The per-address-and-account rate limit (20 a minute) answers first; the lock must outlast it.
    waited = Number(right.headers.get('retry-after') ?? 60) + 1;
    console.log(`        the right password got 429 (rate limit); trying again in ${waited} s`);
    await sleep(waited * 1000);
    right = await client().login(username, password);
  }
  const unknown = await client().login(`nobody-${randomInt(1e6)}`, 'Whatever-pass-1');
  check(
    'the right password then gets 401, like an unknown name',
    right.status === 401 && right.text === unknown.text,
    `${right.status} ${right.text.slice(0, 80)}${waited ? ` (after ${waited} s)` : ''}`,
  );
  const shown = await findUser(admin, username);
  check('the admin sees the account locked', shown?.locked === true, `locked: ${shown?.locked}`);
  check('the owner is told by SMS', await loggedTo(phone, '锁定'));
  const { verified, c } = await signInByCode(phone);
  const me = verified?.status === 200 ? await c.get('/api/auth/me') : null;
  check(
    'its phone by code gets a resident session, not the locked account',
    verified?.status === 200 && me?.body?.user?.username !== username,
    `verify ${verified?.status}; roles ${JSON.stringify(me?.body?.user?.roles)}`,
  );
}

// ---- a: no code in any answer ------------------------------------------------------------------------
console.log('\na. one-time codes for 30 random non-demo phones');
{
  const statuses = {};
  let withSixDigits = 0;
  let withTheCode = 0;
  let codesLogged = 0;
  const forwarded = ['203.0.113.7', '198.51.100.23', '10.0.0.1', '127.0.0.1', '2001:db8::1'];
  for (let i = 0; i < 30; i++) {
    const phone = randomPhone();
    const headers = i % 6 === 5 ? {} : { 'x-forwarded-for': forwarded[i % 5] };
    const r = await client().post('/api/auth/otp', { phone }, headers);
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    const headerText = [...r.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
    if (/(?<!\d)\d{6}(?!\d)/.test(r.text) || /(?<!\d)\d{6}(?!\d)/.test(headerText)) withSixDigits++;
    const code = r.status === 200 ? await codeFromLog(phone) : null;
    if (code) {
      codesLogged++;
      if (r.text.includes(code) || headerText.includes(code)) withTheCode++;
    }
  }
  console.log(`        statuses ${JSON.stringify(statuses)}; codes sent to the SMS log: ${codesLogged}`);
  check('no 6-digit number in any answer body or header', withSixDigits === 0, `${withSixDigits} of 30`);
  check('no sent code in its answer', withTheCode === 0, `${withTheCode} of ${codesLogged}`);
  check(
    'X-Forwarded-For does not lift the per-address limit',
    (statuses[200] ?? 0) <= 10,
    `${statuses[200] ?? 0} codes from one address`,
  );
}

// ---- d: injection sweep ------------------------------------------------------------------------------
console.log('\nd. injection sweep over every GET route');
const PAYLOADS = [
  ["'"],
  ['"'],
  ['`'],
  ["' OR 1=1--"],
  ["' OR '1'='1"],
  ['" OR "1"="1'],
  ["1' OR '1'='1' /*"],
  ["admin'--"],
  ['1)) OR ((1=1'],
  ['1;DROP TABLE problems'],
  ["'; DROP TABLE users;--"],
  ['1 UNION SELECT username,password_hash FROM users--'],
  ["' UNION SELECT NULL,NULL,NULL--"],
  ['1; SELECT pg_sleep(5)--'],
  ["'||(SELECT sqlite_version())||'"],
  ['%_%'],
  ['*'],
  ['$where'],
  ['{"$where":"1==1"}'],
  ['{"$gt":""}'],
  ['{"$ne":null}'],
  ['<script>alert(1)</script>'],
  ['"><img src=x onerror=alert(1)>'],
  ['javascript:alert(1)'],
  ['{{7*7}}${7*7}'],
  ['../../etc/passwd'],
  ['..%2f..%2f..%2fetc%2fpasswd', 'raw'],
  ['....//....//etc/passwd'],
  ['%00', 'raw'],
  ['a\u0000b'],
  ['%', 'raw'],
  ['%zz', 'raw'],
  ['%ED%A0%80', 'raw'],
  ['%C0%AE%C0%AE%2F', 'raw'],
  ['\r\nX-Injected: 1'],
  ['\\\'\\"'],
  ['A'.repeat(5000)],
  ['中'.repeat(3000)],
  ['9'.repeat(400)],
  ['-1'],
  ['1e308'],
  ['NaN'],
  ['0x7fffffff'],
  ['null'],
  ['[]'],
  ['\uFEFF\u200B\u202Eexe.txt'],
  ['ＳＥＬＥＣＴ＇ ＯＲ １＝１'],
  ['😀'.repeat(50)],
  ['ǅ\u0130\u0131ß\u212A'],
];
/**
 * Besides the plain parameter, a few payloads also go as a repeated parameter and in qs brackets
 * (`name[$ne]=…&name[]=…`): type confusion for list and object parsers.
 */
const SHAPES = ['plain', 'repeated', 'bracket'];
const SHAPED = new Set([
  "' OR 1=1--",
  '{"$ne":null}',
  '<script>alert(1)</script>',
  '%00',
  '1;DROP TABLE problems',
]);
const FULL_PHONE = /(?<![\dA-Za-z])1[3-9]\d{9}(?![\dA-Za-z])/g;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const STACK = /\n\s+at [^\n]+:\d+:\d+|node:internal|\.(?:ts|js|mjs):\d+:\d+/;
const SQL_ERROR =
  /SQLITE_|SqliteError|syntax error|PostgresError|unterminated quoted|no such (?:table|column)|relation "[^"]*" does not exist|column "[^"]*" does not exist|invalid input syntax|operator does not exist|ECONNREFUSED|kysely/i;

const encode = ([value, mode]) => (mode === 'raw' ? value : encodeURIComponent(value));
/** Builds a query string with one parameter set to the payload in a shape. */
function queryOf(name, payload, shape) {
  const v = encode(payload);
  if (shape === 'repeated') return `${name}=${v}&${name}=${v}`;
  if (shape === 'bracket') return `${name}[$ne]=${v}&${name}[]=${v}`;
  return `${name}=${v}`;
}

const spec = (await client().get('/api/openapi.json')).body;
const routes = [];
for (const [path, item] of Object.entries(spec?.paths ?? {})) {
  if (!item.get || path === '/api/openapi.json' || path.startsWith('/api/docs')) continue;
  const params = item.get.parameters ?? [];
  const query = params.filter((p) => p.in === 'query').map((p) => p.name);
  const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  routes.push({ path, query, pathParams, open311: false });
}
const O311_QUERY = [
  'jurisdiction_id',
  'service_request_id',
  'service_code',
  'status',
  'start_date',
  'end_date',
  'updated_after',
  'updated_before',
  'page',
  'page_size',
  'lat',
  'long',
];
for (const fmt of ['json', 'xml'])
  for (const p of ['discovery', 'services', 'requests', 'servicerequestupdates'])
    routes.push({ path: `/open311/v2/${p}.${fmt}`, query: O311_QUERY, pathParams: [], open311: true });
for (const p of ['services', 'requests', 'tokens'])
  routes.push({ path: `/open311/v2/${p}/{file}`, query: O311_QUERY, pathParams: ['file'], open311: true });

const resident = await signIn('demo-resident');
const supervisor = await signIn('demo-supervisor');
const ownPhone = {};
for (const [name, c] of [
  ['demo-resident', resident],
  ['demo-supervisor', supervisor],
]) {
  const me = await c.get('/api/auth/me');
  ownPhone[name] = me.body?.user?.phone ?? null;
}
const identities = [
  ['anonymous', client()],
  ['demo-resident', resident],
  ['demo-supervisor', supervisor],
];
const keyClient = client({ authorization: `Bearer ${open311Key}` });

/** Every request of the sweep: a URL, who sends it and the payload to ignore when it is echoed back. */
const jobs = [];
for (const r of routes) {
  const who = r.open311 ? [...identities, ['open311-key', keyClient]] : identities;
  const filled = (value) =>
    r.path.replace(/\{(\w+)\}/g, (_, name) => (name === 'file' ? `${value}.json` : value));
  for (const payload of PAYLOADS) {
    const urls = [];
    if (r.pathParams.length) urls.push(filled(encode(payload)));
    for (const q of r.query)
      for (const shape of SHAPED.has(payload[0]) ? SHAPES : ['plain'])
        urls.push(`${filled('probe')}?${queryOf(q, payload, shape)}`);
    if (r.query.length > 1)
      urls.push(`${filled('probe')}?${r.query.map((q) => queryOf(q, payload, 'plain')).join('&')}`);
    for (const url of urls) for (const [name, c] of who) jobs.push({ url, name, c, payload, route: r.path });
  }
}

const tally = {
  requests: 0,
  closedLong: 0,
  byStatus: {},
  byIdentity: {},
  fiveXX: [],
  leaks: [],
  timeouts: [],
};
/** Sends one request of the sweep and records what its answer shows. */
async function run(job) {
  let res;
  try {
    res = await job.c.get(job.url);
  } catch (e) {
    const cause = e.cause?.code ?? e.name;
    // Node refuses a request head over 16 KB (431) and closes the socket, sometimes before the client has
    // read the answer: a refusal, not a failure. Anything else unanswered is one.
    if (job.url.length > 16_384 && /SOCKET|ECONNRESET|EPIPE/.test(cause)) tally.closedLong++;
    else tally.timeouts.push(`${job.name} GET ${job.url.slice(0, 120)}: ${cause}`);
    return;
  }
  tally.requests++;
  tally.byStatus[res.status] = (tally.byStatus[res.status] ?? 0) + 1;
  tally.byIdentity[job.name] = (tally.byIdentity[job.name] ?? 0) + 1;
  const where = `${job.name} GET ${job.url.slice(0, 140)}`;
  if (res.status >= 500) tally.fiveXX.push(`${res.status} ${where}: ${res.text.slice(0, 200)}`);
  // The payload echoed back in an error message is not a leak; take it out before looking.
  const [value] = job.payload;
  let body = res.text.replace(UUID, '<uuid>');
  for (const echo of [value, decodeURIComponentSafe(value), JSON.stringify(value).slice(1, -1)])
    if (echo.length > 2) body = body.split(echo).join('<payload>');
  const phones = (body.match(FULL_PHONE) ?? []).filter((p) => p !== ownPhone[job.name]);
  if (phones.length) tally.leaks.push(`full mobile ${phones[0].slice(0, 3)}****: ${where}`);
  if (STACK.test(body)) tally.leaks.push(`stack trace: ${where}: ${body.match(STACK)[0]}`);
  if (SQL_ERROR.test(body)) tally.leaks.push(`SQL error text: ${where}: ${body.match(SQL_ERROR)[0]}`);
  const html = (res.headers.get('content-type') ?? '').includes('html');
  if (html && /<script>alert\(1\)|onerror=alert\(1\)/.test(res.text))
    tally.leaks.push(`reflected script in HTML: ${where}`);
}
/** Decodes a percent-encoded payload, or gives it back as it is. */
function decodeURIComponentSafe(v) {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

const sweepStart = Date.now();
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < jobs.length) await run(jobs[next++]);
  }),
);
const seconds = (Date.now() - sweepStart) / 1000;
const api = routes.filter((r) => !r.open311);
console.log(
  `        ${api.length} API GET routes (${api.reduce((n, r) => n + r.query.length, 0)} query parameters) and ` +
    `${routes.length - api.length} Open311 GET routes; ${PAYLOADS.length} payloads (${SHAPED.size} also in ${SHAPES.length - 1} more shapes)`,
);
console.log(
  `        ${tally.requests} requests in ${seconds.toFixed(0)} s (${(tally.requests / seconds).toFixed(0)}/s); ` +
    `by identity ${JSON.stringify(tally.byIdentity)}`,
);
console.log(
  `        statuses ${JSON.stringify(tally.byStatus)}; connection closed on a URL over 16 KB: ${tally.closedLong}`,
);
check(
  'every request answered',
  tally.timeouts.length === 0,
  `${tally.timeouts.length} unanswered: ${tally.timeouts.slice(0, 3).join('; ')}`,
);
check(
  'zero 5xx',
  tally.fiveXX.length === 0,
  `${tally.fiveXX.length}: ${tally.fiveXX.slice(0, 3).join(' | ')}`,
);
check(
  'no leak: no full mobile of another person, no stack trace, no SQL error text, no reflected script',
  tally.leaks.length === 0,
  `${tally.leaks.length}: ${tally.leaks.slice(0, 5).join(' | ')}`,
);

console.log(`\n${failures === 0 ? 'all checks hold' : `${failures} check(s) failed`}`);
process.exit(failures === 0 ? 0 : 1);
