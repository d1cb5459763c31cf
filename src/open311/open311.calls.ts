/**
 * Open311 GeoReport v2 over the problems module: services are categories, service requests are problems
 * (no second store). This part is what every call shares: the spec's errors, reading parameters, the
 * jurisdiction of a call and the API key of a write; the calls themselves are in open311.services.ts,
 * open311.create.ts, open311.requests.ts and open311.updates.ts.
 */
import type { Principal } from '../kernel/roles.ts';
import type { AppContext } from '../platform/context.ts';
import { principalFromApiKey } from '../modules/auth/index.ts';
import {
  publicFilterContext as publicFilters,
  type FilterContext,
  type ProblemFilters,
  type Status,
} from '../modules/problems/index.ts';
import { parseW3c } from './open311.format.ts';

/** The specification token of Service Discovery. */
export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
/** The spec's default query limit. */
export const MAX_REQUESTS = 1000;
/** The longest window a listing may ask for, in days. */
export const MAX_SPAN_DAYS = 90;
/** A day in milliseconds. */
export const DAY_MS = 86_400_000;
/** Statuses that Open311 reports as `closed`; every other status is `open`. */
export const CLOSED_STATUSES: Status[] = ['rejected', 'closed', 'merged'];
/** The longest description or note taken or given, in characters. */
export const DESCRIPTION_LIMIT = 4000;

/** A text's length in characters (code points), as the spec counts them, not in UTF-16 units. */
export function charCount(s: string): number {
  return Array.from(s).length;
}

/** One error of the spec's `errors` list. */
export interface Open311ErrorItem {
  code: number;
  description: string;
}

/** A failed Open311 call: the HTTP status and every error found. */
export class Open311Error extends Error {
  constructor(
    readonly statusCode: number,
    readonly errors: Open311ErrorItem[],
  ) {
    super(errors.map((e) => e.description).join('; '));
  }
}

/** The parameters of a call: query string and form body, parsed with qs. */
export type Params = Record<string, unknown>;

/** A parameter as a trimmed string; empty or absent is undefined ("Optional Arguments" of the spec). */
export function str(params: Params, name: string): string | undefined {
  const v = params[name];
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0].trim() === '' ? undefined : v[0].trim();
  return undefined;
}

/** A comma list (also given as repeated parameters). */
export function list(params: Params, name: string): string[] | undefined {
  const v = params[name];
  const parts = (Array.isArray(v) ? v : [v])
    .filter((x): x is string => typeof x === 'string')
    .flatMap((x) => x.split(','))
    .map((x) => x.trim())
    .filter(Boolean);
  return parts.length ? parts : undefined;
}

/** One error of the spec's list. */
export const err = (code: number, description: string): Open311ErrorItem => ({ code, description });

/** Throws the errors found, with 404 when something named does not exist, else 400. */
export function throwIfAny(errors: Open311ErrorItem[]): void {
  if (errors.length === 0) return;
  throw new Open311Error(errors.some((e) => e.code === 404) ? 404 : 400, errors);
}

/** Where GeoReport v2 is mounted for the real jurisdictions. */
export const OPEN311_PREFIX = '/open311/v2';
/** Where the test endpoint is mounted: the same calls, served by sandbox jurisdictions. */
export const OPEN311_TEST_PREFIX = '/open311/test/v2';

/** The endpoint a call came in by: production (real jurisdictions) or test (their sandboxes). */
export type Endpoint = 'production' | 'test';

/** The prefix of an endpoint. */
export function prefixOf(endpoint: Endpoint): string {
  return endpoint === 'test' ? OPEN311_TEST_PREFIX : OPEN311_PREFIX;
}

/** A jurisdiction as the context lists it. */
type Served = AppContext['jurisdictions'][number];

/** The jurisdictions an endpoint serves: production the real ones, test the sandboxes; never both. */
export function servedBy(ctx: AppContext, endpoint: Endpoint): Served[] {
  return ctx.jurisdictions.filter((j) => (endpoint === 'test') === Boolean(j.sandboxOf));
}

/** The endpoint that serves a jurisdiction. */
export function endpointOf(ctx: AppContext, jurisdictionId: string): Endpoint {
  return ctx.jurisdictions.find((j) => j.id === jurisdictionId)?.sandboxOf ? 'test' : 'production';
}

/** The Open311 id a jurisdiction is named by (its division code when it has none). */
export function open311IdOf(j: Served): string {
  return j.open311Id ?? j.id;
}

/**
 * The jurisdiction of a call: `jurisdiction_id` (the Open311 id or the division code); optional when
 * the endpoint serves one jurisdiction, required (400) when it serves several, unknown → 404. The test
 * endpoint also takes the real jurisdiction's id for its sandbox, so a client changes only the URL. Left
 * out, it names the one jurisdiction that has an Open311 id: a city above its districts, or a district
 * not yet open to Open311 clients, does not make the others' clients name theirs.
 */
