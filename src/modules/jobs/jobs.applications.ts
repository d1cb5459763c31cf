/**
 * Applications (报名 / 邀约) and matching. A worker applies or an employer or station invites a worker;
 * both sides see the same explained score. The wage is settled when both sides have confirmed the same
 * hours and amount and the worker confirms it paid; one not confirmed paid by its deadline becomes a
 * problem for 区人社局 through the bridge (jobs.sweep.ts). A first placement counts once toward 新增就业.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { JobsApplicationTable } from '../../db/schema.jobs.ts';
import { boundingBox } from '../../kernel/geo.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import type { ListAnswer } from '../../platform/lists.ts';
import { recordIndicator } from '../bridges/index.ts';
import { actorOf, appendLog, countApart, logOf, type Actor } from '../flow/index.ts';
import { logAccess } from '../registry/index.ts';
import { MODULE, OFF_MAP, stationsOf } from './jobs.employers.ts';
import {
  APPLICATION_STATUS_LABELS,
  applicationLifecycle,
  HOLDS_PLACE,
  type ApplicationAction,
  type ApplicationRelation,
  type ApplicationStatus,
} from './jobs.lifecycle.ts';
import { byScore, scoreMatch, type MatchPosting, type MatchWorker, type ScorePart } from './jobs.match.ts';
import { applicationRelations, isReviewer, postingRelations } from './jobs.policy.ts';
import {
  expireIfLapsed,
  fillIfFull,
  isApplicable,
  postingFromRow,
  type PostingRow,
} from './jobs.postings.ts';
import { jobsRepository as repo } from './jobs.repository.ts';
import { ApplicationActionBodies, type Application, type ListApplicationsQuery } from './jobs.schema.ts';
import { PAY_DUE_DAYS, type JobKind, type WageUnit } from './jobs.wages.ts';
import { workerFromRow, type WorkerRow } from './jobs.workers.ts';

type Db = Kysely<DB> | Transaction<DB>;
type Row = Selectable<JobsApplicationTable>;

/** How many matches a list gives. */
const MATCH_LIMIT = 20;

/** A worker row as matching sees it. */
export function matchWorkerOf(w: WorkerRow): MatchWorker {
  const a = JSON.parse(w.availability) as { days: number[]; kinds: JobKind[] };
  return {
    occupations: JSON.parse(w.occupations) as string[],
    days: a.days,
    kinds: a.kinds,
    radiusM: w.radius_m,
    minDailyFen: Number(w.min_daily_fen),
    lat: w.lat,
    lng: w.lng,
  };
}

/** A posting row as matching sees it; the work starts on the later of its start and `now` (local weekday). */
export function matchPostingOf(r: PostingRow, now: string): MatchPosting {
  const start = r.valid_from > now ? r.valid_from : now;
  const day = new Date(Date.parse(start) + 8 * 3_600_000).getUTCDay();
  return {
    kind: r.kind as JobKind,
    wageFen: Number(r.wage_fen),
    unit: r.wage_unit as WageUnit,
    piecesPerHour: r.pieces_per_hour,
    occupationCode: r.occupation_code,
    lat: r.lat,
    lng: r.lng,
    startDay: day === 0 ? 7 : day,
  };
}

