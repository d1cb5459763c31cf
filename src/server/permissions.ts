/**
 * The permission matrix: for every route, who may call it at all. It is the one place to read "who may
 * do what" at the level of routes; `permissionGate` enforces it before a request's body is even
 * validated, and `routes.permissions.api.test.ts` calls every route in Fastify's route table as every
 * demo role and anonymously and compares the answers with this table.
 *
 * Finer rules stay where the domain knowledge is: which lifecycle action a role may take on which
 * problem (problems.policy.ts), and which rows a user sees (data scope in the services).
 */
import type { FastifyRequest } from 'fastify';
import { hasRole, type Role } from '../kernel/roles.ts';
import { forbidden, unauthorized } from '../platform/errors.ts';
import type { App } from '../platform/types.ts';
import type { Access, Permission } from '../platform/permissions.ts';
import { servicePermissions } from '../modules/services.permissions.ts';
import { open311Permissions } from '../open311/index.ts';

const ADMIN = ['admin'] as const;
const SUPERVISION = ['supervisor', 'admin'] as const;
const HOTLINE = ['operator', 'supervisor'] as const;

/** Route → who may call it; keys are `METHOD url` exactly as registered with Fastify. */
export const PERMISSIONS: Record<string, Permission> = {
  // System
  'GET /api/health': { access: 'public' },
  'GET /api/config': { access: 'public' },
  'GET /api/openapi.json': { access: 'public' },
  'GET /api/docs': { access: 'public' },
  'GET /api/docs/': { access: 'public' },
  'GET /api/docs/*': { access: 'public' },
  'GET /api/docs/json': { access: 'public' },
  'GET /api/docs/yaml': { access: 'public' },
  'GET /api/docs/static/*': { access: 'public' },
  'GET /api/docs/static/index.html': { access: 'public' },
  'GET /api/docs/static/swagger-initializer.js': { access: 'public' },

  // Sign-in and keys
  'POST /api/auth/login': { access: 'public', note: 'rate limited per address and account; lockout' },
  'POST /api/auth/otp': { access: 'public', note: 'rate limited per address and phone' },
  'POST /api/auth/otp/verify': { access: 'public', note: 'attempt limit per code' },
  'GET /api/auth/me': { access: 'signed-in' },
  'GET /api/auth/csrf': { access: 'signed-in' },
  'POST /api/auth/logout': { access: 'signed-in', note: '{everywhere:true} ends every session' },
  'GET /api/api-keys': { access: ADMIN },
  'POST /api/api-keys': { access: ADMIN },
  'DELETE /api/api-keys/:id': { access: ADMIN },

  // Users and reference data
  'GET /api/users': { access: ADMIN },
  'POST /api/users': { access: ADMIN },
  'PATCH /api/users/:id': { access: ADMIN },
  'GET /api/divisions': { access: 'public' },
  'GET /api/units': { access: 'public' },
  'POST /api/units': { access: ADMIN },
  'PUT /api/units/:id': { access: ADMIN },
  'GET /api/domains': { access: 'public' },
  'GET /api/categories': { access: 'public' },
  'PUT /api/categories/:code': { access: ADMIN },
  'GET /api/indicators': { access: 'public' },
  'GET /api/time-rules': { access: 'public' },
  'PUT /api/time-rules/:id': { access: ADMIN },
  'GET /api/calendar': { access: 'public' },
  'PUT /api/calendar/:date': { access: ADMIN },
  'POST /api/calendar/import': { access: ADMIN },
  'DELETE /api/calendar/:date': { access: ADMIN },

  // Problems
  'GET /api/problems': { access: 'signed-in', note: 'rows limited to the caller’s scope; phones masked' },
  'POST /api/problems': { access: 'signed-in', note: 'rate limited; submit per problems.policy' },
  'GET /api/problems/queues': { access: 'signed-in', note: 'scope' },
  'GET /api/problems/suggest': {
    access: ['operator', 'supervisor', 'admin'],
    note: 'units learned from closed problems; similar open problems in the caller’s scope',
  },
  'GET /api/problems/map': { access: 'signed-in', note: 'scope' },
  'GET /api/problems/:id/press-notice.pdf': {
    access: 'signed-in',
    note: '督办单: whoever may see the problem; 404 outside the scope, 409 when never pressed',
  },
  'GET /api/units/scores': { access: ['supervisor', 'leader', 'admin'] },
  'GET /api/units/scores.xlsx': { access: ['supervisor', 'leader', 'admin'] },
  'GET /api/city/districts': {
    access: ['supervisor', 'leader', 'admin'],
    note: 'a city’s districts side by side: public aggregates only (404 below a city)',
  },
  'GET /api/units/cards': {
    access: ['supervisor', 'leader', 'admin', 'unit_handler'],
    note: '黄牌/红牌 from the records; a handler sees its own units',
  },
  'GET /api/problems/:id': {
    access: 'signed-in',
    note: '404 outside the scope; full phone for reporter, supervisor, admin, lead unit',
  },
  'GET /api/problems/:id/similar': { access: ['supervisor'] },
  'GET /api/problems/:id/deadline-preview': {
    access: ['supervisor', 'operator'],
    note: 'those who dispatch: the office, and the 12345 centre its own calls',
  },
  'POST /api/problems/:id/actions/:action': {
    access: 'signed-in',
    note: 'each action per problems.policy (role, scope, own work); 403 / 404 / 409',
  },
  'POST /api/problems/batch/:action': { access: 'signed-in', note: 'each item as a single action' },
  'GET /api/problems/export.xlsx': { access: 'signed-in', note: 'scope; phones masked' },
  'POST /api/problems/import': { access: SUPERVISION },
  'POST /api/problems/import/preview': {
    access: SUPERVISION,
    note: 'what an import would do; writes nothing',
  },
  'GET /api/problems/ledger-template.xlsx': { access: SUPERVISION },

  // The 12345 hotline centre (issue 22)
  'POST /api/hotline/calls': { access: HOTLINE, note: '话务员 takes a call into a problem' },
  'GET /api/hotline/calls': { access: HOTLINE, note: 'a caller’s earlier calls' },
  'GET /api/hotline/place': { access: HOTLINE, note: 'an address in words → township / village' },
  'GET /api/hotline/follow-ups': { access: HOTLINE, note: '回访 queue' },
  'POST /api/hotline/follow-ups/:id/calls': {
    access: HOTLINE,
    note: '404 outside the scope; 409 not waiting',
  },

  // Attachments
  'POST /api/attachments': { access: 'signed-in', note: 'type by content, size and count limits' },
  'GET /api/attachments/:id': { access: 'signed-in', note: 'uploader, or whoever sees the problem' },

  // Campaigns, topics, visits
  'GET /api/campaigns': { access: 'public' },
  'GET /api/screen': { access: 'public', note: 'what the big screen shows: place, campaign, figures' },
  'POST /api/campaigns': { access: SUPERVISION },
  'GET /api/topics': { access: 'public' },
  'POST /api/topics': { access: SUPERVISION },
  'GET /api/visits': { access: ['official', 'supervisor', 'leader', 'admin'] },
  'GET /api/visits/:id': {
    access: ['official', 'supervisor', 'leader', 'admin'],
    note: 'the topic lead or the official who logged it; supervision, leaders',
  },
  'POST /api/visits': {
    access: ['official', 'supervisor', 'admin'],
    note: 'an official only on a topic he leads',
  },

  // Outputs
  'GET /api/stats/summary': { access: 'public', note: 'aggregates only' },
  'GET /api/results': { access: 'public', note: 'the public results list: no personal data' },
  'GET /api/actions/recent': { access: 'public', note: 'public actions only, for the big screen' },
  'GET /api/briefing': { access: 'public', note: 'aggregates only' },
  'GET /api/briefing.docx': { access: 'public', note: 'aggregates and the public results list only' },

  // Inbox and notices
  'GET /api/notifications': { access: 'signed-in', note: 'own inbox' },
  'POST /api/notifications/:id/read': { access: 'signed-in', note: 'own inbox' },
  'GET /api/notifications/unread-count': { access: 'signed-in', note: 'own inbox' },
  'POST /api/notifications/read-all': { access: 'signed-in', note: 'own inbox' },

  // Open311 GeoReport v2 at both endpoints: reads are public; writes carry an API key (checked by the adapter).
  ...open311Permissions,

  // Resident services (DESIGN §3): each module lists its own rows.
  ...servicePermissions,
};

