/**
 * The service directory (DESIGN §3): providers with their licence, service area and workers; places
 * (canteens, stations, halls) with opening hours and capacity; exported as Open Referral HSDS 3.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { PlaceTable, ProviderTable, ProviderWorkerTable } from '../../db/schema.services.ts';
import { boundingBox, haversineMeters } from '../../kernel/geo.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { Answer } from '../../kernel/versionedCache.ts';
import { validateUscc } from '../../kernel/identifiers.ts';
import { hasRole, type Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, forbidden, notFound } from '../../platform/errors.ts';
import { actorOf, appendLog, lastLogSeq } from '../flow/index.ts';
import type { ReferenceData } from '../reference/index.ts';
import { openingState, ruleProblems, type OpeningRule } from './directory.hours.ts';
import { directoryRepository as repo } from './directory.repository.ts';
import {
  PlacesAnswer,
  type ListPlacesQuery,
  type Place,
  type PlaceInput,
  type Provider,
  type ProviderInput,
  type Worker,
  type WorkerInput,
} from './directory.schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The directory's action log: every provider, worker and place written appends to it (its version). */
export const MODULE = 'directory';

/** Only jurisdiction staff keep the directory. */
function requireKeeper(p: Principal): void {
  if (!hasRole(p, 'admin', 'supervisor'))
    throw forbidden('仅管理员或督查人员可维护服务目录 / admins and supervisors only');
}

/** Maps a provider row. */
export function providerFromRow(r: Selectable<ProviderTable>): Provider {
  return {
    id: r.id,
    name: r.name,
    uscc: r.uscc,
    licenceNo: r.licence_no,
    licenceExpiresOn: r.licence_expires_on,
    phone: r.phone,
    serviceArea: JSON.parse(r.service_area) as string[],
    services: JSON.parse(r.services) as string[],
    active: r.active === 1,
  };
}

/** Maps a worker row. */
export function workerFromRow(r: Selectable<ProviderWorkerTable>): Worker {
  return {
    id: r.id,
    providerId: r.provider_id,
    name: r.name,
    phone: r.phone,
    userId: r.user_id,
    qualifications: JSON.parse(r.qualifications) as Worker['qualifications'],
    active: r.active === 1,
  };
}

/** Maps a place row with its opening state at `now`. */
export function placeFromRow(r: Selectable<PlaceTable>, ref: ReferenceData, now: Date): Place {
  const hours = JSON.parse(r.hours) as OpeningRule[];
  const state = openingState(hours, now, ref.calendar);
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    providerId: r.provider_id,
    villageCode: r.village_code,
    villageName: ref.divisions.get(r.village_code)?.name ?? null,
    address: r.address,
    lat: r.lat,
    lng: r.lng,
    phone: r.phone,
    capacity: r.capacity,
    hours,
    description: r.description,
    openNow: state.openNow,
    closesAt: state.closesAt,
    nextOpening: state.nextOpening,
  };
}

/** Whether a provider's service area covers a village (the area lists villages or whole townships). */
export function servesVillage(area: readonly string[], villageCode: string): boolean {
  return area.some((code) => villageCode.startsWith(code));
}

/** Registers a provider; the USCC must be valid with its check character. */
export async function createProvider(ctx: AppContext, p: Principal, input: ProviderInput): Promise<Provider> {
  requireKeeper(p);
  const uscc = validateUscc(input.uscc);
  if (!uscc.valid || !uscc.checksumOk)
    throw badRequest(`统一社会信用代码无效：${uscc.message ?? ''} / invalid USCC`, [
      { path: 'uscc', message: uscc.message ?? 'invalid' },
    ]);
  const ref = await ctx.reference.get(p.jurisdictionId);
  const unknown = input.serviceArea.filter((c) => !ref.divisions.get(c));
  if (unknown.length)
    throw badRequest(`未知的区划代码 ${unknown.join(', ')} / unknown division`, [
      { path: 'serviceArea', message: 'unknown code' },
    ]);
  const row: ProviderTable = {
    jurisdiction_id: p.jurisdictionId,
    id: uuidv7(),
    name: input.name,
    uscc: uscc.normalized,
    licence_no: input.licenceNo ?? null,
    licence_expires_on: input.licenceExpiresOn ?? null,
    phone: input.phone ?? null,
    service_area: JSON.stringify(input.serviceArea),
    services: JSON.stringify(input.services),
    active: 1,
    created_at: ctx.clock.now().toISOString(),
  };
  await ctx.database.write(async (trx) => {
    await repo.insertProvider(trx, row);
    await appendLog(ctx.clock, trx, p.jurisdictionId, {
      module: MODULE,
      refId: row.id,
      action: 'add_provider',
      from: null,
      to: null,
      actor: actorOf(p),
      data: { name: row.name, uscc: row.uscc },
    });
  });
  return providerFromRow(row);
}

