/**
 * Open311 GeoReport v2 over the problems module: services are categories, service requests are
 * problems (no second store), `status_notes` and mySociety's updates come from the public action log.
 * Every function returns an Open311 document; failures are `Open311Error`s in the spec's shape.
 *
 * Over 500 lines, to be split (issue 19): discovery and services, request reading, request writing and
 * updates are separate jobs; they share the document builders and the answer cache, which move first.
 */
import { randomToken } from '../kernel/ids.ts';
import { redactText } from '../kernel/redact.ts';
import type { Principal } from '../kernel/roles.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import { principalFromApiKey } from '../modules/auth/index.ts';
import {
  PUBLISHED_STATUSES,
  TRANSITIONS,
  act,
  appendAction,
  createProblem,
  dataVersion,
  firstCreatedAt,
  notifyRole,
  problemsByNumberOrId,
  publicFilterContext as publicFilters,
  type FilterContext,
  requestPage,
  type ActionName,
  type ProblemFilters,
  type ProblemDetail,
  type ProblemRecord,
  type RequestColumns,
  type Status,
} from '../modules/problems/index.ts';
import type { Category, CategoryField, ReferenceData } from '../modules/reference/index.ts';
import { Rendered, parseW3c, w3c, type Document, type Node } from './open311.format.ts';
import { open311Repository } from './open311.repository.ts';

/** The specification token of Service Discovery. */
export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
/** The spec's default query limit. */
export const MAX_REQUESTS = 1000;
const MAX_SPAN_DAYS = 90;
const DAY_MS = 86_400_000;
/** Statuses that Open311 reports as `closed`; every other status is `open`. */
export const CLOSED_STATUSES: Status[] = ['rejected', 'closed', 'merged'];
const DESCRIPTION_LIMIT = 4000;

/** A text's length in characters (code points), as the spec counts them, not in UTF-16 units. */
function charCount(s: string): number {
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
function str(params: Params, name: string): string | undefined {
  const v = params[name];
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0].trim() === '' ? undefined : v[0].trim();
  return undefined;
}

/** A comma list (also given as repeated parameters). */
function list(params: Params, name: string): string[] | undefined {
  const v = params[name];
  const parts = (Array.isArray(v) ? v : [v])
    .filter((x): x is string => typeof x === 'string')
    .flatMap((x) => x.split(','))
    .map((x) => x.trim())
    .filter(Boolean);
  return parts.length ? parts : undefined;
}

const err = (code: number, description: string): Open311ErrorItem => ({ code, description });

/** Throws the errors found, with 404 when something named does not exist, else 400. */
function throwIfAny(errors: Open311ErrorItem[]): void {
  if (errors.length === 0) return;
  throw new Open311Error(errors.some((e) => e.code === 404) ? 404 : 400, errors);
}

/**
 * The jurisdiction of a call: `jurisdiction_id` (the Open311 id or the division code); optional when
 * the installation serves one jurisdiction, required (400) when it serves several, unknown → 404.
 */
export function resolveJurisdiction(ctx: AppContext, params: Params): string {
  const given = str(params, 'jurisdiction_id');
  if (given) {
    const j = ctx.jurisdictions.find((x) => x.open311Id === given || x.id === given);
    if (!j) throw new Open311Error(404, [err(404, `jurisdiction_id '${given}' was not found`)]);
    return j.id;
  }
  if (ctx.jurisdictions.length === 1) return ctx.jurisdictions[0]!.id;
  if (ctx.jurisdictions.length === 0)
    throw new Open311Error(400, [err(400, 'no jurisdiction is configured on this endpoint')]);
  throw new Open311Error(400, [
    err(
      400,
      `jurisdiction_id was not provided; this endpoint serves ${ctx.jurisdictions.length} jurisdictions: ${ctx.jurisdictions.map((j) => j.open311Id ?? j.id).join(', ')}`,
    ),
  ]);
}

/**
 * The API key of a write: the `api_key` parameter or `Authorization: Bearer` (already resolved by the
 * server's hook). Missing, unknown, revoked or of another jurisdiction → 403.
 */