/** Open postings for a worker (his own, or any for staff), best first, each with the score's reasons. */
export async function matchesForWorker(ctx: AppContext, p: Principal, workerId?: string) {
  const jid = p.jurisdictionId;
  const stations = await stationsOf(ctx, p);
  const w = workerId
    ? await repo.worker(ctx.db, jid, workerId)
    : p.userId
      ? await repo.workerByUser(ctx.db, jid, p.userId)
      : undefined;
  if (!w) throw notFound('求职登记 / worker registration');
  const self = !!p.userId && w.user_id === p.userId;
  if (!self && !isReviewer(p, stations)) throw notFound('求职者 / worker');
  const now = ctx.clock.now().toISOString();
  const mw = matchWorkerOf(w);
  const ids =
    w.lat !== null && w.lng !== null
      ? (await repo.openInBox(ctx.db, jid, boundingBox(w.lat, w.lng, w.radius_m), now)).map((c) => c.id)
      : (await repo.postings(ctx.db, jid, { statuses: ['open'] }, 500, null))[0].map((r) => r.id);
  const rows = (await repo.postingsByIds(ctx.db, jid, ids)).filter((r) => isApplicable(r, now));
  const scored = rows
    .map((r) => ({ r, id: r.id, ...scoreMatch(mw, matchPostingOf(r, now)) }))
    .filter((m) => m.distanceM === null || m.distanceM <= w.radius_m)
    .sort(byScore)
    .slice(0, MATCH_LIMIT);
  const employers = new Map(
    (await repo.employersByIds(ctx.db, jid, [...new Set(scored.map((m) => m.r.employer_id))])).map((e) => [
      e.id,
      e,
    ]),
  );
  const ref = await ctx.reference.get(jid);
  const items = [];
  for (const m of scored) {
    const e = employers.get(m.r.employer_id);
    items.push({
      score: m.score,
      distanceM: m.distanceM,
      explanation: m.parts,
      posting: await postingFromRow(
        ctx,
        ctx.db,
        m.r,
        e,
        ref,
        postingRelations(p, e?.owner_user_id ?? null, stations),
        {
          ...(m.distanceM !== null && { distanceM: m.distanceM }),
        },
      ),
    });
  }
  return { items, total: items.length, nextCursor: null };
}

/** Workers for a posting (its employer or reviewers), best first, masked. */
export async function matchesForPosting(ctx: AppContext, p: Principal, postingId: string) {
  const jid = p.jurisdictionId;
  const r = await repo.posting(ctx.db, jid, postingId);
  if (!r) throw notFound('岗位 / posting');
  const e = await repo.employer(ctx.db, jid, r.employer_id);
  if (postingRelations(p, e?.owner_user_id ?? null, await stationsOf(ctx, p)).size === 0)
    throw forbidden('仅用工单位或工作人员可查看 / the employer or staff only');
  const now = ctx.clock.now().toISOString();
  const mp = matchPostingOf(r, now);
  const scored = (await repo.allWorkers(ctx.db, jid))
    .map((w) => ({ w, id: w.id, ...scoreMatch(matchWorkerOf(w), mp) }))
    .filter((m) => m.score > 0 && (m.distanceM === null || m.distanceM <= m.w.radius_m))
    .sort(byScore)
    .slice(0, MATCH_LIMIT);
  const items = [];
  for (const m of scored)
    items.push({
      score: m.score,
      distanceM: m.distanceM,
      explanation: m.parts,
      worker: await workerFromRow(ctx, m.w, 'masked'),
    });
  return { items, total: items.length, nextCursor: null };
}

interface Loaded {
  row: Row;
  posting: PostingRow;
  worker: WorkerRow;
  employerName: string;
  rel: Set<ApplicationRelation>;
}

/** An application with what its rules need, and the reader's relations (404 when he has none). */
async function load(
  ctx: AppContext,
  db: Db,
  p: Principal,
  id: string,
  stations?: readonly string[],
): Promise<Loaded> {
  const jid = p.jurisdictionId;
  const row = await repo.application(db, jid, id);
  if (!row) throw notFound('报名 / application');
  const posting = (await repo.posting(db, jid, row.posting_id))!;
  const worker = (await repo.worker(db, jid, row.worker_id))!;
  const employer = await repo.employer(db, jid, posting.employer_id);
  const rel = applicationRelations(
    p,
    { workerUserId: worker.user_id, employerOwner: employer?.owner_user_id ?? null },
    // Inside a write the caller passes them: a read through ctx.db would wait for the writer's connection.
    stations ?? (await stationsOf(ctx, p)),
  );
  if (rel.size === 0) throw notFound('报名 / application');
  return { row, posting, worker, employerName: employer?.name ?? '', rel };
}

const num = (v: number | string | null) => (v === null ? null : Number(v));

