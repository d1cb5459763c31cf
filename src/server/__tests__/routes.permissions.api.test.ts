import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, HETANG } from '../../demo/hetang.ts';
import { startTestApp, type Client, type TestApp } from '../../test/harness.ts';
import { PERMISSIONS, passes, permissionOf, routeKey } from '../permissions.ts';
import type { Principal } from '../../kernel/roles.ts';

const USERS = DEMO_USERS;
const IDENTITIES = ['anonymous', 'api-key', ...USERS] as const;
type Identity = (typeof IDENTITIES)[number];

/** Placeholder values for path parameters: well-formed, naming nothing that exists. */
const PARAMS: Record<string, string> = {
  format: 'json',
  date: '2031-07-07',
  action: 'press',
  code: 'no_such_code',
};

function concreteUrl(url: string): string {
  return url
    .replace(/:([A-Za-z_]+)/g, (_m, name: string) => PARAMS[name] ?? '00000000-0000-7000-8000-000000000000')
    .replace(/\*$/, 'no-such-file');
}

/**
 * Generated from Fastify's route table: every route, called as every demo role, as an API key without
 * roles and anonymously (each of the web app's files anonymously and as one of them), answers as the
 * permission matrix says — 401 for anonymous callers the matrix turns away, 403 for signed-in callers
 * without the role, and anything else for those it lets through.
 */
describe('the permission matrix against the route table', () => {
  let t: TestApp;
  const clients = {} as Record<Identity, Client>;
  const principals = {} as Record<Identity, Principal | null>;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    clients.anonymous = t.client();
    principals.anonymous = null;
    const key = t.client();
    const authz = { authorization: `Bearer ${HETANG.apiKey}` };
    key.request = (
      (orig) =>
      (m, u, b, h = {}) =>
        orig(m, u, b, { ...authz, ...h })
    )(key.request.bind(key));
    clients['api-key'] = key;
    for (const u of USERS) clients[u] = await t.as(u);
    for (const id of IDENTITIES) {
      if (id === 'anonymous') continue;
      const me = await clients[id].get('/api/auth/me');
      expect(me.status, id).toBe(200);
      principals[id] = {
        roles: me.body.user.roles,
        userId: me.body.user.id,
        via: id === 'api-key' ? 'api_key' : 'session',
      } as Principal;
    }
  });
  afterAll(() => t.close());

  it('lists every registered route', () => {
    const missing = t.app.routeTable
      .filter((r) => !permissionOf(r.method, r.url))
      .map((r) => routeKey(r.method, r.url));
    expect(missing, 'routes missing from src/server/permissions.ts').toEqual([]);
  });

  it('has no rows for API routes that do not exist', () => {
    const registered = new Set(t.app.routeTable.map((r) => routeKey(r.method, r.url)));
    const stale = Object.keys(PERMISSIONS).filter(
      (k) => k.split(' ')[1]!.startsWith('/api/') && !k.includes('/api/docs') && !registered.has(k),
    );
    expect(stale).toEqual([]);
  });

  // Every route for every identity, exports and reports among them: more than a minute on a busy machine.
  it('answers every route as the matrix says, for every role and anonymously', async () => {
    // Sign-out last, so that the sessions live through the sweep.
    const routes = [...t.app.routeTable].sort(
      (a, b) => Number(a.url === '/api/auth/logout') - Number(b.url === '/api/auth/logout'),
    );
    const wrong: string[] = [];
    let calls = 0;
    let webFiles = 0;
    for (const route of routes) {
      const rule = permissionOf(route.method, route.url);
      if (!rule) continue;
      const url = concreteUrl(route.url);
      // The web app's files (hundreds of routes, one a file) share one public rule and a handler that never
      // looks at the caller: each is asked anonymously and as one other identity in turn, so that every file
      // and every identity is still asked, without the product of the two.
      const webFile = !(routeKey(route.method, route.url) in PERMISSIONS);
      const who = webFile
        ? ['anonymous' as const, IDENTITIES[1 + (webFiles++ % (IDENTITIES.length - 1))]!]
        : IDENTITIES;
      for (const id of who) {
        const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
        const r = await clients[id].request(route.method, url, body);
        calls++;
        const allowed = passes(rule.access, principals[id]);
        const ok = allowed
          ? r.status !== 401 && r.status !== 403 && r.status < 500
          : r.status === (id === 'anonymous' && rule.access !== 'api-key' ? 401 : 403);
        if (!ok)
          wrong.push(
            `${route.method} ${route.url} as ${id}: ${r.status} (matrix: ${allowed ? 'allowed' : 'refused'}) ${JSON.stringify(r.body).slice(0, 160)}`,
          );
      }
    }
    expect(wrong).toEqual([]);
    expect(calls).toBeGreaterThan(40 * IDENTITIES.length);
  }, 300_000);
});