export async function authenticate(
  ctx: AppContext,
  jurisdictionId: string,
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

/** Service Discovery. */
export async function discovery(
  ctx: AppContext,
  jurisdictionId: string,
  endpointUrl: string,
): Promise<Document> {
  const changed =
    (await open311Repository.catalogueChangedAt(ctx.db, jurisdictionId)) ?? ctx.clock.now().toISOString();
  const j = ctx.jurisdictions.find((x) => x.id === jurisdictionId);
  const changeset = w3c(changed);
  return {
    root: 'discovery',
    body: {
      changeset,
      contact: `${j?.name ?? ''}督查室 / the supervision office of ${j?.name ?? 'the jurisdiction'}${j?.open311Id ? ` (${j.open311Id})` : ''}`,
      key_service:
        'API 密钥由系统管理员在控制台或命令行（qingdan apikey create）签发 / API keys are issued by the administrator from the console or the CLI (qingdan apikey create)',
      endpoints: [
        {
          specification: SPECIFICATION,
          url: endpointUrl,
          changeset,
          type: 'production',
          formats: ['text/xml', 'application/json'],
        },
      ],
    },
  };
}

const DATATYPES: Record<CategoryField['type'], string> = {
  string: 'string',
  number: 'number',
  datetime: 'datetime',
  text: 'text',
  single: 'singlevaluelist',
  multi: 'multivaluelist',
};

const DATATYPE_DESCRIPTIONS: Partial<Record<CategoryField['type'], string>> = {
  number: '数字 / a number',
  datetime: '日期时间，如 2024-03-04T09:00:00+08:00 / an ISO 8601 date-time',
  string: '单行文字 / one line of text',
  text: '文字，可换行 / text, may contain line breaks',
  single: '单选 / choose one',
  multi: '可多选 / choose one or more',
};

function serviceOf(c: Category, ref: ReferenceData): Node {
  return {
    service_code: c.code,
    service_name: c.name,
    description: c.description || c.nameEn || null,
    metadata: c.fields.length > 0,
    type: c.open311Type,
    keywords: c.keywords
      ? c.keywords
          .split(/[\s,，、]+/)
          .filter(Boolean)
          .join(', ')
      : null,
    group: ref.domains.get(c.domain)?.name ?? c.domain,
  };
}

function activeCategories(ref: ReferenceData): Category[] {
  return [...ref.categories.values()].filter((c) => c.active);
}

function servicesOf(ref: ReferenceData): Document {
  return { root: 'services', body: activeCategories(ref).map((c) => serviceOf(c, ref)) };
}

/** GET Service List, written once per load of the jurisdiction's reference data. */
export async function services(ctx: AppContext, jurisdictionId: string): Promise<Rendered> {
  const ref = await ctx.reference.get(jurisdictionId);
  // Written once per load of the reference data: the same for every caller.
  const rendered = ctx.cache.own('open311.services', () => new WeakMap<ReferenceData, Rendered>());
  let answer = rendered.get(ref);
  if (!answer) {
    answer = Rendered.of(servicesOf(ref));
    rendered.set(ref, answer);
  }
  return answer;
}

async function categoryOrFail(
  ctx: AppContext,
  jurisdictionId: string,
  code: string | undefined,
): Promise<{ ref: ReferenceData; category: Category }> {
  if (!code) throw new Open311Error(400, [err(400, 'service_code was not provided')]);
  const ref = await ctx.reference.get(jurisdictionId);
  const category = ref.categories.get(code);
  if (!category || !category.active)
    throw new Open311Error(404, [err(404, `service_code '${code}' was not found`)]);
  return { ref, category };
}

/** GET Service Definition: the category's extra fields as attributes, in form order. */
export async function serviceDefinition(
  ctx: AppContext,
  jurisdictionId: string,
  code: string,
): Promise<Document> {
  const { category } = await categoryOrFail(ctx, jurisdictionId, code);
  return {
    root: 'service_definition',
    body: {
      service_code: category.code,
      attributes: category.fields.map((f, i) => {
        const attribute: Record<string, Node> = {
          variable: true,
          code: f.code,
          datatype: DATATYPES[f.type],
          required: f.required,
          datatype_description: DATATYPE_DESCRIPTIONS[f.type] ?? null,
          order: i + 1,
          description: f.description ? `${f.label}：${f.description}` : f.label,
        };
        if (f.type === 'single' || f.type === 'multi')
          attribute.values = (f.options ?? []).map((o) => ({ key: o.value, name: o.label }));
        return attribute;
      }),
    },
  };
}

/** What the jurisdiction promises for a category: its time limit. */
function serviceNotice(ref: ReferenceData, categoryCode: string, urgency: string): string {
  const rule = ref.ruleFor(categoryCode, urgency);
  return `受理后交办承办单位，${rule.respondHours} 个工作小时内签收，${rule.closeDays} 个工作日内办结 / dispatched to the responsible unit, which responds within ${rule.respondHours} working hours and resolves within ${rule.closeDays} working days`;
}

/** Converts the `attribute` parameters to the problem's fields, collecting every error. */
function fieldsOf(
  category: Category,
  raw: unknown,
  errors: Open311ErrorItem[],
): Record<string, string | number | string[]> {
  const given = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const out: Record<string, string | number | string[]> = {};
  for (const f of category.fields) {
    const name = `attribute[${f.code}]`;
    const v = given[f.code];
    const values = (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v])
      .filter((x): x is string | number => typeof x === 'string' || typeof x === 'number')
      .map((x) => String(x).trim())
      .filter((x) => x !== '');
    if (values.length === 0) {
      if (f.required) errors.push(err(400, `${name} is required (${f.label}为必填项)`));
      continue;
    }
    const keys = (f.options ?? []).map((o) => o.value);
    if (f.type !== 'multi' && values.length > 1) {
      errors.push(err(400, `${name} takes one value, got ${values.length}`));
      continue;
    }
    const one = values[0]!;
    switch (f.type) {
      case 'number':
        if (!Number.isFinite(Number(one))) errors.push(err(400, `${name} must be a number, got '${one}'`));
        else out[f.code] = Number(one);
        break;
      case 'datetime': {
        const at = parseW3c(one);
        if (!at) errors.push(err(400, `${name} must be an ISO 8601 date-time, got '${one}'`));
        else out[f.code] = at.at.toISOString();
        break;
      }
      case 'single':
        if (!keys.includes(one))
          errors.push(err(400, `${name}: '${one}' is not one of the values (${keys.join(', ')})`));
        else out[f.code] = one;
        break;
      case 'multi': {
        const bad = values.filter((x) => !keys.includes(x));
        if (bad.length)
          errors.push(
            err(
              400,
              `${name}: ${bad.map((b) => `'${b}'`).join(', ')} not among the values (${keys.join(', ')})`,
            ),
          );
        else out[f.code] = [...new Set(values)];
        break;
      }
      case 'string':
        if (charCount(one) > 2000) errors.push(err(400, `${name} is longer than 2000 characters`));
        else out[f.code] = one.replace(/\s*[\r\n]+\s*/g, ' ');
        break;
      default:
        if (charCount(one) > 2000) errors.push(err(400, `${name} is longer than 2000 characters`));
        else out[f.code] = one;
    }
  }
  return out;
}

