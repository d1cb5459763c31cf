/**
 * Home elderly-care orders (我的荷塘 six services): placed by the elder, by family or by staff as proxy;
 * offered to eligible providers in turn; assigned to a worker who checks in and out with position and
 * photos; confirmed in the app or by an SMS code; rated (a 差评 or a complaint becomes a problem for the
 * civil-affairs unit); settled monthly per provider from the entitlement ledger.
 * The monthly settlement and its payouts are in care.settlement.ts.
 * Over 500 lines for now: ordering, the offer to providers and the worker's visit share one order row and its
 * log; the visit (check-in/out, evidence) is the next to move into a file of its own.
 */
import crypto from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { CareOrderTable } from '../../db/schema.services.ts';
import { uuidv7, sha256Hex } from '../../kernel/ids.ts';
import { maskName, maskPhone } from '../../kernel/mask.ts';
import type { Answer } from '../../kernel/versionedCache.ts';
import { hasRole, type Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { attachmentsOfService, readAttachment, takeAttachments } from '../attachments/index.ts';
import { raiseProblem } from '../bridges/index.ts';
import { eligibleProviders, workerById, workerOfUser, type Worker } from '../directory/index.ts';
import { actorOf, appendLog, logOf, logVersion, SYSTEM_ACTOR, type LogEntry } from '../flow/index.ts';
import { isBadRating, RATING_LEVEL_LABELS, type RatingLevel } from '../ratings/index.ts';
import {
  logAccess,
  personFacts,
  personFactsOf,
  personOfUser,
  personsActedForBy,
  type PersonFacts,
} from '../registry/index.ts';
import { checkinFlags, durationFlags, overlapFlags, photoFlags, type Flag } from './care.evidence.ts';
import { acceptMinutes, CARE_KINDS, type CareKindCode } from './care.kinds.ts';
import {
  CARE_STATUS_LABELS,
  careLifecycle,
  type CareAction,
  type CareRelation,
  type CareStatus,
} from './care.lifecycle.ts';
import { careRepository as repo, type CareFilters, type CareScope } from './care.repository.ts';
import {
  CareActionBodies,
  CareOrderList,
  type CareOrder,
  type CreateCareOrder,
  type ListCareOrdersQuery,
} from './care.schema.ts';

type Db = Kysely<DB> | Transaction<DB>;
type Row = Selectable<CareOrderTable>;

const MODULE = 'care';
/** The unit a 差评 or a complaint goes to. */
const CIVIL_AFFAIRS = '区民政局';

/** What relates a user to orders: their own registry record, those they act for, their provider job. */
interface ViewerFacts {
  ownPersonId: string | null;
  actingFor: string[];
  worker: Worker | null;
}

/** Who is reading or acting, with what relates them to any order: read once per request. */
interface Viewer {
  p: Principal;
  supervisor: boolean;
  ownPersonId: string | null;
  actingFor: ReadonlySet<string>;
  worker: Worker | null;
}

async function viewerFactsOf(db: Db, jid: string, userId: string): Promise<ViewerFacts> {
  // One after another: inside a transaction the reads share one connection.
  const own = await personOfUser(db, jid, userId);
  const actingFor = await personsActedForBy(db, jid, userId);
  const worker = await workerOfUser(db, jid, userId);
  return { ownPersonId: own?.id ?? null, actingFor, worker };
}

function viewerFrom(p: Principal, f: ViewerFacts | null): Viewer {
  return {
    p,
    supervisor: hasRole(p, 'admin', 'supervisor') && p.scope.kind === 'jurisdiction',
    ownPersonId: f?.ownPersonId ?? null,
    actingFor: new Set(f?.actingFor ?? []),
    worker: f?.worker ?? null,
  };
}

/** The viewer a principal is, read now (inside a write's transaction). */
async function viewerOf(db: Db, p: Principal): Promise<Viewer> {
  return viewerFrom(p, p.userId ? await viewerFactsOf(db, p.jurisdictionId, p.userId) : null);
}

/** The relations of a viewer to an order. */
function relationsOf(v: Viewer, row: Row): Set<CareRelation> {
  const r = new Set<CareRelation>();
  if (v.supervisor) r.add('supervisor');
  if (!v.p.userId) return r;
  if (v.ownPersonId === row.person_id) r.add('elder');
  else if (row.placed_by_user_id === v.p.userId || v.actingFor.has(row.person_id)) r.add('proxy');
  if (v.worker && v.worker.providerId === row.provider_id) r.add('provider');
  if (v.worker && v.worker.id === row.worker_id) r.add('worker');
  return r;
}

/** Maps an order row; the elder's name and phone are masked for everyone but the elder and the proxy. */
function orderFromRow(
  row: Row,
  relations: Set<CareRelation>,
  person: PersonFacts | undefined,
  log?: LogEntry[],
): CareOrder {
  const kind = CARE_KINDS[row.kind as CareKindCode];
  const close = relations.has('elder') || relations.has('proxy');
  const flags = JSON.parse(row.flags) as string[];
  return {
    id: row.id,
    kind: row.kind,
    kindName: kind.name,
    status: row.status,
    statusLabel: CARE_STATUS_LABELS[row.status as CareStatus],
    urgent: row.urgent === 1,
    personId: row.person_id,
    elderName: close || relations.has('worker') ? (person?.name ?? '') : maskName(person?.name ?? ''),
    elderPhone: close ? (person?.phone ?? null) : (maskPhone(person?.phone ?? null) ?? null),
    placedAs: row.placed_as,
    providerId: row.provider_id,
    acceptDueAt: row.accept_due_at,
    workerId: row.worker_id,
    scheduledAt: row.scheduled_at,
    villageCode: row.village_code,
    address: row.address,
    priceFen: Number(row.price_fen),
    subsidyFen: Number(row.subsidy_fen),
    copayFen: Number(row.price_fen) - Number(row.subsidy_fen),
    checkinAt: row.checkin_at,
    checkinDistanceM: row.checkin_distance_m,
    checkoutAt: row.checkout_at,
    flags,
    flagsCleared: row.flags_cleared_by !== null,
    ratingLevel: row.rating_level,
    problemId: row.problem_id,
    escalatedAt: row.escalated_at,
    escalationProblemId: row.escalation_problem_id,
    failureReason: row.failure_reason,
    settlementMonth: row.settlement_month,
    allowedActions: careLifecycle.allowedActions(row.status as CareStatus, relations),
    ...(log && {
      actions: log.map((e) => ({
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

/** The township a staff member works in, whose villages' orders they see. */
function townshipOf(p: Principal): string | null {
  return hasRole(p, 'unit_handler', 'supervisor') && p.scope.kind === 'township' && p.scope.ref
    ? p.scope.ref
    : null;
}

/** Whether a principal may see an order at all (any relation, or township staff of its village). */
function visible(p: Principal, row: Row, rel: Set<CareRelation>): boolean {
  if (rel.size > 0) return true;
  const township = townshipOf(p);
  return !!township && row.village_code.startsWith(township);
}

/** Offers an order to the first eligible provider not yet tried, or leaves it rejected when none is left. */
async function offer(
  ctx: AppContext,
  trx: Db,
  jid: string,
  kind: CareKindCode,
  villageCode: string,
  tried: string[],
) {
  const next = (await eligibleProviders(trx, jid, CARE_KINDS[kind].name, villageCode)).find(
    (pr) => !tried.includes(pr.id),
  );
  if (!next) return null;
  return {
    providerId: next.id,
    acceptDueAt: new Date(ctx.clock.now().getTime() + acceptMinutes(kind) * 60_000).toISOString(),
  };
}

/** Places an order for oneself or, as family or staff, for someone else. */
export async function createOrder(ctx: AppContext, p: Principal, input: CreateCareOrder): Promise<CareOrder> {
  const jid = p.jurisdictionId;
  if (!p.userId) throw forbidden('需要登录账号 / a signed-in user is needed');
  const acting = await personsActedForBy(ctx.db, jid, p.userId);
  const staff = hasRole(p, 'unit_handler', 'supervisor', 'admin');
  const personId = input.personId ?? acting[0];
  if (!personId)
    throw badRequest('未找到您的登记信息，请联系社区 / no registry record for this account', [
      { path: 'personId', message: 'required' },
    ]);
  const person = await personFacts(ctx.db, jid, personId);
  if (!person) throw notFound('服务对象 / person');
  const self = person.userId === p.userId;
  if (!self && !acting.includes(personId) && !staff)
    throw forbidden('只能为本人、家人或辖区对象下单 / not your family member');
  const kind = input.kind as CareKindCode;
  const spec = CARE_KINDS[kind];
  const now = ctx.clock.now().toISOString();
  const id = await ctx.database.write(async (trx) => {
    const first = await offer(ctx, trx, jid, kind, person.villageCode, []);
    if (!first)
      throw conflict(`本村（社区）暂无提供${spec.name}的服务机构 / no provider serves this village`);
    const row: CareOrderTable = {
      jurisdiction_id: jid,
      id: uuidv7(),
      person_id: personId,
      kind,
      status: 'requested',
      urgent: spec.urgent ? 1 : 0,
      placed_by_user_id: p.userId,
      placed_as: self ? 'self' : staff && !acting.includes(personId) ? 'proxy' : 'family',
      provider_id: first.providerId,
      providers_tried: '[]',
      accept_due_at: first.acceptDueAt,
      worker_id: null,
      scheduled_at: input.scheduledAt,
      village_code: person.villageCode,
      address: input.address ?? person.address,
      lat: input.lat ?? null,
      lng: input.lng ?? null,
      price_fen: spec.priceFen,
      subsidy_fen: spec.subsidyFen,
      checkin_at: null,
      checkin_distance_m: null,
      checkout_at: null,
      photos: '[]',
      flags: '[]',
      escalated_at: null,
      escalation_problem_id: null,
      flags_cleared_by: null,
      confirm_code_hash: null,
      rating_level: null,
      rating_comment: null,
      problem_id: null,
      failure_reason: null,
      settlement_month: null,
      note: input.note ?? null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await repo.insert(trx, row);
    await appendLog(ctx.clock, trx, jid, {
      module: MODULE,
      refId: row.id,
      action: 'request',
      from: null,
      to: 'requested',
      actor: actorOf(p),
      data: { placedAs: row.placed_as, providerId: row.provider_id },
    });
    return row.id;
  });
  return getOrder(ctx, p, id);
}

/** An order with its log; a read by anyone but the elder is written to the registry's access log. */
export async function getOrder(ctx: AppContext, p: Principal, id: string): Promise<CareOrder> {
  const row = await repo.order(ctx.db, p.jurisdictionId, id);
  if (!row) throw notFound('服务订单 / order');
  const rel = relationsOf(await viewerOf(ctx.db, p), row);
  if (!visible(p, row, rel)) throw notFound('服务订单 / order');
  if (!rel.has('elder'))
    await logAccess(ctx, ctx.db, p, row.person_id, `居家养老订单 ${row.id}`, ['name', 'phone', 'address']);
  const files = await attachmentsOfService(ctx, row.jurisdiction_id, `${MODULE}:${row.id}`);
  return {
    ...orderFromRow(
      row,
      rel,
      await personFacts(ctx.db, row.jurisdiction_id, row.person_id),
      await logOf(ctx.db, row.jurisdiction_id, MODULE, row.id),
    ),
    photoFiles: files.map((f) => ({
      id: f.id,
      url: `/api/care/orders/${row.id}/photos/${f.id}`,
      size: Number(f.size),
      at: f.created_at,
    })),
  };
}

/**
 * One photo of a visit, for whoever may see the order; a read by anyone but the elder is in the access
 * log, as the photos show the elder's home.
 */
export async function orderPhoto(ctx: AppContext, p: Principal, id: string, fileId: string) {
  const row = await repo.order(ctx.db, p.jurisdictionId, id);
  if (!row) throw notFound('服务订单 / order');
  const rel = relationsOf(await viewerOf(ctx.db, p), row);
  if (!visible(p, row, rel)) throw notFound('服务订单 / order');
  const found = await readAttachment(ctx, p.jurisdictionId, fileId);
  if (!found || found.row.service_ref !== `${MODULE}:${row.id}`) throw notFound('照片 / photo');
  if (!rel.has('elder'))
    await logAccess(ctx, ctx.db, p, row.person_id, `居家养老服务照片 ${row.id}`, ['photos']);
  return found;
}

/** The logs whose versions a list answer depends on: the orders, the elders' records, the workers. */
const LIST_SOURCES = [MODULE, 'registry', 'directory'] as const;

/** One version of the orders, the registry and the directory, read once for the requests of one turn. */
function listVersion(ctx: AppContext, jid: string): Promise<number> {
  return ctx.cache.thisTurn(`care.listVersion|${jid}`, () => logVersion(ctx.db, jid, LIST_SOURCES));
}

/** The scope and filters of a viewer's list. */
function listPlan(v: Viewer, q: ListCareOrdersQuery): { scope: CareScope; filters: CareFilters } {
  const township = townshipOf(v.p);
  return {
    scope: {
      all: v.supervisor,
      personIds: [...v.actingFor],
      providerIds: v.worker ? [v.worker.providerId] : [],
      workerIds: v.worker ? [v.worker.id] : [],
      placedBy: v.p.userId,
      townships: township ? [township] : [],
    },
    filters: {
      status: q.status,
      kind: q.kind,
      flagged: q.flagged === undefined ? undefined : q.flagged === '1',
    },
  };
}

/**
 * The orders a viewer may see, urgent first, newest first; masked for the viewer. Read from the rows
 * (`count` gives the total, kept by the caller when it can be).
 */
async function listFromRows(
  ctx: AppContext,
  v: Viewer,
  q: ListCareOrdersQuery,
  count: (scope: CareScope, filters: CareFilters) => Promise<number>,
): Promise<{ items: CareOrder[]; total: number }> {
  const jid = v.p.jurisdictionId;
  const { scope, filters } = listPlan(v, q);
  const [rows, total] = await Promise.all([
    repo.page(ctx.db, jid, scope, filters, q.pageSize, (q.page - 1) * q.pageSize),
    count(scope, filters),
  ]);
  const persons = await personFactsOf(
    ctx.db,
    jid,
    rows.map((r) => r.person_id),
  );
  return {
    items: rows.map((r) => orderFromRow(r, relationsOf(v, r), persons.get(r.person_id))),
    total,
  };
}

/** The orders a principal may see, read from the rows now: what a kept answer must equal. */
export async function listOrders(
  ctx: AppContext,
  p: Principal,
  q: ListCareOrdersQuery,
): Promise<{ items: CareOrder[]; total: number }> {
  return listFromRows(ctx, await viewerOf(ctx.db, p), q, (scope, filters) =>
    repo.count(ctx.db, p.jurisdictionId, scope, filters),
  );
}

/**
 * The list's answer as bytes, kept per version of the care, registry and directory logs (ADR 0005): every
 * change of an order, of an elder's record or contacts and of a worker appends to one of them in its
 * transaction, and the answer (rows, masking, allowed actions) is made from nothing else. Kept per viewer:
 * the user (whose records and job the viewer's facts are, kept at the same version), the supervisor's
 * reach and the township decide what is seen and masked.
 */
export async function listOrdersAnswer(
  ctx: AppContext,
  p: Principal,
  q: ListCareOrdersQuery,
): Promise<Answer> {
  const jid = p.jurisdictionId;
  const version = await listVersion(ctx, jid);
  const facts = p.userId
    ? await ctx.cache
        .values<ViewerFacts>('care.viewers', 2000)
        .getOrCompute(`${jid}|${p.userId}`, version, () => viewerFactsOf(ctx.db, jid, p.userId!))
    : null;
  const v = viewerFrom(p, facts);
  const key = JSON.stringify([p.userId, v.supervisor, townshipOf(p), q]);
  return ctx.cache.answers('care.lists', 8 * 1024 * 1024).get(jid, version, key, async () => {
    const totals = ctx.cache.values<number>('care.totals', 1000);
    const list = await listFromRows(ctx, v, q, (scope, filters) =>
      totals.getOrCompute(`${jid}|${JSON.stringify([scope, filters])}`, version, () =>
        repo.count(ctx.db, jid, scope, filters),
      ),
    );
    return JSON.stringify(CareOrderList.parse(list));
  });
}

type Patch = Partial<CareOrderTable>;
interface Effects {
  /** Sent after commit. */
  sms?: { to: string; code: string; kind: string };
  /** Raised after commit. */
  problem?: { title: string; description: string };
}

/** The changes of an action beyond the status, with what to do after commit. */
async function applyAction(
  ctx: AppContext,
  trx: Db,
  p: Principal,
  row: Row,
  action: CareAction,
  body: Record<string, unknown>,
  rel: Set<CareRelation>,
): Promise<{ patch: Patch; to: CareStatus; data: Record<string, unknown>; effects: Effects }> {
  const jid = p.jurisdictionId;
  const now = ctx.clock.now().toISOString();
  const kind = CARE_KINDS[row.kind as CareKindCode];
  const to = careLifecycle.enforce(action, row.status as CareStatus, rel);
  const patch: Patch = {};
  const effects: Effects = {};
  const data: Record<string, unknown> = { ...body };
  switch (action) {
    case 'reject': {
      const tried = [...(JSON.parse(row.providers_tried) as string[]), row.provider_id!];
      const next = await offer(ctx, trx, jid, row.kind as CareKindCode, row.village_code, tried);
      patch.providers_tried = JSON.stringify(tried);
      if (next) {
        // Forwarded at once to the next provider: the log shows the rejection and the forward.
        await appendLog(ctx.clock, trx, jid, {
          module: MODULE,
          refId: row.id,
          action,
          from: row.status,
          to: 'rejected',
          actor: actorOf(p),
          data,
        });
        Object.assign(patch, { provider_id: next.providerId, accept_due_at: next.acceptDueAt });
        return { patch, to: 'requested', data: { forwardedTo: next.providerId }, effects };
      }
      patch.accept_due_at = null;
      break;
    }
    case 'assign': {
      const worker = await workerById(trx, jid, String(body.workerId));
      if (!worker || worker.providerId !== row.provider_id || !worker.active)
        throw badRequest('该服务人员不属于本机构 / not a worker of this provider', [
          { path: 'workerId', message: 'unknown' },
        ]);
      patch.worker_id = worker.id;
      patch.accept_due_at = null;
      break;
    }
    case 'accept':
      patch.accept_due_at = null;
      break;
    case 'check_in': {
      const { distanceM, flags } = checkinFlags(row, body as { lat?: number; lng?: number });
      const visit = await visitPhotos(trx, p, row.id, body);
      const photos = visit.map((v) => v.hash);
      const reused = await repo.reusedPhotos(trx, jid, row.id, photos);
      await repo.addPhotos(trx, jid, row.id, visit, now);
      Object.assign(patch, {
        checkin_at: now,
        checkin_distance_m: distanceM,
        photos: JSON.stringify(photos),
        flags: JSON.stringify([...new Set([...flags, ...photoFlags(reused)])]),
      });
      Object.assign(data, { distanceM, flags });
      break;
    }
    case 'check_out': {
      const visit = await visitPhotos(trx, p, row.id, body);
      const photos = visit.map((v) => v.hash);
      const reused = await repo.reusedPhotos(trx, jid, row.id, photos);
      await repo.addPhotos(trx, jid, row.id, visit, now);
      const others = (await repo.workerVisits(trx, jid, row.worker_id!, row.id)).map((v) => ({
        checkinAt: v.checkin_at!,
        checkoutAt: v.checkout_at,
      }));
      const flags: Flag[] = [
        ...(JSON.parse(row.flags) as Flag[]),
        ...durationFlags(row.checkin_at!, now, kind.standardMinutes),
        ...overlapFlags(row.checkin_at!, now, others),
        ...photoFlags(reused),
      ];
      const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
      Object.assign(patch, {
        checkout_at: now,
        photos: JSON.stringify([...(JSON.parse(row.photos) as string[]), ...photos]),
        flags: JSON.stringify([...new Set(flags)]),
        confirm_code_hash: sha256Hex(`${row.id}:${code}`),
      });
      const person = await personFacts(trx, jid, row.person_id);
      if (person?.phone) effects.sms = { to: person.phone, code, kind: kind.name };
      data.flags = [...new Set(flags)];
      break;
    }
    case 'confirm': {
      // The worker confirms only with the code the elder received; the elder or proxy needs none.
      if (!rel.has('elder') && !rel.has('proxy')) {
        if (!body.code || sha256Hex(`${row.id}:${String(body.code)}`) !== row.confirm_code_hash)
          throw forbidden('确认码错误 / wrong confirmation code');
        data.by = 'sms_code';
      }
      delete data.code;
      break;
    }
    case 'rate': {
      const level = body.level as RatingLevel;
      Object.assign(patch, {
        rating_level: level,
        rating_comment: (body.comment as string | undefined) ?? null,
      });
      if (isBadRating(level))
        effects.problem = {
          title: `${kind.name}服务差评（${RATING_LEVEL_LABELS[level]}）`,
          description: `居家养老${kind.name}服务评价为「${RATING_LEVEL_LABELS[level]}」${body.comment ? `：${String(body.comment)}` : ''}`,
        };
      break;
    }
    case 'dispute':
      effects.problem = {
        title: `${kind.name}服务投诉`,
        description: `居家养老${kind.name}服务投诉：${String(body.reason)}`,
      };
      break;
    case 'fail':
      patch.failure_reason = String(body.reason);
      break;
    case 'clear_flags':
      if (row.flags === '[]') throw conflict('该订单没有待核查的标记 / nothing to clear');
      patch.flags_cleared_by = p.userId ?? p.username;
      break;
    default:
      break;
  }
  return { patch, to, data, effects };
}

/**
 * The photos of a check-in or check-out: the files uploaded for it (taken for the order, hashed as stored)
 * and any hashes sent alone. The reuse rule compares these hashes with every other order's.
 */
async function visitPhotos(
  trx: Db,
  p: Principal,
  orderId: string,
  body: Record<string, unknown>,
): Promise<{ hash: string; attachmentId: string | null }[]> {
  const taken = await takeAttachments(trx, p, body.attachmentIds as string[], `${MODULE}:${orderId}`);
  return [
    ...taken.map((f) => ({ hash: f.sha256, attachmentId: f.id })),
    ...(body.photos as string[]).map((hash) => ({ hash, attachmentId: null })),
  ];
}

/** Takes an action on an order: 403 without the relation, 409 in the wrong status, 400 for a bad body. */
export async function act(
  ctx: AppContext,
  p: Principal,
  id: string,
  action: string,
  rawBody: unknown,
): Promise<CareOrder> {
  if (!careLifecycle.isAction(action)) throw notFound(`action ${action}`);
  const jid = p.jurisdictionId;
  const parsed = CareActionBodies[action].safeParse(rawBody ?? {});
  const effects = await ctx.database.write(async (trx) => {
    const row = await repo.order(trx, jid, id);
    if (!row) throw notFound('服务订单 / order');
    const rel = relationsOf(await viewerOf(trx, p), row);
    if (!visible(p, row, rel)) throw notFound('服务订单 / order');
    careLifecycle.enforce(action, row.status as CareStatus, rel);
    if (!parsed.success)
      throw badRequest(
        parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      );
    const r = await applyAction(ctx, trx, p, row, action, parsed.data as Record<string, unknown>, rel);
    if (
      !(await repo.update(trx, jid, id, row.version, {
        ...r.patch,
        status: r.to,
        updated_at: ctx.clock.now().toISOString(),
      }))
    )
      throw conflict('订单已被他人更新，请刷新 / changed meanwhile, reload');
    await appendLog(ctx.clock, trx, jid, {
      module: MODULE,
      refId: id,
      action: action === 'reject' && r.to === 'requested' ? 'forward' : action,
      from: action === 'reject' && r.to === 'requested' ? 'rejected' : row.status,
      to: r.to,
      actor: action === 'reject' && r.to === 'requested' ? SYSTEM_ACTOR : actorOf(p),
      data: r.data,
    });
    return { ...r.effects, row };
  });
  await afterCommit(ctx, p, effects.row, effects);
  return getOrder(ctx, p, id);
}

/** SMS and bridged problems, after the order's change has committed. */
async function afterCommit(ctx: AppContext, p: Principal, row: Row, e: Effects): Promise<void> {
  const jid = p.jurisdictionId;
  if (e.sms) {
    try {
      await ctx.sms.send({
        to: e.sms.to,
        template: 'care_confirm',
        params: { kind: e.sms.kind, code: e.sms.code },
        jurisdictionId: jid,
      });
    } catch (err) {
      // The elder can still confirm in the app; the failure is logged, the visit stands.
      ctx.log.warn({ err: String(err), order: row.id }, 'care confirmation SMS not sent');
    }
  }
  if (e.problem) {
    const raised = await raiseProblem(ctx, {
      reporter: p,
      module: MODULE,
      refId: row.id,
      categoryCode: 'elderly_care',
      unitName: CIVIL_AFFAIRS,
      title: e.problem.title,
      description: e.problem.description,
      villageCode: row.village_code,
      fields: { services: [CARE_KINDS[row.kind as CareKindCode].name] },
    });
    await ctx.database.write(async (trx) => {
      await trx
        .updateTable('care_orders')
        .set({ problem_id: raised.problemId })
        .where('jurisdiction_id', '=', jid)
        .where('id', '=', row.id)
        .execute();
      await appendLog(ctx.clock, trx, jid, {
        module: MODULE,
        refId: row.id,
        action: 'raise_problem',
        from: null,
        to: null,
        actor: SYSTEM_ACTOR,
        data: { problemId: raised.problemId, number: raised.number },
      });
    });
  }
}
