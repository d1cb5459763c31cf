/**
 * Postings (招聘信息): made by an employer's account or by station staff for an employer (即时快招),
 * reviewed, open until filled, withdrawn, taken down or expired (unless the employer reconfirms, by the
 * one-tap SMS link or in the app). Each is readable as schema.org JobPosting (`jsonLd`); an expired one
 * stays readable, says 已过期 and cannot be applied to. The doorstep map lives in jobs.map.ts.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { JobsEmployerTable, JobsPostingTable } from '../../db/schema.jobs.ts';
import { randomToken, sha256Hex, uuidv7 } from '../../kernel/ids.ts';
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import type { ReferenceData } from '../reference/index.ts';
import { actorOf, appendLog, logOf, SYSTEM_ACTOR, type Actor } from '../flow/index.ts';
import { MODULE, stationsOf } from './jobs.employers.ts';
import { hasLapsed, reconfirmDueAt } from './jobs.expiry.ts';
import { jobPostingJsonLd } from './jobs.jsonld.ts';
import {
  POSTING_STATUS_LABELS,
  postingLifecycle,
  type PostingAction,
  type PostingRelation,
  type PostingStatus,
} from './jobs.lifecycle.ts';
import { occupationOf } from './jobs.occupations.ts';
import { pushPostingBySms } from './jobs.notify.ts';
import { postingRelations } from './jobs.policy.ts';
import { jobsRepository as repo, type PostingView } from './jobs.repository.ts';
import { PostingActionBodies, type Posting, type PostingInput } from './jobs.schema.ts';
import { JOB_KINDS, wageLabel, wageProblems, type JobKind, type WageUnit } from './jobs.wages.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type PostingRow = Selectable<JobsPostingTable>;
type EmployerRow = Selectable<JobsEmployerTable>;

/** The longest a posting may stay valid. */
const MAX_VALID_DAYS = 180;

/** Whether a posting can be applied to at `now`. */
export function isApplicable(
  r: Pick<PostingRow, 'status' | 'valid_through' | 'reconfirm_due_at' | 'filled' | 'headcount'>,
  now: string,
): boolean {
  return (
    r.status === 'open' &&
    !hasLapsed({ validThrough: r.valid_through, reconfirmDueAt: r.reconfirm_due_at }, now) &&
    r.filled < r.headcount
  );
}

