/**
 * Employers (用工单位): registered by their own enterprise account or by station staff, with the
 * 统一社会信用代码 checked to its check character (GB 32100-2015); verified by staff before their
 * postings go out; the contact masked for everyone but the employer and the reviewers.
 */
import type { Selectable } from 'kysely';
import type { JobsEmployerTable } from '../../db/schema.jobs.ts';
import { validateUscc } from '../../kernel/identifiers.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { maskName, maskPhone } from '../../kernel/mask.ts';
import { hasRole, type Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import type { ListAnswer } from '../../platform/lists.ts';
import { actorOf, appendLog } from '../flow/index.ts';
import { isReviewer } from './jobs.policy.ts';
import { jobsRepository as repo } from './jobs.repository.ts';
import type { Employer, EmployerInput } from './jobs.schema.ts';

export const MODULE = 'jobs';
/**
 * The count of the jobs log's entries that change nothing the doorstep map shows (a worker's record, an
 * application): the map holds until one of the others is appended (see jobs.map.ts).
 */
export const OFF_MAP = 'jobs:entries_off_map';

export const EMPLOYER_STATUS_LABELS: Record<string, string> = {
  pending: '待核验',
  verified: '已核验',
  rejected: '未通过',
};

/** The stations whose staff the principal is. */
export async function stationsOf(ctx: AppContext, p: Principal): Promise<string[]> {
  return p.userId ? repo.stationsOfStaff(ctx.db, p.jurisdictionId, p.userId) : [];
}

/** Maps an employer; the contact is shown in clear to its owner and to reviewers only. */
export function employerFromRow(
  r: Selectable<JobsEmployerTable>,
  p: Principal | null,
  reviewer: boolean,
): Employer {
  const mine = !!p?.userId && r.owner_user_id === p.userId;
  const clear = mine || reviewer;
  return {
    id: r.id,
    name: r.name,
    uscc: r.uscc,
    contactName: clear ? r.contact_name : maskName(r.contact_name),
    contactPhone: clear ? r.contact_phone : maskPhone(r.contact_phone),
    villageCode: r.village_code,
    address: r.address,
    status: r.status,
    statusLabel: EMPLOYER_STATUS_LABELS[r.status] ?? r.status,
    reviewNote: r.review_note,
    reviewedAt: r.reviewed_at,
    mine,
  };
}

/** Checks a USCC to its check character: 400 naming what is wrong. */
export function requireValidUscc(code: string): string {
  const r = validateUscc(code);
  if (!r.valid || !r.checksumOk)
    throw badRequest(`统一社会信用代码无效：${r.message ?? ''} / invalid unified social credit code`, [
      { path: 'uscc', message: r.message ?? 'invalid' },
    ]);
  return r.normalized;
}

/** Registers an employer: an enterprise account for itself, or station staff for a walk-in employer. */
export async function createEmployer(ctx: AppContext, p: Principal, input: EmployerInput): Promise<Employer> {
  const jid = p.jurisdictionId;
  const stations = await stationsOf(ctx, p);
  const reviewer = isReviewer(p, stations);
  if (!reviewer && !hasRole(p, 'enterprise'))
    throw forbidden('仅企业账号或驿站工作人员可登记用工单位 / enterprise accounts or station staff only');
  const uscc = requireValidUscc(input.uscc);
  const ref = await ctx.reference.get(jid);
  if (ref.divisions.get(input.villageCode)?.level !== 'village')
    throw badRequest(`未知的村（社区）代码 ${input.villageCode} / unknown village`, [
      { path: 'villageCode', message: 'unknown' },
    ]);
  const now = ctx.clock.now().toISOString();
  const row: JobsEmployerTable = {
    jurisdiction_id: jid,
    id: uuidv7(),
    name: input.name,
    uscc,
    contact_name: input.contactName,
    contact_phone: input.contactPhone,
    village_code: input.villageCode,
    address: input.address ?? null,
    owner_user_id: reviewer ? null : p.userId,
    status: 'pending',
    review_note: null,
    reviewed_by: null,
    reviewed_at: null,
    created_at: now,
    version: 1,
  };
  await ctx.database.write(async (trx) => {
    if (await repo.employerByUscc(trx, jid, uscc))
      throw conflict('该统一社会信用代码已登记 / this employer is registered already');
    await repo.insertEmployer(trx, row);
    await appendLog(ctx.clock, trx, jid, {
      module: MODULE,
      refId: row.id,
      action: 'register_employer',
      from: null,
      to: 'pending',
      actor: actorOf(p),
      data: { uscc },
    });
  });
  return employerFromRow(row, p, reviewer);
}

/** Verifies (or refuses) an employer: reviewers only, once. */
export async function reviewEmployer(
  ctx: AppContext,
  p: Principal,
  id: string,
  approve: boolean,
  note: string | undefined,
): Promise<Employer> {
  const jid = p.jurisdictionId;
  const stations = await stationsOf(ctx, p);
  if (!isReviewer(p, stations)) throw forbidden('仅审核人员可核验用工单位 / reviewers only');
  const row = await ctx.database.write(async (trx) => {
    const r = await repo.employer(trx, jid, id);
    if (!r) throw notFound('用工单位 / employer');
    if (r.status !== 'pending')
      throw conflict(`用工单位已${EMPLOYER_STATUS_LABELS[r.status]} / already reviewed`);
    const patch = {
      status: approve ? 'verified' : 'rejected',
      review_note: note ?? null,
      reviewed_by: p.userId ?? p.username,
      reviewed_at: ctx.clock.now().toISOString(),
    };
    if (!(await repo.update(trx, 'jobs_employers', jid, id, r.version, patch)))
      throw conflict('已被他人更新，请刷新 / changed meanwhile, reload');
    await appendLog(ctx.clock, trx, jid, {
      module: MODULE,
      refId: id,
      action: approve ? 'verify_employer' : 'refuse_employer',
      from: 'pending',
      to: patch.status,
      actor: actorOf(p),
      data: { note: note ?? null },
    });
    return { ...r, ...patch, version: r.version + 1 };
  });
  return employerFromRow(row, p, true);
}

/** Employers a principal may list: all for reviewers, their own for an enterprise account. */
export async function listEmployers(
  ctx: AppContext,
  p: Principal,
  q: { status?: string; page: number; pageSize: number },
): Promise<ListAnswer<Employer>> {
  const stations = await stationsOf(ctx, p);
  const reviewer = isReviewer(p, stations);
  if (!reviewer && !p.userId) return { items: [], total: 0, nextCursor: null };
  const [rows, count] = await repo.employers(
    ctx.db,
    p.jurisdictionId,
    { status: q.status, ownerUserId: reviewer || hasRole(p, 'leader') ? undefined : p.userId! },
    q.pageSize,
    (q.page - 1) * q.pageSize,
  );
  const total = Number(count.n);
  return {
    items: rows.map((r) => employerFromRow(r, p, reviewer)),
    total,
    nextCursor: q.page * q.pageSize < total ? String(q.page + 1) : null,
  };
}

/** One employer: public facts for anyone, the contact in clear for its owner and reviewers. */
export async function getEmployer(
  ctx: AppContext,
  jid: string,
  p: Principal | null,
  id: string,
): Promise<Employer> {
  const r = await repo.employer(ctx.db, jid, id);
  if (!r) throw notFound('用工单位 / employer');
  const reviewer = p ? isReviewer(p, await stationsOf(ctx, p)) : false;
  return employerFromRow(r, p, reviewer);
}
