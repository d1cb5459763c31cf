/**
 * Open311 GET Service Requests and GET Service Request: problems as requests, `status_notes` from the public
 * action log; a listing is kept per data version in the context's cache.
 */
import fs from 'node:fs';
import { redactText } from '../kernel/redact.ts';
import type { Principal } from '../kernel/roles.ts';
import type { AppContext } from '../platform/context.ts';
import {
  PUBLISHED_STATUSES,
  TRANSITIONS,
  dataVersion,
  firstCreatedAt,
  problemsByNumberOrId,
  requestPage,
  type ActionName,
  type ProblemFilters,
  type RequestColumns,
} from '../modules/problems/index.ts';
import { readAttachment } from '../modules/attachments/index.ts';
import type { ReferenceData } from '../modules/reference/index.ts';
import { Rendered, w3c, type Document, type Node } from './open311.format.ts';
import { open311Repository } from './open311.repository.ts';
import {
  DAY_MS,
  DESCRIPTION_LIMIT,
  MAX_REQUESTS,
  MAX_SPAN_DAYS,
  Open311Error,
  type Open311ErrorItem,
  type Params,
  authenticate,
  dateParam,
  endpointOf,
  err,
  list,
  open311IdOf,
  prefixOf,
  open311Status,
  paging,
  throwIfAny,
  window,
  publicFilterContext,
} from './open311.calls.ts';
import { serviceNotice } from './open311.services.ts';

/** A request's `status_notes`: the note of its latest public change, or what that change was. */
export function statusNotes(a: { action: string; note: string | null } | undefined): string | null {
  if (!a) return null;
  if (a.note && a.note.trim()) return a.note.trim();
  if (a.action === 'submit') return null;
  return TRANSITIONS[a.action as ActionName]?.label ?? null;
}

/** The `media_url` of a request: the URL its client sent, or where its first posted photo is served. */
function mediaUrlOf(
  ctx: AppContext,
  jurisdictionId: string,
  media: { url: string } | { attachmentId: string } | undefined,
): string | null {
  if (!media) return null;
  if ('url' in media) return media.url;
  return photoUrl(ctx, jurisdictionId, media.attachmentId);
}

/** Where a photo posted with a request is served: under the endpoint of its jurisdiction, by its id. */
export function photoUrl(ctx: AppContext, jurisdictionId: string, attachmentId: string): string {
  const j = ctx.jurisdictions.find((x) => x.id === jurisdictionId);
  const query = j ? `?jurisdiction_id=${encodeURIComponent(open311IdOf(j))}` : '';
  return `${ctx.config.publicUrl}${prefixOf(endpointOf(ctx, jurisdictionId))}/media/${attachmentId}${query}`;
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
    open311Repository.media(ctx.db, jurisdictionId, ids),
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
      media_url: mediaUrlOf(ctx, jurisdictionId, media.get(row.id)),
    };
  });
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

/**
 * A photo posted with a request (GET media/:id), as a stored file and its type: served to anyone while
 * its request is published, and to a key of the jurisdiction before that (as the request itself is).
 * Only photos an Open311 client posted as the request's media are served here.
 */
export async function getMedia(
  ctx: AppContext,
  jurisdictionId: string,
  principal: Principal | null,
  params: Params,
  attachmentId: string,
): Promise<{ absPath: string; mime: string }> {
  const missing = () => new Open311Error(404, [err(404, `media '${attachmentId}' was not found`)]);
  if (!/^[0-9a-f-]{36}$/.test(attachmentId)) throw missing();
  const photo = await open311Repository.photoProblem(ctx.db, jurisdictionId, attachmentId);
  if (!photo) throw missing();
  const rows = await problemsByNumberOrId(
    ctx.db,
    publicFilterContext(ctx, jurisdictionId, await byIdFilters(ctx, jurisdictionId, principal, params)),
    [photo.problem_id],
  );
  const found = rows.length ? await readAttachment(ctx, jurisdictionId, attachmentId) : null;
  if (!found || found.row.kind !== 'image' || !fs.existsSync(found.absPath)) throw missing();
  return { absPath: found.absPath, mime: found.row.mime };
}