export function resolveJurisdiction(
  ctx: AppContext,
  params: Params,
  endpoint: Endpoint = 'production',
): string {
  const served = servedBy(ctx, endpoint);
  const given = str(params, 'jurisdiction_id');
  if (given) {
    const named = (j: Served | undefined) => !!j && (j.open311Id === given || j.id === given);
    const j =
      served.find(named) ??
      (endpoint === 'test'
        ? served.find((s) => named(ctx.jurisdictions.find((r) => r.id === s.sandboxOf)))
        : undefined);
    if (!j) throw new Open311Error(404, [err(404, `jurisdiction_id '${given}' was not found`)]);
    return j.id;
  }
  const named = served.filter((j) => j.open311Id);
  const open = named.length ? named : served;
  if (open.length === 1) return open[0]!.id;
  if (served.length === 0)
    throw new Open311Error(400, [
      err(
        400,
        endpoint === 'test'
          ? 'no test jurisdiction (sandbox) is set up on this installation'
          : 'no jurisdiction is configured on this endpoint',
      ),
    ]);
  throw new Open311Error(400, [
    err(
      400,
      `jurisdiction_id was not provided; this endpoint serves ${open.length} jurisdictions: ${open.map(open311IdOf).join(', ')}`,
    ),
  ]);
}

/**
 * The principal of a write's API key: the `api_key` parameter or `Authorization: Bearer` (already resolved
 * by the server's hook). Missing, unknown or revoked → 403, checked before anything else of the call.
 */
export async function keyPrincipal(
  ctx: AppContext,
  principal: Principal | null,
  params: Params,
  what: string,
): Promise<Principal> {
  let p = principal?.via === 'api_key' ? principal : null;
  const key = str(params, 'api_key');
  if (!p && key) p = await principalFromApiKey(ctx, key);
  if (!p) {
    throw new Open311Error(403, [
      err(
        403,
        key
          ? `Invalid api_key received -- can't proceed with ${what}.`
          : `api_key was not provided -- can't proceed with ${what}.`,
      ),
    ]);
  }
  return p;
}

/** The API key of a write, which must be one of the call's jurisdiction (403 otherwise, as keyPrincipal). */
export async function authenticate(
  ctx: AppContext,
  jurisdictionId: string,
  principal: Principal | null,
  params: Params,
  what: string,
): Promise<Principal> {
  const p = await keyPrincipal(ctx, principal, params, what);
  if (p.jurisdictionId !== jurisdictionId)
    throw new Open311Error(403, [
      err(403, `api_key is not valid for this jurisdiction -- can't proceed with ${what}.`),
    ]);
  return p;
}

/** `open` or `closed` for a problem status. */
export function open311Status(status: string): 'open' | 'closed' {
  return (CLOSED_STATUSES as string[]).includes(status) ? 'closed' : 'open';
}

/** A date parameter (W3C); a date alone at `endOfDay` means its last millisecond. */
export function dateParam(
  params: Params,
  name: string,
  errors: Open311ErrorItem[],
  endOfDay = false,
): Date | undefined {
  const s = str(params, name);
  if (s === undefined) return undefined;
  const parsed = parseW3c(s);
  if (!parsed) {
    errors.push(err(400, `${name} must be a W3C date-time such as 2010-01-01T00:00:00Z, got '${s}'`));
    return undefined;
  }
  return endOfDay && parsed.dateOnly ? new Date(parsed.at.getTime() + DAY_MS - 1) : parsed.at;
}

function intParam(
  params: Params,
  name: string,
  min: number,
  max: number,
  errors: Open311ErrorItem[],
): number | undefined {
  const s = str(params, name);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < min || n > max) {
    errors.push(err(400, `${name} must be an integer from ${min} to ${max}, got '${s}'`));
    return undefined;
  }
  return n;
}

/**
 * A time window: given ends, or the most recent 90 days; at most 90 days. `fromIsNow`/`toIsNow` say
 * which end was derived from the clock (and moves with it).
 */
export function window(
  params: Params,
  errors: Open311ErrorItem[],
  now: Date,
  defaultRecent: boolean,
): { from?: string; to?: string; fromIsNow?: boolean; toIsNow?: boolean } {
  let start = dateParam(params, 'start_date', errors);
  let end = dateParam(params, 'end_date', errors, true);
  if (errors.length) return {};
  if (start && end && end.getTime() < start.getTime()) {
    errors.push(err(400, 'end_date is before start_date'));
    return {};
  }
  if (start && end && end.getTime() - start.getTime() > MAX_SPAN_DAYS * DAY_MS) {
    errors.push(err(400, `start_date and end_date may not span more than ${MAX_SPAN_DAYS} days`));
    return {};
  }
  if (!start && !end && !defaultRecent) return {};
  const fromIsNow = !start && !end;
  if (!start && !end) end = now;
  if (start && !end) end = new Date(Math.min(now.getTime(), start.getTime() + MAX_SPAN_DAYS * DAY_MS));
  const toIsNow = end!.getTime() === now.getTime();
  if (!start && end) start = new Date(end.getTime() - MAX_SPAN_DAYS * DAY_MS);
  // The stored instants compare as ISO strings; `to` is exclusive, so the end instant is included.
  return {
    from: start!.toISOString(),
    to: new Date(end!.getTime() + 1).toISOString(),
    fromIsNow,
    toIsNow,
  };
}

/** The `page`/`page_size` extension as a limit and an offset. */
export function paging(params: Params, errors: Open311ErrorItem[]): { limit: number; offset: number } {
  const page = intParam(params, 'page', 1, 1_000_000, errors) ?? 1;
  const pageSize = intParam(params, 'page_size', 1, MAX_REQUESTS, errors) ?? MAX_REQUESTS;
  return { limit: pageSize, offset: (page - 1) * pageSize };
}

/** What an Open311 read may see: public problems; updated_after/before by the time of the last public change. */
export function publicFilterContext(
  ctx: AppContext,
  jurisdictionId: string,
  filters: ProblemFilters,
): FilterContext {
  return { ...publicFilters(ctx, jurisdictionId, filters), publicChanges: true };
}