function parseCoordinate(
  params: Params,
  name: 'lat' | 'long',
  limit: number,
  errors: Open311ErrorItem[],
): number | undefined {
  const s = str(params, name);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isFinite(n) || Math.abs(n) > limit) {
    errors.push(err(400, `${name} must be a WGS84 ${name === 'lat' ? 'latitude' : 'longitude'}, got '${s}'`));
    return undefined;
  }
  return n;
}

/** A bounding box in degrees. */
interface Area {
  minLat: number;
  maxLat: number;
  minLng: number;
  maxLng: number;
}

/** How far around its divisions' points a jurisdiction's area reaches, in degrees (about 11 km). */
const AREA_MARGIN = 0.1;

/** The jurisdiction's area: the bounding box of its divisions' points with a margin; null without points. */
function areaOf(ref: ReferenceData): Area | null {
  const points = [...ref.divisions.values()].filter((d) => d.lat !== null && d.lng !== null);
  if (points.length === 0) return null;
  const lats = points.map((d) => Number(d.lat));
  const lngs = points.map((d) => Number(d.lng));
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    minLat: round(Math.min(...lats) - AREA_MARGIN),
    maxLat: round(Math.max(...lats) + AREA_MARGIN),
    minLng: round(Math.min(...lngs) - AREA_MARGIN),
    maxLng: round(Math.max(...lngs) + AREA_MARGIN),
  };
}

function inArea(a: Area, lat: number, lng: number): boolean {
  return lat >= a.minLat && lat <= a.maxLat && lng >= a.minLng && lng <= a.maxLng;
}

/** Squared distance in degrees, scaled for longitude at the latitude; enough to pick the nearest place. */
function distance2(lat: number, lng: number, dLat: number, dLng: number): number {
  const k = Math.cos((lat * Math.PI) / 180);
  return (lat - dLat) ** 2 + ((lng - dLng) * k) ** 2;
}

/**
 * The division a location belongs to: `address_id` is a division code; a point goes to the nearest
 * village or township within ~30 km; an address to the division it names; else the county itself.
 */
function placeOf(
  ref: ReferenceData,
  countyCode: string,
  loc: { lat?: number; lng?: number; address?: string; addressId?: string },
): string {
  if (loc.addressId && ref.divisions.has(loc.addressId)) return loc.addressId;
  const local = [...ref.divisions.values()].filter((d) => d.level === 'village' || d.level === 'township');
  if (loc.lat !== undefined && loc.lng !== undefined) {
    let best: { code: string; d: number } | null = null;
    for (const d of local) {
      if (d.lat === null || d.lng === null) continue;
      const dist = distance2(loc.lat, loc.lng, d.lat, d.lng) * (d.level === 'township' ? 1.5 : 1);
      if (!best || dist < best.d) best = { code: d.code, d: dist };
    }
    if (best && best.d < 0.27 ** 2) return best.code;
  }
  if (loc.address) {
    const named = local
      .filter((d) => d.name.length >= 2 && loc.address!.includes(d.name))
      .sort((a, b) => b.code.length - a.code.length || b.name.length - a.name.length);
    if (named[0]) return named[0].code;
  }
  return countyCode;
}

function titleOf(description: string, category: Category, address: string | undefined): string {
  const first = description.split(/[\r\n]/)[0]?.trim() ?? '';
  const base = first || `${category.name}${address ? `：${address}` : ''}`;
  const chars = Array.from(base);
  return chars.length > 30 ? `${chars.slice(0, 30).join('')}…` : base;
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !/\s/.test(s);
  } catch {
    return false;
  }
}