/** The key of a route in the matrix. */
export function routeKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url}`;
}

/** The web app's files and pages: every GET outside `/api/` and `/open311/`, public. */
const WEB_APP: Permission = { access: 'public', note: 'the built web app (static files, single pages)' };

/** The matrix row of a route; HEAD is answered like GET. */
export function permissionOf(method: string, url: string): Permission | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  const row = PERMISSIONS[routeKey(m, url)];
  if (row) return row;
  if (m === 'GET' && !url.startsWith('/api/') && !url.startsWith('/open311/')) return WEB_APP;
  return undefined;
}

/** True when the matrix lets the principal use the route. */
export function passes(access: Access, principal: FastifyRequest['principal']): boolean {
  if (access === 'public') return true;
  if (!principal) return false;
  if (access === 'signed-in') return true;
  if (access === 'api-key') return principal.via === 'api_key';
  return hasRole(principal, ...access);
}

/**
 * Enforces the matrix on every request, before validation: anonymous callers get 401, callers without
 * one of the roles 403. An `/api/` route missing from the matrix is refused (deny by default); the route
 * table test names such routes so that they are added here.
 */
export function permissionGate(app: App): void {
  app.addHook('onRequest', async (req) => {
    const url = req.routeOptions.url;
    if (!url) return; // no route matched: the 404 handler answers
    const rule = permissionOf(req.method, url);
    if (!rule) {
      if (url.startsWith('/api/'))
        throw forbidden(`route not in the permission matrix: ${req.method} ${url}`);
      return;
    }
    // An API key may also arrive inside the body (Open311 `api_key`): the adapter checks it.
    if (rule.access === 'api-key' || passes(rule.access, req.principal)) return;
    if (!req.principal) throw unauthorized();
    throw forbidden(
      `需要角色 ${(rule.access as readonly Role[]).join(' / ')} / requires role ${(rule.access as readonly Role[]).join(' or ')}`,
    );
  });
}
