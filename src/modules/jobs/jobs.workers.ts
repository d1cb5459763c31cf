/**
 * Workers (求职者): registered once, by phone code on /m/ (the resident's own account) or with the ID card
 * at a station through the ID-reader adapter; a registry person behind each, the ID number encrypted and
 * masked there. Occupations, skills, availability and radius are the worker's; priority groups (大龄,
 * 就业困难, 残疾, 脱贫) are kept only under his consent. Every read of a worker's record by anyone but
 * himself writes a row to the registry's access log; lists are masked and do not log.
 */
import type { Selectable } from 'kysely';
import { IdReadError } from '../../adapters/idreader/index.ts';
import type { JobsWorkerTable } from '../../db/schema.jobs.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { maskName, maskPhone } from '../../kernel/mask.ts';
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import type { ListAnswer } from '../../platform/lists.ts';
import { actorOf, appendLog, countApart } from '../flow/index.ts';
import {
  addConsent,
  consentCovers,
  createPerson,
  logAccess,
  personIdByIdNumber,
  personIdentity,
  personOfUser,
  type CreatePerson,
} from '../registry/index.ts';
import { accountById, accountByPhone } from '../users/index.ts';
import { MODULE, OFF_MAP, stationsOf } from './jobs.employers.ts';
import { occupationOf } from './jobs.occupations.ts';
import { isSupervisor, mayOversee, platformPrincipal } from './jobs.policy.ts';
import { jobsRepository as repo } from './jobs.repository.ts';
import type { RegisterAtStation, RegisterSelf, Worker } from './jobs.schema.ts';

export type WorkerRow = Selectable<JobsWorkerTable>;

/** The consent scope that covers a worker's priority groups. */
export const PRIORITY_SCOPE = 'priorityGroups';

/** How much of a worker a reader sees: himself, a reviewer (masked ids), or others (masked name too). */
export type WorkerView = 'self' | 'staff' | 'masked';

/** Maps a worker for a reader. */
export async function workerFromRow(
  ctx: AppContext,
  r: WorkerRow,
  view: WorkerView,
  supervisor = false,
): Promise<Worker> {
  const person = await personIdentity(ctx, ctx.db, r.jurisdiction_id, r.person_id);
  const ref = await ctx.reference.get(r.jurisdiction_id);
  const availability = JSON.parse(r.availability) as { days: number[]; kinds: string[] };
  return {
    id: r.id,
    personId: r.person_id,
    name: view === 'masked' ? maskName(person?.name ?? '') : (person?.name ?? ''),
    phone: view === 'self' ? (person?.phone ?? null) : (maskPhone(person?.phone ?? null) ?? null),
    idNumber: person?.idNumberMasked ?? null,
    villageCode: r.village_code,
    villageName: ref.divisions.get(r.village_code)?.name ?? null,
    occupations: (JSON.parse(r.occupations) as string[]).map((code) => ({
      code,
      name: occupationOf(code)?.name ?? code,
    })),
    skills: JSON.parse(r.skills) as string[],
    availability,
    radiusM: r.radius_m,
    minDailyFen: Number(r.min_daily_fen),
    hasSmartphone: r.has_smartphone === 1,
    priorityGroups: view === 'self' || supervisor ? (JSON.parse(r.priority_groups) as string[]) : null,
    registeredVia: r.registered_via,
    stationId: r.station_id,
    registeredAt: r.created_at,
  };
}

type Profile = RegisterSelf | RegisterAtStation;

/** Refuses priority groups that no consent covers (and 残疾, health data, without a separate consent). */
async function requirePriorityConsent(ctx: AppContext, jid: string, personId: string | null, input: Profile) {
  if (input.priorityGroups.length === 0) return;
  if (input.consent) {
    if (input.priorityGroups.includes('残疾') && input.consent.lawfulBasis !== 'separate_consent')
      throw new AppError(
        422,
        'consent_required',
        '残疾信息属敏感个人信息，需单独同意 / disability needs a separate consent',
        {
          fields: [PRIORITY_SCOPE],
        },
      );
    return;
  }
  const covered =
    personId !== null &&
    (await consentCovers(ctx.db, jid, personId, PRIORITY_SCOPE, ctx.clock.now().toISOString()));
  if (!covered)
    throw new AppError(
      422,
      'consent_required',
      '登记重点群体需本人同意 / priority groups need the worker’s consent',
      { fields: [PRIORITY_SCOPE] },
    );
}