/**
 * POST Service Request: checks everything and reports every error at once, then submits a problem in
 * channel `open311`. A `batch` service answers with a token that resolves to the id.
 */
export async function createRequest(
  ctx: AppContext,
  principal: Principal | null,
  params: Params,
): Promise<Document> {
  const jid = resolveJurisdiction(ctx, params);
  const p = await authenticate(ctx, jid, principal, params, 'create_request');
  const errors: Open311ErrorItem[] = [];
  const code = str(params, 'service_code');
  let category: Category | undefined;
  const ref = await ctx.reference.get(jid);
  if (!code) errors.push(err(400, 'service_code was not provided'));
  else {
    category = ref.categories.get(code);
    if (!category || !category.active) {
      errors.push(err(404, `service_code '${code}' was not found`));
      category = undefined;
    }
  }
  const lat = parseCoordinate(params, 'lat', 90, errors);
  const lng = parseCoordinate(params, 'long', 180, errors);
  const hasLat = str(params, 'lat') !== undefined;
  const hasLng = str(params, 'long') !== undefined;
  if (hasLat !== hasLng)
    errors.push(err(400, `lat and long must be sent together; ${hasLat ? 'long' : 'lat'} is missing`));
  const area = areaOf(ref);
  if (lat !== undefined && lng !== undefined && area && !inArea(area, lat, lng))
    errors.push(
      err(
        400,
        `lat/long (${lat}, ${lng}) is outside the jurisdiction's area (lat ${area.minLat}–${area.maxLat}, long ${area.minLng}–${area.maxLng})`,
      ),
    );
  const address = str(params, 'address_string');
  const addressId = str(params, 'address_id');
  if (!(hasLat && hasLng) && !address && !addressId) {
    errors.push(
      err(400, 'A full location parameter must be submitted: lat & long, address_string or address_id'),
    );
  } else if (addressId && !ref.divisions.has(addressId) && !(hasLat && hasLng) && !address) {
    errors.push(
      err(400, `address_id '${addressId}' is not a known address (a division code of the jurisdiction)`),
    );
  }
  const description = str(params, 'description') ?? '';
  if (charCount(description) > DESCRIPTION_LIMIT)
    errors.push(err(400, `description is longer than ${DESCRIPTION_LIMIT} characters`));
  const mediaUrl = str(params, 'media_url');
  if (mediaUrl && !isHttpUrl(mediaUrl))
    errors.push(err(400, `media_url must be an http(s) URL, got '${mediaUrl}'`));
  const fields = category ? fieldsOf(category, params.attribute, errors) : {};
  throwIfAny(errors);
  const cat = category!;

  const j = ctx.jurisdictions.find((x) => x.id === jid)!;
  const villageCode = placeOf(ref, j.divisionCode, { lat, lng, address, addressId });
  const name = [str(params, 'last_name'), str(params, 'first_name')].filter(Boolean).join('');
  const phone = str(params, 'phone')
    ?.replace(/[^\d+\-() ]/g, '')
    .slice(0, 20);
  const input = {
    categoryCode: cat.code,
    title: titleOf(description, cat, address),
    description,
    villageCode,
    address: address ? Array.from(address).slice(0, 200).join('') : undefined,
    lat,
    lng,
    fields,
    reporter:
      name || phone
        ? { name: name ? Array.from(name).slice(0, 40).join('') : undefined, phone: phone || undefined }
        : undefined,
  };

  const token = cat.open311Type === 'batch' ? randomToken(12) : null;
  if (token) await open311Repository.insertToken(ctx.db, jid, token, ctx.clock.now().toISOString());
  let problem: { id: string; number: string; urgency: string };
  try {
    problem = await createProblem(ctx, p, input, { channel: 'open311' });
  } catch (e) {
    if (token) await open311Repository.deleteToken(ctx.db, jid, token);
    if (e instanceof AppError && e.statusCode < 500) {
      const details = Array.isArray(e.details) ? (e.details as { path: string; message: string }[]) : [];
      throw new Open311Error(
        400,
        details.length ? details.map((d) => err(400, `${d.path}: ${d.message}`)) : [err(400, e.message)],
      );
    }
    throw e;
  }
  if (token) await open311Repository.setTokenProblem(ctx.db, jid, token, problem.id);
  if (mediaUrl)
    await open311Repository.insertMedia(ctx.db, jid, problem.id, mediaUrl, ctx.clock.now().toISOString());
  const notice = serviceNotice(ref, cat.code, problem.urgency);
  return {
    root: 'service_requests',
    body: [
      token
        ? { token, service_notice: notice, account_id: null }
        : { service_request_id: problem.number, service_notice: notice, account_id: null },
    ],
  };
}