/** Maps a posting for a reader with `rel`: its JobPosting unless asked not to, its log on request. */
export async function postingFromRow(
  ctx: AppContext,
  db: Db,
  r: PostingView,
  employer: Pick<EmployerRow, 'name' | 'uscc'> | undefined,
  ref: ReferenceData,
  rel: Set<PostingRelation>,
  opts: { withLog?: boolean; distanceM?: number; jsonLd?: boolean } = {},
): Promise<Posting> {
  const now = ctx.clock.now().toISOString();
  const village = ref.divisions.get(r.village_code);
  const occupation = occupationOf(r.occupation_code);
  const wageFen = Number(r.wage_fen);
  const lapsed =
    r.status === 'expired' ||
    (r.status === 'open' &&
      hasLapsed({ validThrough: r.valid_through, reconfirmDueAt: r.reconfirm_due_at }, now));
  const status = (lapsed ? 'expired' : r.status) as PostingStatus;
  const publicUrl = `${ctx.config.publicUrl.replace(/\/$/, '')}/m/#/jobs/${r.id}`;
  return {
    id: r.id,
    employerId: r.employer_id,
    employerName: employer?.name ?? '',
    title: r.title,
    description: r.description,
    kind: r.kind,
    kindLabel: JOB_KINDS[r.kind as JobKind],
    occupationCode: r.occupation_code,
    occupationName: occupation?.name ?? r.occupation_code,
    headcount: r.headcount,
    filled: r.filled,
    wageFen,
    wageUnit: r.wage_unit,
    wageLabel: wageLabel(wageFen, r.wage_unit as WageUnit),
    villageCode: r.village_code,
    villageName: village?.name ?? null,
    address: r.address,
    lat: r.lat,
    lng: r.lng,
    stationId: r.station_id,
    validFrom: r.valid_from,
    validThrough: r.valid_through,
    reconfirmDueAt: r.reconfirm_due_at,
    status,
    statusLabel: POSTING_STATUS_LABELS[status],
    expired: lapsed,
    applicable: isApplicable(r, now),
    postedVia: r.posted_via,
    datePosted: r.opened_at,
    ...(opts.distanceM !== undefined && { distanceM: opts.distanceM }),
    allowedActions: postingLifecycle.allowedActions(status, rel),
    ...(r.opened_at &&
      employer &&
      opts.jsonLd !== false && {
        jsonLd: jobPostingJsonLd({
          id: r.id,
          title: r.title,
          description: r.description,
          kind: r.kind as JobKind,
          occupationCode: r.occupation_code,
          occupationName: occupation?.name ?? '',
          headcount: r.headcount,
          wageFen,
          wageUnit: r.wage_unit as WageUnit,
          validFrom: r.valid_from,
          validThrough: r.valid_through,
          datePosted: r.opened_at,
          employer: { name: employer.name, uscc: employer.uscc },
          place: {
            address: r.address,
            villageName: village?.name ?? null,
            townshipName: ref.divisionName(village?.parentCode ?? null),
            lat: r.lat,
            lng: r.lng,
          },
          url: publicUrl,
        }),
      }),
    ...(opts.withLog && {
      actions: (await logOf(db, r.jurisdiction_id, MODULE, r.id)).map((e) => ({
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

/** Whether a reader may see a posting in its state: published ones for anyone, drafts for employer and reviewers. */
function visible(r: PostingRow, rel: Set<PostingRelation>): boolean {
  return r.opened_at !== null || rel.size > 0;
}

/** Writes a posting's change with its log entry, in the caller's transaction; false when it lost a race. */
export async function transitionPosting(
  ctx: AppContext,
  trx: Db,
  r: PostingRow,
  e: {
    action: PostingAction | 'create';
    to: PostingStatus;
    actor: Actor;
    patch?: Partial<JobsPostingTable>;
    data?: unknown;
  },
): Promise<boolean> {
  const now = ctx.clock.now().toISOString();
  const ok = await repo.update(trx, 'jobs_postings', r.jurisdiction_id, r.id, r.version, {
    ...e.patch,
    status: e.to,
    updated_at: now,
  });
  if (!ok) return false;
  await appendLog(ctx.clock, trx, r.jurisdiction_id, {
    module: MODULE,
    refId: r.id,
    action: e.action,
    from: r.status,
    to: e.to,
    actor: e.actor,
    data: e.data ?? {},
  });
  return true;
}

/** The fields an action sets beyond the status. */
function patchOf(action: PostingAction, r: PostingRow, now: string): Partial<JobsPostingTable> {
  switch (action) {
    case 'approve':
      return {
        opened_at: r.opened_at ?? now,
        reconfirm_due_at: reconfirmDueAt(r.kind as JobKind, now, r.valid_through),
        reminded_at: null,
      };
    case 'reconfirm':
      return {
        reconfirm_due_at: reconfirmDueAt(r.kind as JobKind, now, r.valid_through),
        reconfirm_token_hash: null,
        reminded_at: null,
      };
    case 'fill':
    case 'expire':
    case 'withdraw':
    case 'take_down':
      return { closed_at: now, reconfirm_token_hash: null };
    default:
      return {};
  }
}

/** Creates a posting (a draft, or submitted; station staff's submission is published at once). */
export async function createPosting(ctx: AppContext, p: Principal, input: PostingInput): Promise<Posting> {
  const jid = p.jurisdictionId;
  const stations = await stationsOf(ctx, p);
  const employer = await repo.employer(ctx.db, jid, input.employerId);
  if (!employer) throw notFound('用工单位 / employer');
  const rel = postingRelations(p, employer.owner_user_id, stations);
  if (rel.size === 0) throw forbidden('只能为本单位发布岗位 / not your employer');
  const now = ctx.clock.now().toISOString();
  const problems = wageProblems(
    { kind: input.kind, wageFen: input.wageFen, unit: input.wageUnit, piecesPerHour: input.piecesPerHour },
    ctx.config.minimumWage,
  );
  const ref = await ctx.reference.get(jid);
  if (ref.divisions.get(input.villageCode)?.level !== 'village')
    problems.push({ path: 'villageCode', message: '未知的村（社区）/ unknown village' });
  if (input.validThrough <= input.validFrom)
    problems.push({ path: 'validThrough', message: '截止时间应晚于开始时间 / must end after it starts' });
  if (new Date(input.validThrough).toISOString() <= now)
    problems.push({ path: 'validThrough', message: '截止时间已过 / already past' });
  if (Date.parse(input.validThrough) - Date.parse(input.validFrom) > MAX_VALID_DAYS * 86_400_000)
    problems.push({
      path: 'validThrough',
      message: `有效期最长 ${MAX_VALID_DAYS} 天 / at most ${MAX_VALID_DAYS} days`,
    });
  if (input.stationId && !(await repo.stations(ctx.db, jid)).some((s) => s.place_id === input.stationId))
    problems.push({ path: 'stationId', message: '未知的零工驿站 / unknown station' });
  if (problems.length) throw badRequest(problems.map((x) => x.message).join('；'), problems);
  if (input.submit && employer.status !== 'verified')
    throw conflict('用工单位尚未核验，岗位暂不能提交 / the employer is not verified yet');
  const row: JobsPostingTable = {
    jurisdiction_id: jid,
    id: uuidv7(),
    employer_id: employer.id,
    title: input.title,
    description: input.description,
    kind: input.kind,
    occupation_code: input.occupationCode,
    headcount: input.headcount,
    filled: 0,
    wage_fen: input.wageFen,
    wage_unit: input.wageUnit,
    pieces_per_hour: input.piecesPerHour ?? null,
    village_code: input.villageCode,
    address: input.address ?? null,
    lat: input.lat,
    lng: input.lng,
    station_id: input.stationId ?? null,
    valid_from: new Date(input.validFrom).toISOString(),
    valid_through: new Date(input.validThrough).toISOString(),
    reconfirm_due_at: null,
    reconfirm_token_hash: null,
    reminded_at: null,
    status: 'draft',
    posted_by_user_id: p.userId,
    posted_via: rel.has('employer') ? 'employer' : 'station',
    opened_at: null,
    closed_at: null,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  const opened = await ctx.database.write(async (trx) => {
    await repo.insertPosting(trx, row);
    await appendLog(ctx.clock, trx, jid, {
      module: MODULE,
      refId: row.id,
      action: 'create',
      from: null,
      to: 'draft',
      actor: actorOf(p),
      data: { employerId: employer.id, postedVia: row.posted_via },
    });
    if (!input.submit) return false;
    let cur = (await repo.posting(trx, jid, row.id))!;
    await transitionPosting(ctx, trx, cur, { action: 'submit', to: 'pending_review', actor: actorOf(p) });
    if (!rel.has('reviewer')) return false;
    cur = (await repo.posting(trx, jid, row.id))!;
    await transitionPosting(ctx, trx, cur, {
      action: 'approve',
      to: 'open',
      actor: actorOf(p),
      patch: patchOf('approve', cur, now),
      data: { note: '即时快招' },
    });
    return true;
  });
  if (opened) await pushPostingBySms(ctx, jid, row.id);
  return getPosting(ctx, jid, p, row.id);
}

/** One posting with its JSON-LD and log; drafts only for the employer and reviewers. */
export async function getPosting(
  ctx: AppContext,
  jid: string,
  p: Principal | null,
  id: string,
): Promise<Posting> {
  let r = await repo.posting(ctx.db, jid, id);
  if (!r) throw notFound('岗位 / posting');
  const employer = await repo.employer(ctx.db, jid, r.employer_id);
  const rel = p
    ? postingRelations(p, employer?.owner_user_id ?? null, await stationsOf(ctx, p))
    : new Set<PostingRelation>();
  if (!visible(r, rel)) throw notFound('岗位 / posting');
  if (await expireIfLapsed(ctx, r)) r = (await repo.posting(ctx.db, jid, id))!;
  return postingFromRow(ctx, ctx.db, r, employer, await ctx.reference.get(jid), rel, {
    withLog: rel.size > 0,
  });
}

/** Expires an open posting whose time has passed (the time rule applied when it is next touched). */
export async function expireIfLapsed(ctx: AppContext, r: PostingRow): Promise<boolean> {
  const now = ctx.clock.now().toISOString();
  if (
    r.status !== 'open' ||
    !hasLapsed({ validThrough: r.valid_through, reconfirmDueAt: r.reconfirm_due_at }, now)
  )
    return false;
  return ctx.database.write((trx) =>
    transitionPosting(ctx, trx, r, {
      action: 'expire',
      to: 'expired',
      actor: SYSTEM_ACTOR,
      patch: patchOf('expire', r, now),
      data: { reason: r.valid_through <= now ? 'valid_through' : 'not_reconfirmed' },
    }),
  );
}

/** Takes an action on a posting: 403 without the relation, 409 in the wrong status, 400 for a bad body. */
export async function actOnPosting(
  ctx: AppContext,
  p: Principal,
  id: string,
  action: string,
  body: unknown,
): Promise<Posting> {
  if (!postingLifecycle.isAction(action)) throw notFound(`action ${action}`);
  const jid = p.jurisdictionId;
  const stations = await stationsOf(ctx, p);
  const before = await repo.posting(ctx.db, jid, id);
  if (before) await expireIfLapsed(ctx, before);
  const opened = await ctx.database.write(async (trx) => {
    const r = await repo.posting(trx, jid, id);
    if (!r) throw notFound('岗位 / posting');
    const employer = await repo.employer(trx, jid, r.employer_id);
    const rel = postingRelations(p, employer?.owner_user_id ?? null, stations);
    if (!visible(r, rel)) throw notFound('岗位 / posting');
    const to = postingLifecycle.enforce(action, r.status as PostingStatus, rel);
    const parsed = PostingActionBodies[action].safeParse(body ?? {});
    if (!parsed.success)
      throw badRequest(
        parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      );
    if (action === 'submit' && employer?.status !== 'verified')
      throw conflict('用工单位尚未核验，岗位暂不能提交 / the employer is not verified yet');
    const now = ctx.clock.now().toISOString();
    if (
      !(await transitionPosting(ctx, trx, r, {
        action,
        to,
        actor: actorOf(p),
        patch: patchOf(action, r, now),
        data: parsed.data,
      }))
    )
      throw conflict('岗位已被他人更新，请刷新 / changed meanwhile, reload');
    return action === 'approve';
  });
  if (opened) await pushPostingBySms(ctx, jid, id);
  return getPosting(ctx, jid, p, id);
}

/** The one-tap SMS link: the employer keeps an open posting open without signing in. */
export async function reconfirmByToken(ctx: AppContext, jid: string, token: string): Promise<Posting> {
  const r = await repo.postingByToken(ctx.db, jid, sha256Hex(token));
  if (!r) throw notFound('续期链接 / reconfirmation link');
  if (await expireIfLapsed(ctx, r)) throw conflict('岗位已过期，请重新发布 / the posting has expired');
  const now = ctx.clock.now().toISOString();
  await ctx.database.write(async (trx) => {
    postingLifecycle.enforce('reconfirm', r.status as PostingStatus, new Set(['system']));
    if (
      !(await transitionPosting(ctx, trx, r, {
        action: 'reconfirm',
        to: r.status as PostingStatus,
        actor: { userId: null, name: '用工单位（短信链接）' },
        patch: patchOf('reconfirm', r, now),
        data: { via: 'sms_link' },
      }))
    )
      throw conflict('岗位已被他人更新，请刷新 / changed meanwhile, reload');
  });
  return getPosting(ctx, jid, null, r.id);
}

/** A fresh one-tap token for a posting's reminder: stored as its hash, returned once for the SMS. */
export async function issueReconfirmToken(ctx: AppContext, trx: Db, r: PostingRow): Promise<string | null> {
  const token = randomToken(16);
  const ok = await repo.update(trx, 'jobs_postings', r.jurisdiction_id, r.id, r.version, {
    reconfirm_token_hash: sha256Hex(token),
    reminded_at: ctx.clock.now().toISOString(),
  });
  return ok ? token : null;
}

/** Fills an open posting once its accepted applications reach the headcount (system). */
export async function fillIfFull(
  ctx: AppContext,
  trx: Db,
  jid: string,
  postingId: string,
  held: number,
): Promise<void> {
  const r = await repo.posting(trx, jid, postingId);
  if (!r) return;
  const now = ctx.clock.now().toISOString();
  if (r.status === 'open' && held >= r.headcount) {
    await transitionPosting(ctx, trx, r, {
      action: 'fill',
      to: 'filled',
      actor: SYSTEM_ACTOR,
      patch: { ...patchOf('fill', r, now), filled: held },
      data: { filled: held },
    });
  } else if (r.filled !== held) {
    await repo.update(trx, 'jobs_postings', jid, r.id, r.version, { filled: held, updated_at: now });
  }
}