/** Writes the worker row (and the consent given with it) for a registry person. */
async function insertWorker(
  ctx: AppContext,
  p: Principal,
  personId: string,
  userId: string | null,
  input: Profile,
  via: 'phone' | 'station',
  stationId: string | null,
): Promise<string> {
  const jid = p.jurisdictionId;
  const now = ctx.clock.now().toISOString();
  if (input.consent)
    await addConsent(ctx, platformPrincipal(jid, p), personId, {
      purpose: '荷塘大就业：就业援助重点群体认定与优先推荐',
      lawfulBasis: input.consent.lawfulBasis,
      scope: [PRIORITY_SCOPE] as unknown as ['name'],
      grantedBy: input.consent.grantedBy,
      expiresAt: input.consent.expiresAt,
    });
  const row: JobsWorkerTable = {
    jurisdiction_id: jid,
    id: uuidv7(),
    person_id: personId,
    user_id: userId,
    has_smartphone: input.hasSmartphone ? 1 : 0,
    occupations: JSON.stringify(input.occupations),
    skills: JSON.stringify(input.skills),
    availability: JSON.stringify(input.availability),
    radius_m: input.radiusM,
    min_daily_fen: input.minDailyFen,
    village_code: input.villageCode,
    lat: input.lat ?? null,
    lng: input.lng ?? null,
    priority_groups: JSON.stringify(input.priorityGroups),
    registered_via: via,
    station_id: stationId,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  await ctx.database.write(async (trx) => {
    if (await repo.workerByPerson(trx, jid, personId)) throw conflict('已登记为求职者 / registered already');
    await repo.insertWorker(trx, row);
    await appendLog(ctx.clock, trx, jid, {
      module: MODULE,
      refId: row.id,
      action: 'register_worker',
      from: null,
      to: null,
      actor: actorOf(p),
      data: { via, stationId },
    });
    await countApart(trx, jid, OFF_MAP);
    if (stationId)
      await repo.insertVisit(trx, {
        jurisdiction_id: jid,
        id: uuidv7(),
        place_id: stationId,
        worker_id: row.id,
        purpose: '求职登记',
        recorded_by: p.userId,
        created_at: now,
      });
  });
  return row.id;
}

/** A resident signed in (by phone code) registers himself as a worker. */
export async function registerSelf(ctx: AppContext, p: Principal, input: RegisterSelf): Promise<Worker> {
  const jid = p.jurisdictionId;
  if (!p.userId) throw forbidden('需要登录账号 / a signed-in user is needed');
  if ((input.lat === undefined) !== (input.lng === undefined))
    throw badRequest('lat 与 lng 需同时给出 / lat and lng go together');
  if (await repo.workerByUser(ctx.db, jid, p.userId)) throw conflict('已登记为求职者 / registered already');
  // The resident may be in the registry already (an elder's son, a canteen diner): the same person.
  const known = (await personOfUser(ctx.db, jid, p.userId))?.id ?? null;
  await requirePriorityConsent(ctx, jid, known, input);
  const user = await accountById(ctx.db, jid, p.userId);
  const personId =
    known ??
    (
      await createPerson(ctx, platformPrincipal(jid, p), {
        name: input.name,
        phone: user?.phone ?? undefined,
        villageCode: input.villageCode,
        userId: p.userId,
      } as CreatePerson)
    ).id;
  const id = await insertWorker(ctx, p, personId, p.userId, input, 'phone', null);
  return workerFromRow(ctx, (await repo.worker(ctx.db, jid, id))!, 'self');
}

/** Station staff register a worker from the ID card on the station's reader. */
export async function registerAtStation(
  ctx: AppContext,
  p: Principal,
  input: RegisterAtStation,
): Promise<Worker> {
  const jid = p.jurisdictionId;
  const stations = await stationsOf(ctx, p);
  if (!stations.includes(input.stationId) && !isSupervisor(p))
    throw forbidden('仅本驿站工作人员可登记 / staff of this station only');
  if (!(await repo.stations(ctx.db, jid)).some((s) => s.place_id === input.stationId))
    throw notFound('零工驿站 / station');
  const today = new Date(ctx.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  let card;
  try {
    card = await ctx.idReader.read(input.stationId, today);
  } catch (err) {
    if (!(err instanceof IdReadError)) throw err;
    // A timeout is the device's, worth retrying; the others are the card's.
    throw err.reason === 'timeout'
      ? new AppError(503, 'idreader_timeout', err.message, { reason: err.reason })
      : new AppError(422, `idcard_${err.reason}`, err.message, { reason: err.reason });
  }
  const existing = await personIdByIdNumber(ctx, ctx.db, jid, card.idNumber);
  await requirePriorityConsent(ctx, jid, existing, input);
  const personId =
    existing ??
    (
      await createPerson(ctx, platformPrincipal(jid, p), {
        name: card.name,
        idNumber: card.idNumber,
        phone: input.phone,
        villageCode: input.villageCode,
        address: card.address,
      } as CreatePerson)
    ).id;
  const userId = input.phone ? ((await accountByPhone(ctx.db, jid, input.phone))?.id ?? null) : null;
  const id = await insertWorker(ctx, p, personId, userId, input, 'station', input.stationId);
  const row = (await repo.worker(ctx.db, jid, id))!;
  await logAccess(ctx, ctx.db, p, personId, `零工驿站求职登记 ${id}`, ['name', 'idNumber', 'address']);
  return workerFromRow(ctx, row, 'staff', isSupervisor(p));
}

/** The worker record of the signed-in user. */
export async function myWorker(ctx: AppContext, p: Principal): Promise<Worker> {
  const row = p.userId ? await repo.workerByUser(ctx.db, p.jurisdictionId, p.userId) : undefined;
  if (!row) throw notFound('求职登记 / worker registration');
  return workerFromRow(ctx, row, 'self');
}

/** One worker for staff (or himself); every read by someone else is written to the access log. */
export async function getWorker(ctx: AppContext, p: Principal, id: string): Promise<Worker> {
  const jid = p.jurisdictionId;
  const row = await repo.worker(ctx.db, jid, id);
  if (!row) throw notFound('求职者 / worker');
  if (p.userId && row.user_id === p.userId) return workerFromRow(ctx, row, 'self');
  if (!mayOversee(p, await stationsOf(ctx, p))) throw notFound('求职者 / worker');
  await logAccess(ctx, ctx.db, p, row.person_id, `荷塘大就业求职者 ${id}`, ['name', 'villageCode', 'skills']);
  return workerFromRow(ctx, row, 'staff', isSupervisor(p));
}

/** Workers for staff: masked, newest first, not logged (no record is shown in full). */
export async function listWorkers(
  ctx: AppContext,
  p: Principal,
  q: { limit: number; cursor?: string },
): Promise<ListAnswer<Worker>> {
  // Staff and leaders see every worker; anyone else's scope holds none (a worker reads his own at /me).
  if (!mayOversee(p, await stationsOf(ctx, p))) return { items: [], total: 0, nextCursor: null };
  const [rows, count] = await repo.workers(ctx.db, p.jurisdictionId, q.limit, q.cursor ?? null);
  const page = rows.slice(0, q.limit);
  const items: Worker[] = [];
  for (const r of page) items.push(await workerFromRow(ctx, r, 'masked'));
  return { items, total: Number(count.n), nextCursor: rows.length > q.limit ? page.at(-1)!.id : null };
}

/** Records a visit to a station (walk-in, advice, registration), for the station-visit KPI. */
export async function recordVisit(
  ctx: AppContext,
  p: Principal,
  stationId: string,
  input: { workerId?: string; purpose: string },
): Promise<{ id: string }> {
  const jid = p.jurisdictionId;
  if (!(await stationsOf(ctx, p)).includes(stationId) && !isSupervisor(p))
    throw forbidden('仅本驿站工作人员可登记来访 / staff of this station only');
  if (input.workerId && !(await repo.worker(ctx.db, jid, input.workerId))) throw notFound('求职者 / worker');
  const id = uuidv7();
  await ctx.database.write((trx) =>
    repo.insertVisit(trx, {
      jurisdiction_id: jid,
      id,
      place_id: stationId,
      worker_id: input.workerId ?? null,
      purpose: input.purpose,
      recorded_by: p.userId,
      created_at: ctx.clock.now().toISOString(),
    }),
  );
  return { id };
}