/** Adds a worker to a provider. */
export async function addWorker(
  ctx: AppContext,
  p: Principal,
  providerId: string,
  input: WorkerInput,
): Promise<Worker> {
  requireKeeper(p);
  if (!(await repo.provider(ctx.db, p.jurisdictionId, providerId))) throw notFound('服务机构 / provider');
  const row: ProviderWorkerTable = {
    jurisdiction_id: p.jurisdictionId,
    id: uuidv7(),
    provider_id: providerId,
    name: input.name,
    phone: input.phone ?? null,
    user_id: input.userId ?? null,
    qualifications: JSON.stringify(input.qualifications),
    active: 1,
    created_at: ctx.clock.now().toISOString(),
  };
  await ctx.database.write(async (trx) => {
    await repo.insertWorker(trx, row);
    await appendLog(ctx.clock, trx, p.jurisdictionId, {
      module: MODULE,
      refId: row.id,
      action: 'add_worker',
      from: null,
      to: null,
      actor: actorOf(p),
      data: { providerId, userId: row.user_id },
    });
  });
  return workerFromRow(row);
}

/** Registers a place; every opening rule is checked (RRULE, times, calendar mode). */
export async function createPlace(ctx: AppContext, p: Principal, input: PlaceInput): Promise<Place> {
  requireKeeper(p);
  const ref = await ctx.reference.get(p.jurisdictionId);
  const problems = input.hours.flatMap((h, i) =>
    ruleProblems(h).map((message) => ({ path: `hours.${i}`, message })),
  );
  if (!ref.divisions.get(input.villageCode))
    problems.push({ path: 'villageCode', message: 'unknown division code' });
  if ((input.lat === undefined) !== (input.lng === undefined))
    problems.push({ path: 'lat', message: 'lat and lng go together' });
  if (input.providerId && !(await repo.provider(ctx.db, p.jurisdictionId, input.providerId)))
    problems.push({ path: 'providerId', message: 'unknown provider' });
  if (problems.length) throw badRequest(problems.map((x) => `${x.path}: ${x.message}`).join('; '), problems);
  const row: PlaceTable = {
    jurisdiction_id: p.jurisdictionId,
    id: uuidv7(),
    kind: input.kind,
    name: input.name,
    provider_id: input.providerId ?? null,
    village_code: input.villageCode,
    address: input.address ?? null,
    lat: input.lat ?? null,
    lng: input.lng ?? null,
    phone: input.phone ?? null,
    capacity: input.capacity ?? null,
    hours: JSON.stringify(input.hours),
    description: input.description ?? null,
    created_at: ctx.clock.now().toISOString(),
  };
  await ctx.database.write(async (trx) => {
    await repo.insertPlace(trx, row);
    await appendLog(ctx.clock, trx, p.jurisdictionId, {
      module: MODULE,
      refId: row.id,
      action: 'add_place',
      from: null,
      to: null,
      actor: actorOf(p),
      data: { kind: row.kind, name: row.name, villageCode: row.village_code },
    });
  });
  return placeFromRow(row, ref, ctx.clock.now());
}

/** Every provider. */
export async function listProviders(ctx: AppContext, jid: string): Promise<Provider[]> {
  return (await repo.providers(ctx.db, jid)).map(providerFromRow);
}

/** A provider's workers. */
export async function listWorkers(ctx: AppContext, jid: string, providerId: string): Promise<Worker[]> {
  return (await repo.workers(ctx.db, jid, providerId)).map(workerFromRow);
}

/**
 * Places of a kind; with a position, those within `radius` nearest first, each with its distance. Read
 * from the rows every time (the kept answers are `placesAnswer`); `now` decides the opening states.
 */