/** Whether both sides confirmed the same hours and amount. */
function wageAgreed(r: Row): boolean {
  return (
    r.worker_hours !== null &&
    r.employer_hours !== null &&
    Number(r.worker_hours) === Number(r.employer_hours) &&
    num(r.worker_amount_fen) === num(r.employer_amount_fen)
  );
}

/** Maps an application; the worker's name and phone in clear to himself, and to the employer once hired. */
async function applicationFromRow(
  ctx: AppContext,
  p: Principal,
  l: Loaded,
  withLog: boolean,
): Promise<Application> {
  const { row } = l;
  const hired = (HOLDS_PLACE as readonly string[]).includes(row.status);
  const view = l.rel.has('worker')
    ? 'self'
    : l.rel.has('staff') || (l.rel.has('employer') && hired)
      ? 'staff'
      : 'masked';
  const worker = await workerFromRow(ctx, l.worker, view);
  if (view === 'staff' && withLog)
    await logAccess(ctx, ctx.db, p, l.worker.person_id, `荷塘大就业报名 ${row.id}`, ['name', 'phone']);
  const status = row.status as ApplicationStatus;
  return {
    id: row.id,
    postingId: row.posting_id,
    postingTitle: l.posting.title,
    employerName: l.employerName,
    workerId: row.worker_id,
    workerName: worker.name,
    workerPhone: worker.phone,
    status,
    statusLabel: APPLICATION_STATUS_LABELS[status],
    proposedBy: row.proposed_by,
    score: row.score,
    explanation: JSON.parse(row.explanation) as ScorePart[],
    workerHours: num(row.worker_hours),
    workerAmountFen: num(row.worker_amount_fen),
    employerHours: num(row.employer_hours),
    employerAmountFen: num(row.employer_amount_fen),
    wageAgreed: wageAgreed(row),
    payDueAt: row.pay_due_at,
    paidAt: row.paid_at,
    problemId: row.problem_id,
    allowedActions: applicationLifecycle.actions.filter(
      (a) => applicationLifecycle.decide(a, status, effectiveRelations(a, row, l.rel)).ok,
    ),
    ...(withLog && {
      actions: (await logOf(ctx.db, row.jurisdiction_id, MODULE, row.id)).map((e) => ({
        seq: e.seq,
        action: e.action,
        fromStatus: e.fromStatus,
        toStatus: e.toStatus,
        actorName: e.actorName,
        at: e.at,
        data: e.data,
      })),
    }),
  };
}

/** The relations that count for an action: the side that proposed does not accept its own proposal. */
function effectiveRelations(
  action: ApplicationAction,
  row: Row,
  rel: Set<ApplicationRelation>,
): Set<ApplicationRelation> {
  if (action !== 'accept') return rel;
  const out = new Set(rel);
  out.delete(row.proposed_by === 'worker' ? 'worker' : 'employer');
  return out;
}