/** GET service_request_id from a token. */
export async function tokenLookup(ctx: AppContext, jurisdictionId: string, token: string): Promise<Document> {
  const row = await open311Repository.findToken(ctx.db, jurisdictionId, token);
  if (!row) throw new Open311Error(404, [err(404, `token '${token}' was not found`)]);
  return {
    root: 'service_requests',
    body: [row.number ? { service_request_id: row.number, token: row.token } : { token: row.token }],
  };
}

/** What an Open311 read may see: public problems; updated_after/before by the time of the last public change. */
function publicFilterContext(
  ctx: AppContext,
  jurisdictionId: string,
  filters: ProblemFilters,
): FilterContext {
  return { ...publicFilters(ctx, jurisdictionId, filters), publicChanges: true };
}

function statusNotes(a: { action: string; note: string | null } | undefined): string | null {
  if (!a) return null;
  if (a.note && a.note.trim()) return a.note.trim();
  if (a.action === 'submit') return null;
  return TRANSITIONS[a.action as ActionName]?.label ?? null;
}

/** What a service request is made of: a problem's public columns. */
type RequestRow = RequestColumns;

function divisionAddress(ref: ReferenceData, row: RequestRow, countyCode: string): string | null {
  const parts = [row.village_code, row.township_code, countyCode]
    .map((c) => ref.divisionName(c))
    .filter((x): x is string => !!x);
  return parts.length ? parts.join(', ') : null;
}

async function requestRecords(
  ctx: AppContext,
  jurisdictionId: string,
  rows: RequestRow[],
  reference?: ReferenceData,
): Promise<Node[]> {
  const ref = reference ?? (await ctx.reference.get(jurisdictionId));
  const ids = rows.map((r) => r.id);
  const closedIds = rows.filter((r) => open311Status(r.status) === 'closed').map((r) => r.id);
  const [latest, summaries, media] = await Promise.all([
    open311Repository.latestPublicChanges(ctx.db, jurisdictionId, ids),
    open311Repository.resultSummaries(ctx.db, jurisdictionId, closedIds),
    open311Repository.mediaUrls(ctx.db, jurisdictionId, ids),
  ]);
  const county = ctx.jurisdictions.find((j) => j.id === jurisdictionId)?.divisionCode ?? '';
  return rows.map((row) => {
    const description = Array.from(row.description.trim() || row.title)
      .slice(0, DESCRIPTION_LIMIT)
      .join('');
    return {
      service_request_id: row.number,
      status: open311Status(row.status),
      // The public reason for the current status: the result when closed with one, else the latest change's.
      status_notes: redactText(summaries.get(row.id) ?? statusNotes(latest.get(row.id))),
      service_name: ref.categories.get(row.category_code)?.name ?? row.category_code,
      service_code: row.category_code,
      description: redactText(description) || null,
      agency_responsible: row.lead_unit_id ? (ref.units.get(row.lead_unit_id)?.name ?? null) : null,
      service_notice:
        open311Status(row.status) === 'open' ? serviceNotice(ref, row.category_code, row.urgency) : null,
      requested_datetime: w3c(row.created_at),
      updated_datetime: w3c(latest.get(row.id)?.created_at ?? row.created_at),
      expected_datetime: open311Status(row.status) === 'open' ? w3c(row.close_due_at) : null,
      address: redactText(row.address) ?? divisionAddress(ref, row, county),
      address_id: row.village_code ?? row.township_code ?? null,
      zipcode: null,
      lat: row.lat === null ? null : Number(row.lat),
      long: row.lng === null ? null : Number(row.lng),
      media_url: media.get(row.id) ?? null,
    };
  });
}