export async function listPlaces(
  ctx: AppContext,
  jid: string,
  q: ListPlacesQuery,
  now: Date = ctx.clock.now(),
): Promise<Place[]> {
  const ref = await ctx.reference.get(jid);
  const near = q.lat !== undefined && q.lng !== undefined ? { lat: q.lat, lng: q.lng } : null;
  const rows = await repo.places(
    ctx.db,
    ctx.dialect,
    jid,
    q.kind,
    near ? boundingBox(near.lat, near.lng, q.radius) : undefined,
  );
  if (!near) return rows.slice(0, q.limit).map((r) => placeFromRow(r, ref, now));
  // Nearest first, and the opening hours worked out only for the places answered.
  return rows
    .map((r) => ({ r, distanceM: Math.round(haversineMeters(near.lat, near.lng, r.lat!, r.lng!)) }))
    .filter((x) => x.distanceM <= q.radius)
    .sort((a, b) => a.distanceM - b.distanceM || a.r.id.localeCompare(b.r.id))
    .slice(0, q.limit)
    .map((x) => ({ ...placeFromRow(x.r, ref, now), distanceM: x.distanceM }));
}

const DAY_MS = 86_400_000;
const LOCAL_OFFSET_MS = 8 * 3_600_000;

/**
 * When an answer of these places stops being what computing it again would give: the first opening or
 * closing among them, and at the latest the next local midnight (the next opening is looked for within a
 * window of days that moves then).
 */
export function placesChangeAt(places: readonly Place[], now: Date): string {
  const midnight = (Math.floor((now.getTime() + LOCAL_OFFSET_MS) / DAY_MS) + 1) * DAY_MS - LOCAL_OFFSET_MS;
  let until = new Date(midnight).toISOString();
  for (const pl of places)
    for (const at of [pl.closesAt, pl.nextOpening]) if (at !== null && at < until) until = at;
  return until;
}

/** The directory log's last entry, read once for the requests of one turn of the event loop. */
function directoryVersion(ctx: AppContext, jid: string): Promise<number> {
  return ctx.cache.thisTurn(`directory.version|${jid}`, () => lastLogSeq(ctx.db, jid, MODULE));
}

/**
 * The places answer (`{ items }`) as bytes kept per version of the directory log and load of the reference
 * data (names, the working-day calendar), until the first of its places opens or closes (ADR 0005): "near
 * me" asks the same few points again and again, and working out opening hours is most of its cost.
 */
export async function placesAnswer(ctx: AppContext, jid: string, q: ListPlacesQuery): Promise<Answer> {
  const now = ctx.clock.now();
  const [version, ref] = await Promise.all([directoryVersion(ctx, jid), ctx.reference.get(jid)]);
  const key = JSON.stringify([jid, q.kind, q.lat, q.lng, q.radius, q.limit, ref.serial]);
  const cache = ctx.cache.values<{ answer: Answer; until: string }>('directory.places', 500);
  const compute = async () => {
    const items = await listPlaces(ctx, jid, q, now);
    return {
      answer: new Answer(JSON.stringify(PlacesAnswer.parse({ items }))),
      until: placesChangeAt(items, now),
    };
  };
  const kept = await cache.getOrCompute(key, version, compute);
  if (now.toISOString() < kept.until) return kept.answer;
  const fresh = await compute();
  cache.set(key, version, fresh);
  return fresh.answer;
}

/** One place. */
export async function getPlace(ctx: AppContext, jid: string, id: string): Promise<Place> {
  const row = await repo.place(ctx.db, jid, id);
  if (!row) throw notFound('服务场所 / place');
  return placeFromRow(row, await ctx.reference.get(jid), ctx.clock.now());
}

/** The active providers offering a service kind in a village, in a stable order (the dispatch order). */
export async function eligibleProviders(
  db: Db,
  jid: string,
  kind: string,
  villageCode: string,
): Promise<Provider[]> {
  return (await repo.providers(db, jid))
    .map(providerFromRow)
    .filter((pr) => pr.active && pr.services.includes(kind) && servesVillage(pr.serviceArea, villageCode));
}

/** The active worker record of a user, if the user works for a provider. */
export async function workerOfUser(db: Db, jid: string, userId: string): Promise<Worker | null> {
  const r = await repo.workerByUser(db, jid, userId);
  return r ? workerFromRow(r) : null;
}

/** A worker by id. */
export async function workerById(db: Db, jid: string, id: string): Promise<Worker | null> {
  const r = await repo.worker(db, jid, id);
  return r ? workerFromRow(r) : null;
}

/** A provider by id. */
export async function providerById(db: Db, jid: string, id: string): Promise<Provider | null> {
  const r = await repo.provider(db, jid, id);
  return r ? providerFromRow(r) : null;
}