/** A worker applies, or an employer or station staff invite a worker (`workerId`). */
export async function propose(
  ctx: AppContext,
  p: Principal,
  input: { postingId: string; workerId?: string },
): Promise<Application> {
  const jid = p.jurisdictionId;
  const stations = await stationsOf(ctx, p);
  const posting = await repo.posting(ctx.db, jid, input.postingId);
  if (!posting || posting.opened_at === null) throw notFound('岗位 / posting');
  const employer = await repo.employer(ctx.db, jid, posting.employer_id);
  let worker: WorkerRow | undefined;
  let by: 'worker' | 'employer' | 'station';
  if (input.workerId) {
    const rel = postingRelations(p, employer?.owner_user_id ?? null, stations);
    if (rel.size === 0) throw forbidden('仅用工单位或工作人员可邀约 / the employer or staff only');
    worker = await repo.worker(ctx.db, jid, input.workerId);
    by = rel.has('employer') ? 'employer' : 'station';
  } else {
    worker = p.userId ? await repo.workerByUser(ctx.db, jid, p.userId) : undefined;
    if (!worker) throw conflict('请先完成求职登记 / register as a worker first');
    by = 'worker';
  }
  if (!worker) throw notFound('求职者 / worker');
  if (await expireIfLapsed(ctx, posting)) throw conflict('岗位已过期，不能报名 / the posting has expired');
  const now = ctx.clock.now().toISOString();
  if (posting.status === 'expired') throw conflict('岗位已过期，不能报名 / the posting has expired');
  if (!isApplicable(posting, now)) throw conflict('岗位不在招聘中，不能报名 / the posting is not open');
  const score = scoreMatch(matchWorkerOf(worker), matchPostingOf(posting, now));
  const row: JobsApplicationTable = {
    jurisdiction_id: jid,
    id: uuidv7(),
    posting_id: posting.id,
    worker_id: worker.id,
    status: 'proposed',
    proposed_by: by,
    score: score.score,
    explanation: JSON.stringify(score.parts),
    worker_hours: null,
    worker_amount_fen: null,
    employer_hours: null,
    employer_amount_fen: null,
    completed_at: null,
    pay_due_at: null,
    paid_at: null,
    problem_id: null,
    disputed_at: null,
    resolved_at: null,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  const w = worker;
  await ctx.database.write(async (trx) => {
    if (await repo.applicationOf(trx, jid, posting.id, w.id))
      throw conflict('已报名该岗位 / applied already');
    await repo.insertApplication(trx, row);
    await appendLog(ctx.clock, trx, jid, {
      module: MODULE,
      refId: row.id,
      action: 'propose',
      from: null,
      to: 'proposed',
      actor: actorOf(p),
      data: { postingId: posting.id, by, score: score.score },
    });
    await countApart(trx, jid, OFF_MAP);
  });
  return getApplication(ctx, p, row.id);
}

/** One application with its log (a staff or hired employer's read is in the access log). */
export async function getApplication(ctx: AppContext, p: Principal, id: string): Promise<Application> {
  return applicationFromRow(ctx, p, await load(ctx, ctx.db, p, id), true);
}

/** The applications of the caller: his own as a worker, his postings' as an employer, all for staff. */
export async function listApplications(
  ctx: AppContext,
  p: Principal,
  q: ListApplicationsQuery,
): Promise<ListAnswer<Application>> {
  const jid = p.jurisdictionId;
  const staff = isReviewer(p, await stationsOf(ctx, p));
  const f: { workerId?: string; postingIds?: string[]; status?: string } = { status: q.status };
  if (q.postingId) f.postingIds = [q.postingId];
  if (!staff) {
    const w = p.userId ? await repo.workerByUser(ctx.db, jid, p.userId) : undefined;
    const own = p.userId ? (await repo.employersOfOwner(ctx.db, jid, p.userId)).map((e) => e.id) : [];
    if (own.length > 0) {
      const mine = (await repo.postings(ctx.db, jid, { employerIds: own }, 10_000, null))[0].map((r) => r.id);
      f.postingIds = q.postingId ? mine.filter((x) => x === q.postingId) : mine;
    } else if (w) f.workerId = w.id;
    else return { items: [], total: 0, nextCursor: null };
  }
  const [rows, count] = await repo.applications(ctx.db, jid, f, q.limit, q.cursor ?? null);
  const page = rows.slice(0, q.limit);
  const items: Application[] = [];
  for (const r of page) items.push(await applicationFromRow(ctx, p, await load(ctx, ctx.db, p, r.id), false));
  return { items, total: Number(count.n), nextCursor: rows.length > q.limit ? page.at(-1)!.id : null };
}

/** The changes of an action beyond the status. */
function patchOf(
  action: ApplicationAction,
  l: Loaded,
  body: Record<string, unknown>,
  now: string,
): Partial<JobsApplicationTable> {
  const side =
    l.rel.has('employer') && !l.rel.has('worker') ? 'employer' : l.rel.has('worker') ? 'worker' : 'employer';
  const hours = body.hours as number;
  const amount = body.amountFen as number;
  switch (action) {
    case 'complete': {
      const due = new Date(
        Date.parse(now) + PAY_DUE_DAYS[l.posting.kind as JobKind] * 86_400_000,
      ).toISOString();
      return { [`${side}_hours`]: hours, [`${side}_amount_fen`]: amount, completed_at: now, pay_due_at: due };
    }
    case 'confirm_wage': {
      const other = side === 'worker' ? 'employer' : 'worker';
      const oh = l.row[`${other}_hours`];
      const oa = l.row[`${other}_amount_fen`];
      if (oh !== null && (Number(oh) !== hours || Number(oa) !== amount))
        throw conflict(
          `与对方确认的工时工资（${Number(oh)} 小时，${(Number(oa) / 100).toFixed(2)} 元）不一致，请协商或提出争议 / differs from the other side`,
        );
      return { [`${side}_hours`]: hours, [`${side}_amount_fen`]: amount };
    }
    case 'confirm_paid':
      if (!wageAgreed(l.row))
        throw conflict('双方尚未确认一致的工时和工资 / hours and amount not agreed by both sides');
      return { paid_at: now };
    case 'dispute':
      return { disputed_at: now };
    case 'resolve':
      return {
        worker_hours: hours,
        employer_hours: hours,
        worker_amount_fen: amount,
        employer_amount_fen: amount,
        resolved_at: now,
      };
    default:
      return {};
  }
}

/** Writes an application's change and its log entry in the caller's transaction; false when it lost a race. */
export async function transitionApplication(
  ctx: AppContext,
  trx: Db,
  row: Row,
  e: {
    action: ApplicationAction;
    to: ApplicationStatus;
    actor: Actor;
    patch: Partial<JobsApplicationTable>;
    data: unknown;
  },
): Promise<boolean> {
  const ok = await repo.update(trx, 'jobs_applications', row.jurisdiction_id, row.id, row.version, {
    ...e.patch,
    status: e.to,
    updated_at: ctx.clock.now().toISOString(),
  });
  if (ok) {
    await appendLog(ctx.clock, trx, row.jurisdiction_id, {
      module: MODULE,
      refId: row.id,
      action: e.action,
      from: row.status,
      to: e.to,
      actor: e.actor,
      data: e.data,
    });
    await countApart(trx, row.jurisdiction_id, OFF_MAP);
  }
  return ok;
}

/** Takes an action on an application: 403 without the relation, 409 in the wrong status, 400 for a bad body. */
export async function actOnApplication(
  ctx: AppContext,
  p: Principal,
  id: string,
  action: string,
  body: unknown,
): Promise<Application> {
  if (!applicationLifecycle.isAction(action)) throw notFound(`action ${action}`);
  const jid = p.jurisdictionId;
  const stations = await stationsOf(ctx, p);
  await ctx.database.write(async (trx) => {
    const l = await load(ctx, trx, p, id, stations);
    const to = applicationLifecycle.enforce(
      action,
      l.row.status as ApplicationStatus,
      effectiveRelations(action, l.row, l.rel),
    );
    const parsed = ApplicationActionBodies[action].safeParse(body ?? {});
    if (!parsed.success)
      throw badRequest(
        parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      );
    const data = parsed.data as Record<string, unknown>;
    const now = ctx.clock.now().toISOString();
    let held = 0;
    if (action === 'accept') {
      held = (await repo.countHolding(trx, jid, l.posting.id, HOLDS_PLACE)) + 1;
      if (l.posting.status !== 'open' || held > l.posting.headcount)
        throw conflict('岗位已招满或已关闭 / the posting is full or closed');
    }
    const patch = patchOf(action, l, data, now);
    if (!(await transitionApplication(ctx, trx, l.row, { action, to, actor: actorOf(p), patch, data })))
      throw conflict('报名已被他人更新，请刷新 / changed meanwhile, reload');
    if (action === 'accept') await fillIfFull(ctx, trx, jid, l.posting.id, held);
    if (action === 'check_in')
      await recordIndicator(trx, jid, {
        code: 'new_jobs',
        module: MODULE,
        refId: `worker:${l.worker.id}`,
        value: 1,
        villageCode: l.worker.village_code,
        at: now,
      });
  });
  return getApplication(ctx, p, id);
}