function dateParam(
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
function window(
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

function paging(params: Params, errors: Open311ErrorItem[]): { limit: number; offset: number } {
  const page = intParam(params, 'page', 1, 1_000_000, errors) ?? 1;
  const pageSize = intParam(params, 'page_size', 1, MAX_REQUESTS, errors) ?? MAX_REQUESTS;
  return { limit: pageSize, offset: (page - 1) * pageSize };
}

/** A listing's query, checked: its filters, its page, and which window ends follow the clock. */
function requestsQuery(ctx: AppContext, params: Params) {
  const errors: Open311ErrorItem[] = [];
  const statuses = list(params, 'status');
  const badStatus = statuses?.filter((s) => s !== 'open' && s !== 'closed') ?? [];
  if (badStatus.length)
    errors.push(err(400, `status must be open or closed, got ${badStatus.map((s) => `'${s}'`).join(', ')}`));
  const updatedAfter = dateParam(params, 'updated_after', errors);
  const updatedBefore = dateParam(params, 'updated_before', errors, true);
  const byUpdate = updatedAfter !== undefined || updatedBefore !== undefined;
  const now = ctx.clock.now();
  const span = window(params, errors, now, !byUpdate);
  const { limit, offset } = paging(params, errors);
  throwIfAny(errors);

  const wanted = new Set(statuses ?? ['open', 'closed']);
  // Only published problems are listed: a report 待审核 or refused is not public.
  const status = PUBLISHED_STATUSES.filter((s) => wanted.has(open311Status(s)));
  const filters = {
    category: list(params, 'service_code')?.join(','),
    status,
    from: span.from,
    to: span.to,
    updatedAfter: updatedAfter?.toISOString(),
    updatedBefore: updatedBefore ? new Date(updatedBefore.getTime() + 1).toISOString() : undefined,
  } as ProblemFilters;
  // The key names what the answer depends on besides the data: the window's ends that do not follow
  // the clock, the filters and the page.
  const key = JSON.stringify([
    span.fromIsNow ? null : span.from,
    span.toIsNow ? null : span.to,
    filters.category,
    filters.status,
    filters.updatedAfter,
    filters.updatedBefore,
    limit,
    offset,
  ]);
  return { now, span, filters, limit, offset, key };
}

/** A kept listing: valid for one data version, one load of the reference data and a span of time. */
interface KeptListing {
  jurisdictionId: string;
  version: number;
  ref: ReferenceData;
  from: number;
  until: number;
  answer: Rendered;
}

/**
 * Listings kept per query (most recently used first out of the way), at most LISTING_CACHE_BYTES of
 * rendered answers: a listing is the same for every caller, and recomputing it costs far more than
 * sending it.
 */
const LISTING_CACHE_BYTES = 16 * 1024 * 1024;

/** The listings an app keeps (in its context's cache), and those being computed. */
class Listings {
  readonly kept = new Map<string, KeptListing>();
  /** Listings being computed, per load of the reference data and key and version. */
  readonly computing = new WeakMap<ReferenceData, Map<string, Promise<KeptListing>>>();
  private bytes = 0;

  /** Keeps a listing, dropping the jurisdiction's older versions and then the least recently used. */
  keep(key: string, entry: KeptListing): void {
    // Listings of the jurisdiction's older data versions can never be served again.
    for (const [k, e] of this.kept) {
      if (k === key || (e.jurisdictionId === entry.jurisdictionId && e.version < entry.version)) {
        this.kept.delete(k);
        this.bytes -= e.answer.bytes;
      }
    }
    if (entry.answer.bytes > LISTING_CACHE_BYTES / 4) return;
    this.kept.set(key, entry);
    this.bytes += entry.answer.bytes;
    for (const [k, e] of this.kept) {
      if (this.bytes <= LISTING_CACHE_BYTES) break;
      this.kept.delete(k);
      this.bytes -= e.answer.bytes;
    }
  }
}

/**
 * GET Service Requests. `service_request_id` overrides everything else; otherwise `service_code`,
 * `status`, the requested-date window (90 days by default), `updated_after`/`updated_before`, and the
 * `page`/`page_size` extension (1000 at most).
 *
 * The answer is the same for every caller: by id it is computed each time; otherwise it is kept per data
 * version (the number of the last action: every change of a problem appends one), per
 * load of the reference data (names, units, time limits), and while the clock has not moved a problem
 * into or out of a window that follows it. A burst of identical requests computes once.
 */
export async function listRequests(
  ctx: AppContext,
  jurisdictionId: string,
  principal: Principal | null,
  params: Params,
): Promise<Document | Rendered> {
  const ids = list(params, 'service_request_id');
  if (ids) {
    const rows = await problemsByNumberOrId(
      ctx.db,
      publicFilterContext(ctx, jurisdictionId, await byIdFilters(ctx, jurisdictionId, principal, params)),
      ids.slice(0, MAX_REQUESTS),
    );
    return { root: 'service_requests', body: await requestRecords(ctx, jurisdictionId, rows) };
  }
  const q = requestsQuery(ctx, params);
  const [version, ref] = await Promise.all([
    dataVersion(ctx, jurisdictionId),
    ctx.reference.get(jurisdictionId),
  ]);
  const key = `${jurisdictionId}|${q.key}`;
  const at = q.now.getTime();
  const valid = (e: KeptListing | undefined): e is KeptListing =>
    !!e && e.version === version && e.ref === ref && at >= e.from && at < e.until;
  const listings = ctx.cache.own('open311.listings', () => new Listings());
  const kept = listings.kept.get(key);
  if (valid(kept)) {
    // Most recently used last: the map's order is the eviction order.
    listings.kept.delete(key);
    listings.kept.set(key, kept);
    return kept.answer;
  }
  const flight = `${key}|${version}`;
  let flights = listings.computing.get(ref);
  if (!flights) listings.computing.set(ref, (flights = new Map()));
  let computing = flights.get(flight);
  if (!computing) {
    const running = flights;
    computing = computeListing(ctx, jurisdictionId, q, version, ref).finally(() => running.delete(flight));
    running.set(flight, computing);
  }
  const entry = await computing;
  if (entry.version === version && entry.ref === ref) listings.keep(key, entry);
  return entry.answer;
}

async function computeListing(
  ctx: AppContext,
  jurisdictionId: string,
  q: ReturnType<typeof requestsQuery>,
  version: number,
  ref: ReferenceData,
): Promise<KeptListing> {
  const fc = publicFilterContext(ctx, jurisdictionId, q.filters);
  const rows = await requestPage(ctx.db, fc, q.limit, q.offset);
  const answer = Rendered.of({
    root: 'service_requests',
    body: await requestRecords(ctx, jurisdictionId, rows, ref),
  });
  const at = q.now.getTime();
  let until = Number.POSITIVE_INFINITY;
  // A window starting 90 days ago loses the page's oldest problem when it turns 90 days old …
  if (q.span.fromIsNow && rows.length > 0)
    until = Math.min(until, Date.parse(rows[rows.length - 1]!.created_at) + MAX_SPAN_DAYS * DAY_MS + 1);
  // … and a window ending now gains a problem created (by a clock ahead of ours) after now.
  if (q.span.toIsNow) {
    const next = await firstCreatedAt(
      ctx.db,
      publicFilterContext(ctx, jurisdictionId, { ...q.filters, from: q.span.to, to: undefined }),
    );
    if (next) until = Math.min(until, Date.parse(next));
  }
  return { jurisdictionId, version, ref, from: at, until, answer };
}

/**
 * What a read by id may return: published requests to anyone; also those still 待审核 to a client calling
 * with an API key of the jurisdiction (the integrations that submit requests read back their own).
 */
async function byIdFilters(
  ctx: AppContext,
  jurisdictionId: string,
  principal: Principal | null,
  params: Params,
): Promise<ProblemFilters> {
  const p = await authenticate(ctx, jurisdictionId, principal, params, 'read').catch(() => null);
  return (p ? {} : { status: PUBLISHED_STATUSES }) as ProblemFilters;
}

/** GET Service Request. */
export async function getRequest(
  ctx: AppContext,
  jurisdictionId: string,
  principal: Principal | null,
  params: Params,
  id: string,
): Promise<Document> {
  const rows = await problemsByNumberOrId(
    ctx.db,
    publicFilterContext(ctx, jurisdictionId, await byIdFilters(ctx, jurisdictionId, principal, params)),
    [id],
  );
  if (rows.length === 0) throw new Open311Error(404, [err(404, `service_request_id '${id}' was not found`)]);
  return { root: 'service_requests', body: await requestRecords(ctx, jurisdictionId, rows.slice(0, 1)) };
}

/** The extended status (upper case, mySociety's extension) a problem status is reported as in an update. */
const UPDATE_STATUS_OF: Record<Status, string> = {
  submitted: 'OPEN',
  returned: 'OPEN',
  rejected: 'NOT_COUNCILS_RESPONSIBILITY',
  assigned: 'OPEN',
  bounced: 'OPEN',
  in_progress: 'IN_PROGRESS',
  closure_requested: 'IN_PROGRESS',
  closed: 'CLOSED',
  merged: 'DUPLICATE',
};

/** An update's status: FIXED for a verified closure, else the status its action led to. */
function updateStatusOf(action: string, toStatus: string): string {
  if (action === 'verify') return 'FIXED';
  return UPDATE_STATUS_OF[toStatus as Status] ?? 'OPEN';
}

/**
 * mySociety's GET servicerequestupdates: the public actions after submission (dispatch, sign, progress,
 * closure, verification, rating, reopening …) in the window (90 days by default), oldest first.
 */
export async function listUpdates(
  ctx: AppContext,
  jurisdictionId: string,
  params: Params,
): Promise<Document> {
  const errors: Open311ErrorItem[] = [];
  const ids = list(params, 'service_request_id');
  const span = window(params, errors, ctx.clock.now(), !ids);
  const { limit, offset } = paging(params, errors);
  throwIfAny(errors);
  const rows = await open311Repository.updates(ctx.db, jurisdictionId, { ...span, ids, limit, offset });
  return {
    root: 'service_request_updates',
    body: rows.map((a) => ({
      update_id: a.id,
      service_request_id: a.number,
      status: updateStatusOf(a.action, a.to_status),
      updated_datetime: w3c(a.created_at),
      description: redactText(statusNotes(a)) ?? '',
      media_url: null,
    })),
  };
}

/** What an update's status asks of the lifecycle. */
type UpdateEffect = 'comment' | 'progress' | 'closure' | 'bounce';

/**
 * mySociety's update statuses (upper case, as its extension documents) and what each asks of the
 * lifecycle when the request's lead unit posts it: progress (签收 first when not yet signed), a closure
 * request (申请销号: the supervisor still verifies; a client never closes), a return for re-dispatch
 * (退单), or only a comment for the supervisors.
 */
export const UPDATE_STATUSES: Record<string, UpdateEffect> = {
  OPEN: 'comment',
  INVESTIGATING: 'progress',
  IN_PROGRESS: 'progress',
  ACTION_SCHEDULED: 'progress',
  FIXED: 'closure',
  CLOSED: 'closure',
  DUPLICATE: 'comment',
  NOT_COUNCILS_RESPONSIBILITY: 'bounce',
  INTERNAL_REFERRAL: 'bounce',
  NO_FURTHER_ACTION: 'comment',
  UNABLE_TO_FIX: 'comment',
};

/**
 * mySociety's POST servicerequestupdates. A status that changes the request (UPDATE_STATUSES) is taken as
 * the lifecycle action it maps to, by the principal of the key, so only the lead unit's key may post it
 * (403 otherwise, never a silent 200). Anything else is a client's comment: kept in the problem's log (not
 * public: staff read it and decide), and the supervisors are notified.
 */
export async function postUpdate(
  ctx: AppContext,
  principal: Principal | null,
  params: Params,
): Promise<Document> {
  const jid = resolveJurisdiction(ctx, params);
  const p = await authenticate(ctx, jid, principal, params, 'post_service_request_update');
  const errors: Open311ErrorItem[] = [];
  const id = str(params, 'service_request_id');
  const description = str(params, 'description');
  const status = str(params, 'status')?.toUpperCase();
  const mediaUrl = str(params, 'media_url');
  if (!id) errors.push(err(400, 'service_request_id was not provided'));
  if (!description) errors.push(err(400, 'description was not provided'));
  else if (charCount(description) > DESCRIPTION_LIMIT)
    errors.push(err(400, `description is longer than ${DESCRIPTION_LIMIT} characters`));
  if (status && !(status in UPDATE_STATUSES))
    errors.push(
      err(
        400,
        `status must be one of ${Object.keys(UPDATE_STATUSES).join(', ')}, got '${str(params, 'status')}'`,
      ),
    );
  if (mediaUrl && !isHttpUrl(mediaUrl))
    errors.push(err(400, `media_url must be an http(s) URL, got '${mediaUrl}'`));
  const updatedAt = dateParam(params, 'updated_datetime', errors);
  let row: ProblemRecord | undefined;
  if (id) {
    [row] = await problemsByNumberOrId(ctx.db, publicFilterContext(ctx, jid, {} as ProblemFilters), [id]);
    if (!row) errors.push(err(404, `service_request_id '${id}' was not found`));
  }
  throwIfAny(errors);
  const problem = row!;
  const effect = status ? UPDATE_STATUSES[status]! : 'comment';
  if (effect !== 'comment')
    return {
      root: 'service_request_updates',
      body: [{ update_id: await applyUpdate(ctx, p, problem, status!, effect, description!) }],
    };
  const at = ctx.clock.now().toISOString();
  const name = [str(params, 'last_name'), str(params, 'first_name')].filter(Boolean).join('');
  const actionId = await ctx.db.transaction().execute(async (trx) => {
    const a = await appendAction(trx, jid, {
      problemId: problem.id,
      action: 'open311_update',
      from: problem.status,
      to: problem.status,
      actor: { userId: null, name: p.displayName, unitId: null },
      note: description!,
      data: {
        mediaUrl: mediaUrl ?? null,
        clientUpdateId: str(params, 'update_id') ?? null,
        requestedStatus: status ?? null,
        updatedDatetime: updatedAt?.toISOString() ?? null,
        author: name || null,
      },
      public: false,
      at,
    });
    await notifyRole(trx, jid, {
      role: 'supervisor',
      kind: 'open311_update',
      problemId: problem.id,
      title: `Open311 补充信息：${problem.number}${status && status !== 'OPEN' ? `（${status}）` : ''}`,
      body: description!.slice(0, 200),
      at,
    });
    return a.id;
  });
  return { root: 'service_request_updates', body: [{ update_id: actionId }] };
}

/**
 * Takes an update's status as the lifecycle action it maps to, by the key's principal (the lifecycle's
 * policy decides: a key that is not the lead unit's gets 403, a status the action cannot start from 409).
 * Returns the id of the last action written.
 */
async function applyUpdate(
  ctx: AppContext,
  p: Principal,
  problem: ProblemRecord,
  status: string,
  effect: Exclude<UpdateEffect, 'comment'>,
  description: string,
): Promise<string> {
  const steps: [ActionName, Record<string, string>][] =
    effect === 'bounce'
      ? [['bounce', { reason: description }]]
      : problem.status === 'assigned'
        ? [['sign', { note: description }]]
        : [];
  if (effect === 'progress' && steps.length === 0) steps.push(['progress', { note: description }]);
  if (effect === 'closure') steps.push(['request_closure', { summary: description }]);
  let last: ProblemDetail | null = null;
  try {
    for (const [action, body] of steps) last = await act(ctx, p, problem.id, action, body);
  } catch (e) {
    if (e instanceof AppError && e.statusCode < 500) {
      const refused = e.statusCode === 403 || e.statusCode === 404;
      const why = refused
        ? `status ${status} changes the request: only the key of its lead unit may post it (a closure is requested, then verified by the supervisor)`
        : `status ${status} cannot be taken now: ${e.message}`;
      const code = refused ? 403 : 400;
      throw new Open311Error(code, [err(code, why)]);
    }
    throw e;
  }
  return last!.actions[last!.actions.length - 1]!.id;
}
