#!/usr/bin/env node
/**
 * Open311 smoke test against a running server: exercises every GeoReport v2 endpoint (and mySociety's
 * updates) in XML and JSON, and prints each check.
 *
 *   npm run open311:smoke -- <base url> [--api-key KEY] [--jurisdiction ID] [--service CODE]
 *
 * The base URL is the server (http://127.0.0.1:3000) or the endpoint itself (…/open311/v2). Without
 * --api-key the demo key is used; the POST checks create real service requests.
 */
import { URLSearchParams } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const apiKey = option('api-key', process.env.OPEN311_API_KEY ?? 'demo-open311-key');
const jurisdiction = option('jurisdiction', process.env.OPEN311_JURISDICTION ?? '');
let serviceCode = option('service', '');
const given = args.find((a) => !a.startsWith('--'));
if (!given || args.includes('--help')) {
  console.log(
    'usage: npm run open311:smoke -- <base url> [--api-key KEY] [--jurisdiction ID] [--service CODE]',
  );
  process.exit(given ? 0 : 2);
}
const base = given.replace(/\/+$/, '').replace(/\/open311\/v2$/, '') + '/open311/v2';

let passed = 0;
let failed = 0;
function check(what, ok, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? '  ok  ' : '  FAIL'} ${what}${!ok && detail ? `\n         ${detail}` : ''}`);
  return ok;
}

const W3C = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const LISTS = new Set([
  'service',
  'request',
  'error',
  'request_update',
  'attribute',
  'value',
  'endpoint',
  'format',
]);
const parser = new XMLParser({ parseTagValue: false, isArray: (name) => LISTS.has(name) });
const withJurisdiction = (path) => {
  if (!jurisdiction) return path;
  return `${path}${path.includes('?') ? '&' : '?'}jurisdiction_id=${encodeURIComponent(jurisdiction)}`;
};

/** Calls the endpoint; checks the content type, and for XML the declaration and well-formedness. */
async function call(method, path, { form, expect = 200, headers = {} } = {}) {
  const url = `${base}${withJurisdiction(path)}`;
  const init = { method, headers: { ...headers } };
  if (form) {
    init.body = new URLSearchParams(form).toString().replace(/%5B/g, '[').replace(/%5D/g, ']');
    init.headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
  }
  const res = await globalThis.fetch(url, init);
  const text = await res.text();
  const format = path.split('?')[0].endsWith('.json') ? 'json' : 'xml';
  const label = `${method} ${path.split('?')[0]}${path.includes('?') ? '?…' : ''}`;
  check(`${label} → ${expect}`, res.status === expect, `got ${res.status}: ${text.slice(0, 300)}`);
  if (format === 'json') {
    check(
      `${label}: application/json; charset=utf-8`,
      res.headers.get('content-type') === 'application/json; charset=utf-8',
      String(res.headers.get('content-type')),
    );
    try {
      return { res, body: JSON.parse(text) };
    } catch {
      check(`${label}: JSON parses`, false, text.slice(0, 200));
      return { res, body: null };
    }
  }
  check(
    `${label}: text/xml; charset=utf-8`,
    res.headers.get('content-type') === 'text/xml; charset=utf-8',
    String(res.headers.get('content-type')),
  );
  check(
    `${label}: XML declaration with UTF-8`,
    /^<\?xml version="1.0" encoding="UTF-8"\?>/i.test(text),
    text.slice(0, 80),
  );
  check(`${label}: well-formed, no namespace`, XMLValidator.validate(text) === true && !/xmlns/.test(text));
  return { res, body: parser.parse(text) };
}

const isErrors = (body) =>
  Array.isArray(body) &&
  body.length > 0 &&
  body.every((e) => typeof e.code === 'number' && typeof e.description === 'string');
const checkRequest = (label, r) => {
  check(
    `${label}: ids as strings, status open/closed`,
    typeof r.service_request_id === 'string' && ['open', 'closed'].includes(r.status),
    JSON.stringify(r),
  );
  check(
    `${label}: requested/updated datetimes in W3C with a zone`,
    W3C.test(r.requested_datetime) && (r.updated_datetime === null || W3C.test(r.updated_datetime)),
    `${r.requested_datetime} ${r.updated_datetime}`,
  );
  check(
    `${label}: no reporter contact fields`,
    !['email', 'phone', 'first_name', 'last_name', 'device_id'].some((k) => k in r),
  );
};

console.log(`Open311 smoke test of ${base}${jurisdiction ? ` (jurisdiction_id=${jurisdiction})` : ''}\n`);

console.log('Service discovery');
const disco = (await call('GET', '/discovery.json')).body;
check(
  'discovery.json has changeset, contact, key_service and a GeoReport v2 endpoint',
  !!disco?.changeset &&
    !!disco?.contact &&
    !!disco?.key_service &&
    disco?.endpoints?.some((e) => e.specification === 'http://wiki.open311.org/GeoReport_v2'),
);
check(
  'discovery lists text/xml and application/json',
  disco?.endpoints?.[0]?.formats?.includes('text/xml') &&
    disco?.endpoints?.[0]?.formats?.includes('application/json'),
);
const discoX = (await call('GET', '/discovery.xml')).body;
check('discovery.xml has <discovery><endpoints><endpoint>', !!discoX?.discovery?.endpoints?.endpoint?.length);

console.log('\nServices');
const services = (await call('GET', '/services.json')).body ?? [];
check('services.json is a non-empty array of services', Array.isArray(services) && services.length > 0);
check(
  'every service has service_code, service_name, metadata (boolean) and type',
  services.every(
    (s) =>
      typeof s.service_code === 'string' &&
      typeof s.service_name === 'string' &&
      typeof s.metadata === 'boolean' &&
      ['realtime', 'batch', 'blackbox'].includes(s.type),
  ),
);
const servicesX = (await call('GET', '/services.xml')).body;
check(
  'services.xml has as many <service> as the JSON',
  servicesX?.services?.service?.length === services.length,
);
const withFields = services.find((s) => s.metadata && s.type === 'realtime');
const batch = services.find((s) => s.type === 'batch');
const chosen = services.find((s) => s.service_code === serviceCode) ?? withFields ?? services[0];
serviceCode = chosen?.service_code ?? 'unknown';

console.log('\nService definition');
const def = (await call('GET', `/services/${encodeURIComponent(serviceCode)}.json`)).body;
check(`services/${serviceCode}.json names its service_code`, def?.service_code === serviceCode);
const attributes = def?.attributes ?? [];
check(
  'attributes carry variable, code, datatype, required and order',
  attributes.every(
    (a) =>
      typeof a.variable === 'boolean' &&
      typeof a.code === 'string' &&
      typeof a.required === 'boolean' &&
      Number.isInteger(a.order),
  ),
);
check(
  'list attributes carry values with key and name',
  attributes
    .filter((a) => a.datatype.endsWith('valuelist'))
    .every(
      (a) =>
        a.values?.length && a.values.every((v) => typeof v.key === 'string' && typeof v.name === 'string'),
    ),
);
await call('GET', `/services/${encodeURIComponent(serviceCode)}.xml`);
const unknown = await call('GET', '/services/no-such-service.json', { expect: 404 });
check('unknown service_code: errors array of {code, description}', isErrors(unknown.body));
const unknownX = await call('GET', '/services/no-such-service.xml', { expect: 404 });
check('unknown service_code in XML: <errors><error><code>', !!unknownX.body?.errors?.error?.[0]?.code);
const badJ = await call('GET', '/services.json?jurisdiction_id=no-such-jurisdiction.example', {
  expect: 404,
});
check('unknown jurisdiction_id: 404 with errors', isErrors(badJ.body));

console.log('\nPOST Service Request');
const attributePairs = [];
for (const a of attributes) {
  if (!a.required) continue;
  const value =
    a.datatype === 'number'
      ? '1'
      : a.datatype === 'datetime'
        ? new Date().toISOString()
        : (a.values?.[0]?.key ?? 'smoke test');
  attributePairs.push([
    a.datatype === 'multivaluelist' ? `attribute[${a.code}][]` : `attribute[${a.code}]`,
    value,
  ]);
}
const request = [
  ['service_code', serviceCode],
  ['address_string', 'Open311 smoke test'],
  ['description', 'Open311 smoke test — please ignore.'],
  ...attributePairs,
];
if (jurisdiction) request.push(['jurisdiction_id', jurisdiction]);
const noKey = await call('POST', '/requests.json', { form: request, expect: 403 });
check('without api_key: 403 with errors', isErrors(noKey.body));
const badKey = await call('POST', '/requests.xml', {
  form: [['api_key', 'not-a-valid-key'], ...request],
  expect: 403,
});
check('bad api_key: 403 <errors> in XML', !!badKey.body?.errors?.error?.length);
const noLocation = await call('POST', '/requests.json', {
  form: [['api_key', apiKey], ...request.filter(([k]) => k !== 'address_string')],
  expect: 400,
});
check(
  'missing location: 400 naming the location parameter',
  isErrors(noLocation.body) && noLocation.body.some((e) => /location/i.test(e.description)),
);
if (attributePairs.length) {
  const missing = await call('POST', '/requests.json', {
    form: [['api_key', apiKey], ...request.filter(([k]) => !k.startsWith('attribute['))],
    expect: 400,
  });
  check(
    'missing required attribute: 400',
    isErrors(missing.body) && missing.body.some((e) => e.description.includes('attribute[')),
  );
}
const created = (await call('POST', '/requests.json', { form: [['api_key', apiKey], ...request] })).body;
const id = created?.[0]?.service_request_id;
check(
  'POST requests.json returns a service_request_id (string) and no token',
  typeof id === 'string' && !('token' in created[0]),
  JSON.stringify(created),
);
const createdX = (
  await call('POST', '/requests.xml', { form: request, headers: { authorization: `Bearer ${apiKey}` } })
).body;
check(
  'POST requests.xml with a Bearer key returns <service_requests><request><service_request_id>',
  !!createdX?.service_requests?.request?.[0]?.service_request_id,
);

let token;
if (batch) {
  const created = (
    await call('POST', '/requests.json', {
      form: [
        ['api_key', apiKey],
        ['service_code', batch.service_code],
        ['address_string', 'Open311 smoke test'],
        ['description', 'Open311 smoke test (batch) — please ignore.'],
        ...(jurisdiction ? [['jurisdiction_id', jurisdiction]] : []),
      ],
    })
  ).body;
  token = created?.[0]?.token;
  check(
    `batch service ${batch.service_code}: POST answers with a token`,
    typeof token === 'string' && !('service_request_id' in created[0]),
    JSON.stringify(created),
  );
}

console.log('\nTokens');
if (token) {
  const t = (await call('GET', `/tokens/${encodeURIComponent(token)}.json`)).body;
  check(
    'tokens/{token}.json resolves to a service_request_id',
    typeof t?.[0]?.service_request_id === 'string' && t[0].token === token,
  );
  await call('GET', `/tokens/${encodeURIComponent(token)}.xml`);
} else console.log('  (no batch service: token lookup of an unknown token only)');
const noToken = await call('GET', '/tokens/no-such-token.json', { expect: 404 });
check('unknown token: 404 with errors', isErrors(noToken.body));

console.log('\nGET Service Requests');
const one = (await call('GET', `/requests/${encodeURIComponent(id ?? 'none')}.json`)).body;
if (one?.[0]) checkRequest(`requests/${id}.json`, one[0]);
const oneX = (await call('GET', `/requests/${encodeURIComponent(id ?? 'none')}.xml`)).body;
check('requests/{id}.xml has one <request>', oneX?.service_requests?.request?.length === 1);
const list = (await call('GET', '/requests.json')).body ?? [];
check(
  'requests.json (last 90 days) is an array including the new request',
  Array.isArray(list) && list.some((r) => r.service_request_id === id),
);
for (const r of list.slice(0, 3)) checkRequest(`request ${r.service_request_id}`, r);
const byId =
  (await call('GET', `/requests.json?service_request_id=${encodeURIComponent(id ?? '')}&status=closed`))
    .body ?? [];
check(
  'service_request_id overrides the other arguments',
  byId.length === 1 && byId[0].service_request_id === id,
);
const open =
  (
    await call(
      'GET',
      `/requests.json?status=open&service_code=${encodeURIComponent(serviceCode)}&page_size=5&page=1`,
    )
  ).body ?? [];
check(
  'status, service_code and page_size filter the list',
  open.length <= 5 && open.every((r) => r.status === 'open' && r.service_code === serviceCode),
);
const listX = (await call('GET', '/requests.xml?page_size=2')).body;
check('requests.xml returns <service_requests>', listX && 'service_requests' in listX);
const badQuery = await call('GET', '/requests.json?status=pending&start_date=yesterday', { expect: 400 });
check('bad status and date: several errors at once', isErrors(badQuery.body) && badQuery.body.length >= 2);
const wide = await call(
  'GET',
  '/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2021-01-01T00:00:00Z',
  { expect: 400 },
);
check('a span over 90 days: 400', isErrors(wide.body));
const noReq = await call('GET', '/requests/NO-SUCH-REQUEST.json', { expect: 404 });
check('unknown service_request_id: 404', isErrors(noReq.body));

console.log('\nmySociety servicerequestupdates');
const updates = (await call('GET', '/servicerequestupdates.json')).body;
check(
  'servicerequestupdates.json is an array of updates',
  Array.isArray(updates) &&
    updates.every(
      (u) =>
        typeof u.update_id === 'string' &&
        typeof u.service_request_id === 'string' &&
        ['open', 'closed'].includes(u.status) &&
        W3C.test(u.updated_datetime),
    ),
);
await call('GET', '/servicerequestupdates.xml');
const upd = (
  await call('POST', '/servicerequestupdates.json', {
    form: [
      ['api_key', apiKey],
      ['service_request_id', id ?? ''],
      ['status', 'OPEN'],
      ['description', 'Open311 smoke test update — please ignore.'],
      ['updated_datetime', new Date().toISOString()],
      ...(jurisdiction ? [['jurisdiction_id', jurisdiction]] : []),
    ],
  })
).body;
check(
  'POST servicerequestupdates.json returns an update_id',
  typeof upd?.[0]?.update_id === 'string',
  JSON.stringify(upd),
);
const updNoKey = await call('POST', '/servicerequestupdates.xml', {
  form: [
    ['service_request_id', id ?? ''],
    ['description', 'x'],
  ],
  expect: 403,
});
check('POST servicerequestupdates without api_key: 403', !!updNoKey.body?.errors?.error?.length);

console.log(`\n${passed} checks passed, ${failed} failed.`);
process.exit(failed ? 1 : 0);
