/** Open311 POST Service Request: a problem reported through the intake, and the tokens of batches. */
import { randomToken } from '../kernel/ids.ts';
import type { Principal } from '../kernel/roles.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import { storeAttachment } from '../modules/attachments/index.ts';
import { createProblem } from '../modules/problems/index.ts';
import type { Category, PointBox, ReferenceData } from '../modules/reference/index.ts';
import { parseW3c, type Document } from './open311.format.ts';
import { open311Repository } from './open311.repository.ts';
import {
  DESCRIPTION_LIMIT,
  Open311Error,
  type Open311ErrorItem,
  type Params,
  authenticate,
  charCount,
  err,
  str,
  throwIfAny,
} from './open311.calls.ts';
import { serviceNotice } from './open311.services.ts';

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

/** How far around its divisions' points a jurisdiction's area reaches, in degrees (about 11 km). */
const AREA_MARGIN = 0.1;

/** The jurisdiction's area: the bounding box of its divisions' points with a margin; null without points. */
function areaOf(ref: ReferenceData): PointBox | null {
  const box = ref.places().box;
  if (!box) return null;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    minLat: round(box.minLat - AREA_MARGIN),
    maxLat: round(box.maxLat + AREA_MARGIN),
    minLng: round(box.minLng - AREA_MARGIN),
    maxLng: round(box.maxLng + AREA_MARGIN),
  };
}

function inArea(a: PointBox, lat: number, lng: number): boolean {
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
  const local = ref.places().places;
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

/** Whether a text is an http(s) URL (a media_url). */
export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !/\s/.test(s);
  } catch {
    return false;
  }
}

/** A photo sent with a request in a multipart POST (as FixMyStreet's clients send `media`). */
export interface Photo {
  name: string;
  data: Buffer;
}

/** The most photos one request may carry (as many as a report through the API). */
export const MAX_PHOTOS = 9;

/**
 * Stores the photos of a request as attachments of the key's principal (checked by content, re-encoded
 * without metadata); a file that is too big, empty or not an image is the client's fault: 400.
 */
export async function storePhotos(ctx: AppContext, p: Principal, photos: Photo[]): Promise<string[]> {
  const ids: string[] = [];
  for (const photo of photos) {
    try {
      const stored = await storeAttachment(ctx, p, photo.name, photo.data);
      if (stored.kind !== 'image')
        throw new Open311Error(400, [err(400, `media: ${photo.name} is not a photo (JPEG, PNG, WebP, GIF)`)]);
      ids.push(stored.id);
    } catch (e) {
      if (e instanceof AppError && e.statusCode < 500) {
        const code = e.statusCode === 429 ? 429 : 400;
        throw new Open311Error(code, [err(code, `media: ${e.message}`)]);
      }
      throw e;
    }
  }
  return ids;
}

/**
 * POST Service Request: checks everything and reports every error at once, then submits a problem in
 * channel `open311`, with the photos of a multipart POST as its attachments (the first is its
 * `media_url`). A `batch` service answers with a token that resolves to the id.
 */
export async function createRequest(
  ctx: AppContext,
  jid: string,
  principal: Principal | null,
  params: Params,
  photos: Photo[] = [],
): Promise<Document> {
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
  if (photos.length > MAX_PHOTOS)
    errors.push(err(400, `media: at most ${MAX_PHOTOS} photos a request, got ${photos.length}`));
  throwIfAny(errors);
  const cat = category!;
  const attachmentIds = await storePhotos(ctx, p, photos);

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
    attachmentIds: attachmentIds.length ? attachmentIds : undefined,
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
  if (attachmentIds.length)
    await open311Repository.insertPhotos(
      ctx.db,
      jid,
      problem.id,
      attachmentIds,
      ctx.clock.now().toISOString(),
    );
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
