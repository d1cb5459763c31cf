/**
 * The permission rows of Open311, one set per endpoint (production and test): reads are public (public
 * fields only), writes carry an API key that the adapter checks and refuses in Open311's format.
 */
import type { Permission } from '../platform/permissions.ts';
import { OPEN311_PREFIX, OPEN311_TEST_PREFIX } from './open311.calls.ts';

const ROWS: [method: string, path: string, row: Permission][] = [
  ['GET', '/discovery.json', { access: 'public' }],
  ['GET', '/discovery.xml', { access: 'public' }],
  ['GET', '/services.json', { access: 'public' }],
  ['GET', '/services.xml', { access: 'public' }],
  ['GET', '/services/:file', { access: 'public', note: 'a service definition' }],
  ['GET', '/requests.json', { access: 'public', note: 'public fields only' }],
  ['GET', '/requests.xml', { access: 'public', note: 'public fields only' }],
  ['POST', '/requests.json', { access: 'api-key', note: 'a form or multipart/form-data with photos' }],
  ['POST', '/requests.xml', { access: 'api-key', note: 'a form or multipart/form-data with photos' }],
  ['GET', '/requests/:file', { access: 'public', note: 'public fields only' }],
  ['GET', '/tokens/:file', { access: 'public' }],
  ['GET', '/servicerequestupdates.json', { access: 'public' }],
  ['GET', '/servicerequestupdates.xml', { access: 'public' }],
  ['POST', '/servicerequestupdates.json', { access: 'api-key' }],
  ['POST', '/servicerequestupdates.xml', { access: 'api-key' }],
  ['GET', '/media/:id', { access: 'public', note: 'photos posted with published requests only' }],
];

/** Open311's rows of the permission matrix, for both endpoints. */
export const open311Permissions: Record<string, Permission> = Object.fromEntries(
  [OPEN311_PREFIX, OPEN311_TEST_PREFIX].flatMap((prefix) =>
    ROWS.map(([method, path, row]) => [`${method} ${prefix}${path}`, row]),
  ),
);
