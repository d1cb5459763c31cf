import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { nextCounter } from '../../db/counters.ts';
import type { WriteBatch } from '../../db/writes.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { maskPhone } from '../../kernel/mask.ts';
import { hasRole, type Principal } from '../../kernel/roles.ts';
import { problemSearchText } from '../../kernel/text.ts';
import { Answer, AnswerCache, VersionedCache } from '../../kernel/versionedCache.ts';
import { idempotencyRepository } from '../../platform/idempotency.repository.ts';

/** The Idempotency-Key of the request a write serves, recorded in the write's own transaction. */
export interface IdempotencyRef {
  principal: string;
  key: string;
}
import { validateUscc } from '../../kernel/identifiers.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import type { ReferenceData } from '../reference/reference.service.ts';
import type { Category } from '../reference/reference.schema.ts';
import { linkAttachments, attachmentsOf } from '../attachments/index.ts';
import { usersRepository } from '../users/users.repository.ts';
import {
  ACTIONS,
  LOG_ONLY_LABELS,
  RATING_LABELS,
  STATUS_LABELS,
  TRANSITIONS,
  transitionFrom,
  type ActionName,
  type Status,
} from './problems.lifecycle.ts';
import { canSee, roleDenial, visibilityOf, type ProblemFacts } from './problems.policy.ts';
import { changeProblem, ConcurrentChange, insertProblems } from './problems.changes.ts';
import { actorOf, SYSTEM, type Actor } from './problems.log.ts';
import { rollupQueryOf, unitSplitOf, unitStatusSplitOf } from './problems.rollup.ts';
import {
  countFromRollup,
  problemsRepository,
  SORT_FIELDS,
  type ActionRow,
  type FilterContext,
  type ProblemRow,
  type SortKey,
} from './problems.repository.ts';
import {
  ActionBodies,
  type Action,
  type CreateProblem,
  type ListProblemsQuery,
  type Problem,
  type ProblemDetail,
  type ProblemFilters,
  type Result,
} from './problems.schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Whether the viewer may see the reporter's full phone number. */
function seesContact(viewer: Principal | null, row: ProblemRow): boolean {
  if (!viewer) return false;
  if (viewer.userId && viewer.userId === row.reporter_user_id) return true;
  if (hasRole(viewer, 'supervisor', 'admin')) return true;
  return hasRole(viewer, 'unit_handler') && !!row.lead_unit_id && viewer.unitIds.includes(row.lead_unit_id);
}

/** Maps a row to the API's problem; contact details masked unless `fullContact`. */
export function problemFromRow(
  row: ProblemRow,
  ref: ReferenceData,
  supporting: string[],
  fullContact: boolean,
): Problem {
  const cat = ref.categories.get(row.category_code);
  const unitRef = (id: string) => ({ id, name: ref.units.get(id)?.name ?? id });
  const pending = row.pending_extension
    ? (JSON.parse(row.pending_extension) as { until: string; reason: string })
    : null;
  return {
    id: row.id,
    number: row.number,
    kind: row.kind,
    domain: row.domain,
    domainName: ref.domains.get(row.domain)?.name ?? row.domain,
    categoryCode: row.category_code,
    categoryName: cat?.name ?? row.category_code,
    channel: row.channel,
    title: row.title,
    description: row.description,
    status: row.status as Status,
    statusLabel: STATUS_LABELS[row.status as Status] ?? row.status,
    dueState: row.due_state,
    urgency: row.urgency,
    rectificationType: row.rectification_type,
    reporter:
      row.reporter_name || row.reporter_phone
        ? {
            name: row.reporter_name,
            phone: fullContact ? row.reporter_phone : (maskPhone(row.reporter_phone) ?? null),
          }
        : null,
    enterprise: row.enterprise_name ? { name: row.enterprise_name, uscc: row.enterprise_uscc } : null,
    townshipCode: row.township_code,
    townshipName: ref.divisionName(row.township_code),
    villageCode: row.village_code,
    villageName: ref.divisionName(row.village_code),
    address: row.address,
    lat: row.lat,
    lng: row.lng,
    campaignId: row.campaign_id,
    topicId: row.topic_id,
    visitId: row.visit_id,
    leadUnit: row.lead_unit_id ? unitRef(row.lead_unit_id) : null,
    supportingUnits: supporting.map(unitRef),
    respondDueAt: row.respond_due_at,
    closeDueAt: row.close_due_at,
    dispatchedAt: row.dispatched_at,
    respondedAt: row.responded_at,
    closedAt: row.closed_at,
    resolved: row.resolved === 1,
    rating: row.rating,
    mergedIntoId: row.merged_into_id,
    pendingExtension: pending,
    pressCount: row.press_count,
    reopenCount: row.reopen_count,
    bounceCount: row.bounce_count,
    fields: JSON.parse(row.fields) as Record<string, unknown>,
    foundOn: row.found_on,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** Maps an action row to the API's action. */
export function actionFromRow(r: ActionRow, ref: ReferenceData): Action {
  const label = TRANSITIONS[r.action as ActionName]?.label ?? LOG_ONLY_LABELS[r.action] ?? r.action;
  return {
    id: r.id,
    seq: Number(r.seq),
    action: r.action,
    label,
    fromStatus: r.from_status,
    toStatus: r.to_status,
    actor: {
      id: r.actor_user_id,
      name: r.actor_name,
      unitId: r.actor_unit_id,
      unitName: r.actor_unit_id ? (ref.units.get(r.actor_unit_id)?.name ?? null) : null,
    },
    note: r.note,
    data: JSON.parse(r.data) as Record<string, unknown>,
    public: r.is_public === 1,
    createdAt: r.created_at,
  };
}

async function factsOf(
  db: Db,
  row: ProblemRow,
  supporting?: string[],
  needTopicLead = true,
): Promise<ProblemFacts> {
  return {
    townshipCode: row.township_code,
    leadUnitId: row.lead_unit_id,
    supportingUnitIds:
      supporting ??
      (await problemsRepository.supportingUnits(db, row.jurisdiction_id, [row.id])).get(row.id) ??
      [],
    reporterUserId: row.reporter_user_id,
    // Only an official's visibility depends on who leads the topic: the query is skipped otherwise.
    topicLeadId: needTopicLead
      ? await problemsRepository.topicLead(db, row.jurisdiction_id, row.topic_id)
      : null,
  };
}

/** Checks a problem's extra fields against its category's form. */
export function validateFields(
  cat: Category,
  fields: Record<string, unknown> | undefined,
): { path: string; message: string }[] {
  const errors: { path: string; message: string }[] = [];
  const given = fields ?? {};
  const known = new Set(cat.fields.map((f) => f.code));
  for (const key of Object.keys(given))
    if (!known.has(key))
      errors.push({ path: `fields.${key}`, message: `unknown field for category ${cat.code}` });
  for (const f of cat.fields) {
    const v = given[f.code];
    const path = `fields.${f.code}`;
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) {
      if (f.required) errors.push({ path, message: `${f.label}为必填项 / required` });
      continue;
    }
    switch (f.type) {
      case 'number':
        if (
          typeof v !== 'number' &&
          !(typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)))
        )
          errors.push({ path, message: `${f.label}应为数字 / must be a number` });
        break;
      case 'datetime':
        if (typeof v !== 'string' || Number.isNaN(Date.parse(v)))
          errors.push({ path, message: `${f.label}应为日期时间 / must be a date-time` });
        break;
      case 'single':
        if (typeof v !== 'string' || !f.options?.some((o) => o.value === v))
          errors.push({ path, message: `${f.label}的取值无效 / not one of the options` });
        break;
      case 'multi':
        if (!Array.isArray(v) || v.some((x) => !f.options?.some((o) => o.value === x)))
          errors.push({ path, message: `${f.label}的取值无效 / values must be among the options` });
        break;
      default:
        if (typeof v !== 'string') errors.push({ path, message: `${f.label}应为文本 / must be text` });
    }
  }
  return errors;
}

/** Default channel by who reports. */
function defaultChannel(p: Principal, input: CreateProblem): CreateProblem['channel'] & string {
  if (input.visitId) return 'visit';
  if (p.via === 'api_key') return 'open311';
  if (hasRole(p, 'enterprise')) return 'enterprise';
  if (hasRole(p, 'resident')) return 'resident';
  return 'operator';
}

/** The items by key, each group in the items' order. */
function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** A problem ready to be written: validated, its row made, only its number still to take. */
interface NewProblem {
  ctx: AppContext;
  p: Principal;
  row: ProblemRow;
  now: Date;
  channel: string;
  attachmentIds?: string[];
  idempotency?: IdempotencyRef;
}

/**
 * Writes the problems submitted together in one write batch (see Database.writeGrouped), each with its
 * `submit` action: one counter update takes their numbers, one insert writes them, one counter update and
 * one insert append their actions to the log; attachments and idempotency keys are per problem. Their
 * search index entries go in with the batch's others at its end. Returns each one's action, in order.
 */
async function submitProblems(
  trx: Transaction<DB>,
  items: NewProblem[],
  batch: WriteBatch,
): Promise<ActionRow[]> {
  const ctx = items[0]!.ctx;
  // The reporter's name and phone from the account where the report did not give them: one read a
  // jurisdiction for the whole batch.
  for (const [jid, group] of groupBy(items, (it) => it.row.jurisdiction_id)) {
    const ids = group.flatMap((it) =>
      it.p.userId && (it.row.reporter_name === null || it.row.reporter_phone === null) ? [it.p.userId] : [],
    );
    const users = ids.length ? await usersRepository.contacts(trx, jid, [...new Set(ids)]) : [];
    const byId = new Map(users.map((u) => [u.id, u]));
    for (const it of group) {
      const user = it.p.userId ? byId.get(it.p.userId) : undefined;
      it.row.reporter_name ??= user?.display_name ?? (it.p.via === 'api_key' ? null : it.p.displayName);
      it.row.reporter_phone ??= user?.phone ?? null;
    }
  }
  // Numbers: one counter per jurisdiction and year (local time), e.g. HT-2024-000123.
  const byYear = groupBy(
    items,
    (it) => `${it.row.jurisdiction_id}|${new Date(it.now.getTime() + 8 * 3600_000).getUTCFullYear()}`,
  );
  for (const [key, group] of byYear) {
    const [jid, year] = key.split('|') as [string, string];
    const prefix = ctx.jurisdictions.find((j) => j.id === jid)?.numberPrefix ?? 'QD';
    const last = await nextCounter(trx, jid, `problem_number:${year}`, group.length);
    group.forEach((it, i) => {
      it.row.number = `${prefix}-${year}-${String(last - group.length + 1 + i).padStart(6, '0')}`;
    });
  }
  // Written with their `submit` actions: one insert and one append per jurisdiction, in the order they came.
  const actions = new Map<NewProblem, ActionRow>();
  for (const [jid, group] of groupBy(items, (it) => it.row.jurisdiction_id)) {
    const rows = await insertProblems(
      trx,
      jid,
      group.map((it) => it.row),
      group.map((it) => ({
        action: 'submit',
        actor: actorOf(it.p),
        note: null,
        data: { channel: it.channel },
        public: true,
        at: it.row.created_at,
      })),
      group.length > 1 ? { dialect: ctx.dialect } : {},
    );
    group.forEach((it, i) => actions.set(it, rows[i]!));
  }
  for (const { row } of items) {
    // Indexed at the end of the batch, with the batch's other new problems, in the same transaction (see
    // WriteBatch.deferItem).
    const tokens = problemSearchText(row);
    batch.deferItem(
      'search-index',
      { jurisdictionId: row.jurisdiction_id, problemId: row.id, tokens },
      (t, rows) => ctx.dialect.indexProblems(t, rows),
    );
  }
  for (const it of items) {
    const action = actions.get(it)!;
    if (it.attachmentIds?.length)
      await linkAttachments(ctx, trx, it.p, it.attachmentIds, { problemId: it.row.id, actionId: action.id });
    if (it.idempotency)
      await idempotencyRepository.markCommitted(
        trx,
        it.row.jurisdiction_id,
        it.idempotency.principal,
        it.idempotency.key,
        201,
        it.row.id,
      );
  }
  return items.map((it) => actions.get(it)!);
}

/** Submits a problem (提交): validated whole, written in one transaction with its first action. */
export async function createProblem(
  ctx: AppContext,
  p: Principal,
  input: CreateProblem,
  opts: { channel?: string; idempotency?: IdempotencyRef } = {},
): Promise<ProblemDetail> {
  const jid = p.jurisdictionId;
  const ref = await ctx.reference.get(jid);
  const errors: { path: string; message: string }[] = [];
  const cat = ref.categories.get(input.categoryCode);
  if (!cat || !cat.active)
    errors.push({ path: 'categoryCode', message: `unknown category ${input.categoryCode}` });
  if (cat && input.kind && input.kind !== cat.kind)
    errors.push({ path: 'kind', message: `category ${cat.code} is of kind ${cat.kind}` });
  const village = ref.divisions.get(input.villageCode);
  if (!village) errors.push({ path: 'villageCode', message: `unknown division code ${input.villageCode}` });
  if ((input.lat === undefined) !== (input.lng === undefined))
    errors.push({ path: input.lat === undefined ? 'lat' : 'lng', message: 'lat and lng go together' });
  if (cat) errors.push(...validateFields(cat, input.fields));
  let campaignId: string | null = null;
  let topicId = input.topicId ?? null;
  if (input.visitId) {
    const visit = await ctx.db
      .selectFrom('visits')
      .select(['topic_id'])
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', input.visitId)
      .executeTakeFirst();
    if (!visit) errors.push({ path: 'visitId', message: `unknown visit ${input.visitId}` });
    else if (topicId && topicId !== visit.topic_id)
      errors.push({ path: 'topicId', message: 'the visit belongs to another topic' });
    else topicId = visit.topic_id;
  }
  if (topicId) {
    const topic = await ctx.db
      .selectFrom('topics')
      .select(['campaign_id'])
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', topicId)
      .executeTakeFirst();
    if (!topic) errors.push({ path: 'topicId', message: `unknown topic ${topicId}` });
    else campaignId = topic.campaign_id;
  }
  if (input.enterprise?.uscc) {
    const u = validateUscc(input.enterprise.uscc);
    if (!u.valid)
      errors.push({ path: 'enterprise.uscc', message: u.message ?? '统一社会信用代码格式不正确' });
  }
  if (errors.length) throw badRequest(errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);

  const now = ctx.clock.now();
  const at = now.toISOString();
  const id = uuidv7();
  const channel = (opts.channel ?? input.channel ?? defaultChannel(p, input)) as string;
  const row: ProblemRow = {
    jurisdiction_id: jid,
    id,
    number: '',
    kind: cat!.kind,
    domain: cat!.domain,
    category_code: cat!.code,
    channel,
    title: input.title,
    description: input.description,
    reporter_user_id: p.userId,
    // What the report does not say is filled from the reporter's account as the problem is written.
    reporter_name: input.reporter?.name ?? null,
    reporter_phone: input.reporter?.phone ?? null,
    enterprise_name: input.enterprise?.name ?? null,
    enterprise_uscc: input.enterprise?.uscc ? validateUscc(input.enterprise.uscc).normalized : null,
    township_code: ref.townshipOf(input.villageCode),
    village_code: village!.level === 'village' ? input.villageCode : null,
    address: input.address ?? null,
    lat: input.lat ?? null,
    lng: input.lng ?? null,
    campaign_id: campaignId,
    topic_id: topicId,
    visit_id: input.visitId ?? null,
    lead_unit_id: null,
    rectification_type: null,
    urgency: input.urgency ?? 'normal',
    status: 'submitted',
    due_state: 'none',
    respond_due_at: null,
    close_due_at: null,
    dispatched_at: null,
    responded_at: null,
    closed_at: null,
    close_hours: null,
    resolved: 0,
    rating: null,
    merged_into_id: null,
    pending_extension: null,
    bounce_count: 0,
    press_count: 0,
    reopen_count: 0,
    fields: JSON.stringify(input.fields ?? {}),
    found_on: input.foundOn ?? null,
    created_at: at,
    updated_at: at,
    version: 1,
  };
  const submit = await ctx.database.writeGrouped<NewProblem, ActionRow>(
    'submit-problem',
    { ctx, p, row, now, channel, attachmentIds: input.attachmentIds, idempotency: opts.idempotency },
    submitProblems,
  );
  // The submitter gets its problem back even when it may not list problems (an integration key). Without
  // attachments everything it holds was just written: it is made from that instead of read back.
  if (input.attachmentIds?.length) return getProblem(ctx, p, id, true);
  return freshDetail(ctx, p, ref, row, submit);
}

/** The detail of a problem just submitted without attachments, as getProblem would read it. */
async function freshDetail(
  ctx: AppContext,
  p: Principal,
  ref: ReferenceData,
  row: ProblemRow,
  submit: ActionRow,
): Promise<ProblemDetail> {
  const visibility = visibilityOf(p);
  const facts = await factsOf(ctx.db, row, [], !visibility.all && !!visibility.topicLeadId && !!row.topic_id);
  const staff = hasRole(p, 'official', 'unit_handler', 'supervisor', 'leader', 'admin');
  return {
    ...problemFromRow(row, ref, [], seesContact(p, row)),
    actions: staff || submit.is_public === 1 ? [actionFromRow(submit, ref)] : [],
    result: null,
    attachments: [],
    allowedActions: allowedActions(p, row, facts),
    mergedProblems: [],
  };
}

/** Loads a problem the principal may see, or 404. */
async function loadVisible(ctx: AppContext, db: Db, p: Principal | null, id: string, asSubmitter = false) {
  const jid = p?.jurisdictionId ?? '';
  const row = await problemsRepository.findById(db, jid, id);
  if (!row) throw notFound('problem');
  const supporting = (await problemsRepository.supportingUnits(db, jid, [id])).get(id) ?? [];
  const visibility = p ? visibilityOf(p) : null;
  const facts = await factsOf(
    db,
    row,
    supporting,
    !!visibility && !visibility.all && !!visibility.topicLeadId && !!row.topic_id,
  );
  if (!p || (!asSubmitter && !canSee(visibility!, facts))) throw notFound('problem');
  return { row, supporting, facts };
}

/** The actions this principal may take now on the problem. */
export function allowedActions(p: Principal, row: ProblemRow, facts: ProblemFacts): ActionName[] {
  return ACTIONS.filter((a) => {
    if (roleDenial(p, facts, a)) return false;
    if (transitionFrom(a, row.status as Status) === 'not_allowed') return false;
    if (a === 'decide_extension' && !row.pending_extension) return false;
    if (a === 'request_extension' && row.pending_extension) return false;
    if (a === 'rate' && row.rating) return false;
    return true;
  });
}

/** A problem with its log, result, attachments and the actions the viewer may take. */
export async function getProblem(
  ctx: AppContext,
  p: Principal,
  id: string,
  asSubmitter = false,
): Promise<ProblemDetail> {
  const jid = p.jurisdictionId;
  const { row, supporting, facts } = await loadVisible(ctx, ctx.db, p, id, asSubmitter);
  const ref = await ctx.reference.get(jid);
  const [actions, results, attachments, merged] = await Promise.all([
    problemsRepository.actions(ctx.db, jid, id),
    problemsRepository.results(ctx.db, jid, [id]),
    attachmentsOf(ctx, jid, id),
    problemsRepository.mergedInto(ctx.db, jid, id),
  ]);
  const staff = hasRole(p, 'official', 'unit_handler', 'supervisor', 'leader', 'admin');
  return {
    ...problemFromRow(row, ref, supporting, seesContact(p, row)),
    actions: actions.filter((a) => staff || a.is_public === 1).map((a) => actionFromRow(a, ref)),
    result: resultOf(ref, results.results[0], results.indicators),
    attachments,
    allowedActions: allowedActions(p, row, facts),
    mergedProblems: merged.map((m) => ({ id: m.id, number: m.number, title: m.title, status: m.status })),
  };
}

/**
 * Serialised answers of the read API kept per data version (the number of the last action: every change
 * of a problem appends one in the same transaction) and per load of the reference data (names in the
 * answers): exact right after any write in any process, free while nothing changes. Bounded by bytes.
 */
const answers = new AnswerCache(8 * 1024 * 1024);

/** Who a detail answer is for: everything about the principal that can change it. */
function principalKey(p: Principal): string {
  return [
    p.userId ?? p.apiKeyId ?? '-',
    p.roles.join(','),
    p.unitIds.join(','),
    p.scope.kind,
    p.scope.ref,
  ].join('|');
}

/** GET /api/problems/:id as JSON text, from the answer cache when nothing changed. */
export async function getProblemJson(ctx: AppContext, p: Principal, id: string): Promise<Answer> {
  const version = await problemsRepository.dataVersion(ctx.db, p.jurisdictionId, ctx.dialect);
  const ref = await ctx.reference.get(p.jurisdictionId);
  const key = JSON.stringify(['detail', id, principalKey(p), ref.serial]);
  return answers.get(p.jurisdictionId, version, key, async () =>
    JSON.stringify(await getProblem(ctx, p, id)),
  );
}

/** GET /api/problems as JSON text, from the answer cache when nothing changed (not for clock filters). */
export async function listProblemsJson(
  ctx: AppContext,
  p: Principal,
  query: ListProblemsQuery,
): Promise<Answer> {
  if (query.overdue || query.dueState) return new Answer(JSON.stringify(await listProblems(ctx, p, query)));
  const fc = filterContext(ctx, p, query);
  const version = await problemsRepository.dataVersion(ctx.db, p.jurisdictionId, ctx.dialect);
  const ref = await ctx.reference.get(p.jurisdictionId);
  const key = JSON.stringify(['list', query, fc.visibility, fc.mineUserId, ref.serial]);
  return answers.get(p.jurisdictionId, version, key, async () =>
    JSON.stringify(await listProblems(ctx, p, query)),
  );
}

/** Maps a result and its indicators (scaled integers back to their units). */
export function resultOf(
  ref: ReferenceData,
  r: { summary: string; mechanism: string | null; created_at: string } | undefined,
  indicators: { problem_id: string; code: string; value_scaled: number }[],
): Result | null {
  if (!r) return null;
  return {
    summary: r.summary,
    mechanism: r.mechanism,
    createdAt: r.created_at,
    indicators: indicators.map((i) => {
      const def = ref.indicators.get(i.code);
      return {
        code: i.code,
        name: def?.name ?? i.code,
        unit: def?.unit ?? '',
        value: Number(i.value_scaled) / (def?.scale ?? 1),
      };
    }),
  };
}

/** The filter context of a principal's request. */
export function filterContext(ctx: AppContext, p: Principal, filters: ProblemFilters): FilterContext {
  return {
    jurisdictionId: p.jurisdictionId,
    filters,
    visibility: visibilityOf(p),
    now: ctx.clock.now().toISOString(),
    dialect: ctx.dialect,
    mineUserId: filters.mine ? (p.userId ?? '-') : null,
  };
}

const countCache = new VersionedCache<number>(1000);

/**
 * Lists problems the principal may see, filtered, sorted and paged. The total is cached per data version
 * (exact after every write); filters that depend on the clock (overdue, due state) are always counted.
 */
export async function listProblems(
  ctx: AppContext,
  p: Principal,
  query: ListProblemsQuery,
): Promise<{ items: Problem[]; total: number; page: number; pageSize: number; nextCursor: string | null }> {
  const fc = filterContext(ctx, p, query);
  const desc = query.sort.startsWith('-');
  const sort = query.sort.replace(/^-/, '') as SortKey;
  const after = query.cursor ? cursorPosition(query.cursor, query.sort, query.page) : undefined;
  const { page: _page, pageSize: _size, sort: _sort, cursor: _cursor, ...filters } = query;
  const timeDependent = !!(query.overdue || query.dueState);
  const countKey = JSON.stringify([p.jurisdictionId, filters, fc.visibility, fc.mineUserId]);
  const version = timeDependent
    ? -1
    : await problemsRepository.dataVersion(ctx.db, p.jurisdictionId, ctx.dialect);
  // The total from the rollup by status when the filters are on its grain (a few hundred rows); a unit's
  // problems from the full rollup for those it leads and counted for the rest (see unitSplitOf); else counted.
  const rollup = timeDependent ? null : rollupQueryOf({ ...fc, filters });
  const split = timeDependent || rollup ? null : unitSplitOf({ ...fc, filters });
  // A unit's list by status alone: those it leads counted from the index of lead units by status.
  const byStatus = timeDependent || rollup || split ? null : unitStatusSplitOf({ ...fc, filters });
  const led = split
    ? () => countFromRollup(ctx.db, split.led)
    : byStatus
      ? () => problemsRepository.countLed(ctx.db, p.jurisdictionId, byStatus.unitIds, byStatus.statuses)
      : null;
  const rest = split?.rest ?? byStatus?.rest;
  const count = async () => {
    if (rollup) return countFromRollup(ctx.db, rollup);
    if (!led || !rest) return problemsRepository.count(ctx.db, fc);
    const [a, b] = await Promise.all([led(), problemsRepository.count(ctx.db, rest)]);
    return a + b;
  };
  const [items, total] = await Promise.all([
    problemsRepository.list(ctx.db, fc, sort, desc, query.pageSize, (query.page - 1) * query.pageSize, after),
    timeDependent ? count() : countCache.getOrCompute(countKey, version, count),
  ]);
  const ref = await ctx.reference.get(p.jurisdictionId);
  const supporting = await problemsRepository.supportingUnits(
    ctx.db,
    p.jurisdictionId,
    items.map((i) => i.id),
  );
  return {
    items: items.map((r) => problemFromRow(r, ref, supporting.get(r.id) ?? [], false)),
    total,
    page: query.page,
    pageSize: query.pageSize,
    // A full page may have more after it: where to go on from its last problem.
    nextCursor: items.length === query.pageSize ? cursorOf(query.sort, items[items.length - 1]!, sort) : null,
  };
}

/** The cursor after a row: the order it belongs to, the row's value in that order, and its id. */
function cursorOf(order: string, row: ProblemRow, sort: SortKey): string {
  return Buffer.from(JSON.stringify([order, row[SORT_FIELDS[sort]], row.id])).toString('base64url');
}

/** Where a cursor points, for the order it must have been made in; 400 for anything else. */
function cursorPosition(cursor: string, order: string, page: number): { value: string | null; id: string } {
  if (page !== 1) throw badRequest('cursor: a cursor continues a list by itself; it takes no page');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    typeof parsed[0] !== 'string' ||
    (parsed[1] !== null && typeof parsed[1] !== 'string') ||
    typeof parsed[2] !== 'string'
  )
    throw badRequest('cursor: not a cursor this list gave (use the nextCursor of the previous page)');
  if (parsed[0] !== order)
    throw badRequest(
      `cursor: it continues the order ${parsed[0]}, not ${order}; ask with sort=${parsed[0]} or start again without a cursor`,
    );
  return { value: parsed[1] as string | null, id: parsed[2] as string };
}

function deadlines(ref: ReferenceData, categoryCode: string, urgency: string, from: Date) {
  const rule = ref.ruleFor(categoryCode, urgency);
  return {
    respondDueAt: ref.calendar.addWorkingHours(from, rule.respondHours).toISOString(),
    closeDueAt: ref.calendar.addWorkingDays(from, rule.closeDays).toISOString(),
    rule,
  };
}

/** What dispatching now would set as deadlines (for the console's preview). */
export async function previewDeadlines(ctx: AppContext, p: Principal, id: string, urgency?: string) {
  const { row } = await loadVisible(ctx, ctx.db, p, id);
  const ref = await ctx.reference.get(p.jurisdictionId);
  return deadlines(ref, row.category_code, urgency ?? row.urgency, ctx.clock.now());
}

function notification(
  jid: string,
  at: string,
  n: {
    unitId?: string | null;
    role?: string | null;
    userId?: string | null;
    kind: string;
    problem: ProblemRow;
    title: string;
    body: string;
  },
) {
  return {
    jurisdiction_id: jid,
    id: uuidv7(),
    user_id: n.userId ?? null,
    unit_id: n.unitId ?? null,
    role: n.role ?? null,
    kind: n.kind,
    problem_id: n.problem.id,
    title: n.title,
    body: n.body,
    created_at: at,
    read_at: null,
  };
}

/**
 * Takes an action on a problem: checks the role (403), then the status (409), validates the body (400),
 * and writes the new state and the log entry in one transaction. Retries once on a concurrent change.
 */
export async function act(
  ctx: AppContext,
  p: Principal,
  id: string,
  action: string,
  rawBody: unknown,
  opts: { idempotency?: IdempotencyRef } = {},
): Promise<ProblemDetail> {
  if (!(ACTIONS as readonly string[]).includes(action)) throw notFound(`action ${action}`);
  const name = action as ActionName;
  const parsed = ActionBodies[name].safeParse(rawBody ?? {});
  for (let attempt = 0; ; attempt++) {
    try {
      await ctx.database.write(async (trx) => {
        const { row, facts } = await loadVisible(ctx, trx, p, id);
        const denial = roleDenial(p, facts, name);
        if (denial) throw forbidden(denial);
        const to = transitionFrom(name, row.status as Status);
        if (to === 'not_allowed')
          throw conflict(
            `「${STATUS_LABELS[row.status as Status]}」状态下不能执行「${TRANSITIONS[name].label}」/ cannot ${name} a problem that is ${row.status}`,
          );
        if (!parsed.success) {
          const details = parsed.error.issues.map((i) => ({
            path: i.path.join('.') || 'body',
            message: i.message,
          }));
          throw badRequest(details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
        }
        await applyAction(ctx, trx, p, row, facts, name, to, parsed.data as Record<string, unknown>);
        if (opts.idempotency) {
          await idempotencyRepository.markCommitted(
            trx,
            p.jurisdictionId,
            opts.idempotency.principal,
            opts.idempotency.key,
            200,
            id,
          );
        }
      });
      break;
    } catch (err) {
      if (err instanceof ConcurrentChange && attempt < 2) continue;
      if (err instanceof ConcurrentChange)
        throw conflict('the problem was changed at the same time; reload and try again');
      throw err;
    }
  }
  return getProblem(ctx, p, id);
}

async function applyAction(
  ctx: AppContext,
  trx: Db,
  p: Principal,
  row: ProblemRow,
  facts: ProblemFacts,
  name: ActionName,
  to: Status,
  body: Record<string, unknown>,
): Promise<void> {
  const jid = p.jurisdictionId;
  const ref = await ctx.reference.get(jid);
  const now = ctx.clock.now();
  const at = now.toISOString();
  const patch: Partial<ProblemRow> = { status: to, updated_at: at };
  const notes: ReturnType<typeof notification>[] = [];
  let note: string | null = (body.reason ?? body.note ?? body.summary ?? body.comment ?? null) as
    string | null;
  const data: Record<string, unknown> = {};
  let attachments: string[] = [];
  const after: (() => Promise<void>)[] = [];

  switch (name) {
    case 'resubmit': {
      if (body.title) patch.title = body.title as string;
      if (body.description) patch.description = body.description as string;
      break;
    }
    case 'dispatch': {
      const lead = body.leadUnitId as string;
      const supporting = (body.supportingUnitIds as string[] | undefined) ?? [];
      const bad = [lead, ...supporting].filter((u) => !ref.units.get(u)?.active);
      if (bad.length)
        throw badRequest(
          `unknown or inactive unit: ${bad.join(', ')}`,
          bad.map((u) => ({
            path: u === lead ? 'leadUnitId' : 'supportingUnitIds',
            message: `unknown unit ${u}`,
          })),
        );
      const urgency = (body.urgency as string | undefined) ?? row.urgency;
      const d = deadlines(ref, row.category_code, urgency, now);
      Object.assign(patch, {
        lead_unit_id: lead,
        urgency,
        rectification_type:
          (body.rectificationType as string | undefined) ?? row.rectification_type ?? 'deadline',
        dispatched_at: at,
        responded_at: null,
        respond_due_at: d.respondDueAt,
        close_due_at: d.closeDueAt,
        due_state: 'normal',
      });
      Object.assign(data, {
        leadUnitId: lead,
        supportingUnitIds: supporting,
        respondDueAt: d.respondDueAt,
        closeDueAt: d.closeDueAt,
        rule: d.rule,
      });
      after.push(() => problemsRepository.setUnits(trx, jid, row.id, lead, supporting));
      for (const u of [lead, ...supporting]) {
        notes.push(
          notification(jid, at, {
            unitId: u,
            kind: 'dispatched',
            problem: row,
            title: `新交办：${row.number}`,
            body: `${row.title}，请于 ${d.respondDueAt.slice(0, 16)} 前签收`,
          }),
        );
      }
      break;
    }
    case 'sign':
      patch.responded_at = at;
      break;
    case 'bounce':
      patch.bounce_count = row.bounce_count + 1;
      patch.due_state = 'none';
      notes.push(
        notification(jid, at, {
          role: 'supervisor',
          kind: 'bounced',
          problem: row,
          title: `退单：${row.number}`,
          body: String(body.reason),
        }),
      );
      break;
    case 'progress':
      attachments = (body.attachments as string[] | undefined) ?? [];
      break;
    case 'request_extension': {
      const until = new Date(body.until as string);
      if (until.getTime() <= now.getTime())
        throw badRequest('until: must be in the future', [
          { path: 'until', message: 'must be in the future' },
        ]);
      if (row.close_due_at && until.toISOString() <= row.close_due_at)
        throw badRequest('until: must be after the current deadline', [
          { path: 'until', message: 'must be after the current deadline' },
        ]);
      patch.pending_extension = JSON.stringify({ until: until.toISOString(), reason: body.reason });
      data.until = until.toISOString();
      notes.push(
        notification(jid, at, {
          role: 'supervisor',
          kind: 'extension_requested',
          problem: row,
          title: `延期申请：${row.number}`,
          body: String(body.reason),
        }),
      );
      break;
    }
    case 'decide_extension': {
      if (!row.pending_extension) throw conflict('没有待审批的延期申请 / no extension is pending');
      const pending = JSON.parse(row.pending_extension) as { until: string };
      patch.pending_extension = null;
      data.approve = body.approve;
      if (body.approve) {
        const until = body.until ? new Date(body.until as string).toISOString() : pending.until;
        patch.close_due_at = until;
        patch.due_state = until > at ? 'normal' : 'overdue';
        data.until = until;
      }
      if (row.lead_unit_id)
        notes.push(
          notification(jid, at, {
            unitId: row.lead_unit_id,
            kind: 'extension_decided',
            problem: row,
            title: `延期${body.approve ? '已批准' : '未批准'}：${row.number}`,
            body: String(body.note ?? ''),
          }),
        );
      break;
    }
    case 'request_closure': {
      const indicators = body.indicators as { code: string; value: number }[];
      const bad = indicators.filter((i) => !ref.indicators.has(i.code));
      if (bad.length)
        throw badRequest(
          `unknown indicator: ${bad.map((b) => b.code).join(', ')}`,
          bad.map((b, i) => ({ path: `indicators.${i}.code`, message: `unknown indicator ${b.code}` })),
        );
      const scaled = indicators.map((i) => ({
        code: i.code,
        value_scaled: Math.round(i.value * ref.indicators.get(i.code)!.scale),
      }));
      after.push(() =>
        problemsRepository.upsertResult(
          trx,
          jid,
          row.id,
          body.summary as string,
          (body.mechanism as string | undefined) ?? null,
          scaled,
          at,
        ),
      );
      Object.assign(data, { indicators, mechanism: body.mechanism ?? null });
      attachments = (body.attachments as string[] | undefined) ?? [];
      notes.push(
        notification(jid, at, {
          role: 'supervisor',
          kind: 'closure_requested',
          problem: row,
          title: `申请销号：${row.number}`,
          body: row.title,
        }),
      );
      break;
    }
    case 'send_back':
      if (row.lead_unit_id)
        notes.push(
          notification(jid, at, {
            unitId: row.lead_unit_id,
            kind: 'sent_back',
            problem: row,
            title: `销号退回：${row.number}`,
            body: String(body.reason),
          }),
        );
      break;
    case 'verify': {
      const hasResult = await trx
        .selectFrom('results')
        .select('problem_id')
        .where('jurisdiction_id', '=', jid)
        .where('problem_id', '=', row.id)
        .executeTakeFirst();
      Object.assign(patch, closePatch(row, at, !!hasResult));
      after.push(() => closeMerged(ctx, trx, jid, row, at));
      break;
    }
    case 'rate': {
      patch.rating = body.rating as string;
      data.rating = body.rating;
      note = `${RATING_LABELS[body.rating as keyof typeof RATING_LABELS]}${body.comment ? `：${String(body.comment)}` : ''}`;
      if (body.rating === 'dissatisfied') {
        // 不满意 reopens it automatically (重办), with a new deadline.
        after.push(async () => {
          const current = await problemsRepository.findById(trx, jid, row.id);
          await reopen(ctx, trx, current!, SYSTEM, '回访不满意，自动重办', at);
        });
      }
      break;
    }
    case 'reopen':
      await reopenPatch(ref, row, now, patch);
      notes.push(
        ...(row.lead_unit_id
          ? [
              notification(jid, at, {
                unitId: row.lead_unit_id,
                kind: 'reopened',
                problem: row,
                title: `重办：${row.number}`,
                body: String(body.reason),
              }),
            ]
          : []),
      );
      break;
    case 'merge': {
      const intoId = body.intoId as string;
      if (intoId === row.id)
        throw badRequest('intoId: a problem cannot be merged into itself', [
          { path: 'intoId', message: 'same problem' },
        ]);
      const primary = await problemsRepository.findById(trx, jid, intoId);
      if (!primary)
        throw badRequest(`intoId: unknown problem ${intoId}`, [
          { path: 'intoId', message: 'unknown problem' },
        ]);
      if (
        !['submitted', 'assigned', 'bounced', 'in_progress', 'closure_requested'].includes(primary.status)
      ) {
        throw conflict(`the primary problem ${primary.number} is ${primary.status}; merge into an open one`);
      }
      patch.merged_into_id = intoId;
      patch.due_state = 'none';
      data.intoId = intoId;
      data.intoNumber = primary.number;
      note = `并入 ${primary.number} 合并办理`;
      break;
    }
    case 'press':
      patch.press_count = row.press_count + 1;
      if (row.lead_unit_id)
        notes.push(
          notification(jid, at, {
            unitId: row.lead_unit_id,
            kind: 'pressed',
            problem: row,
            title: `督办：${row.number}`,
            body: String(body.note),
          }),
        );
      break;
    default:
      break;
  }

  const actionRow = await changeProblem(trx, row, patch, {
    action: name,
    actor: actorOf(p),
    note,
    data,
    public: TRANSITIONS[name].public,
    at,
  });
  if (attachments.length)
    await linkAttachments(ctx, trx, p, attachments, { problemId: row.id, actionId: actionRow.id });
  for (const f of after) await f();
  await problemsRepository.insertNotifications(trx, notes);
  void facts;
}

function closePatch(row: ProblemRow, at: string, resolved: boolean): Partial<ProblemRow> {
  return {
    status: 'closed',
    closed_at: at,
    close_hours: (Date.parse(at) - Date.parse(row.created_at)) / 3600_000,
    resolved: resolved ? 1 : 0,
    due_state: 'none',
    pending_extension: null,
    updated_at: at,
  };
}

async function reopenPatch(ref: ReferenceData, row: ProblemRow, now: Date, patch: Partial<ProblemRow>) {
  const d = deadlines(ref, row.category_code, row.urgency, now);
  Object.assign(patch, {
    status: 'in_progress',
    closed_at: null,
    close_hours: null,
    resolved: 0,
    rating: null,
    reopen_count: row.reopen_count + 1,
    close_due_at: d.closeDueAt,
    due_state: 'normal',
    updated_at: now.toISOString(),
  });
}

/** 重办: a closed problem goes back to its unit with a new deadline. */
async function reopen(ctx: AppContext, trx: Db, row: ProblemRow, actor: Actor, reason: string, at: string) {
  const jid = row.jurisdiction_id;
  const ref = await ctx.reference.get(jid);
  const patch: Partial<ProblemRow> = {};
  await reopenPatch(ref, row, new Date(at), patch);
  await changeProblem(trx, row, patch, {
    action: 'reopen',
    actor,
    note: reason,
    data: { automatic: true },
    public: true,
    at,
  });
  if (row.lead_unit_id) {
    await problemsRepository.insertNotifications(trx, [
      notification(jid, at, {
        unitId: row.lead_unit_id,
        kind: 'reopened',
        problem: row,
        title: `重办：${row.number}`,
        body: reason,
      }),
    ]);
  }
}

/** Closing the primary closes every problem merged into it (合并办理: one resolution closes many). */
async function closeMerged(ctx: AppContext, trx: Db, jid: string, primary: ProblemRow, at: string) {
  const merged = await problemsRepository.mergedInto(trx, jid, primary.id);
  for (const m of merged) {
    if (m.status !== 'merged') continue;
    await changeProblem(trx, m, closePatch(m, at, true), {
      action: 'verify',
      actor: SYSTEM,
      note: `随主件 ${primary.number} 销号`,
      data: { primaryId: primary.id },
      public: true,
      at,
    });
  }
  void ctx;
}

/** Queue counts for the console home page, within what the principal sees. */
export async function queues(ctx: AppContext, p: Principal) {
  const rows = await problemsRepository.queueCounts(ctx.db, filterContext(ctx, p, {}));
  const sum = (pred: (r: { status: string; dueState: string }) => boolean) =>
    rows.filter(pred).reduce((s, r) => s + r.n, 0);
  return {
    pending_review: sum((r) => r.status === 'submitted'),
    to_sign: sum((r) => r.status === 'assigned'),
    to_redispatch: sum((r) => r.status === 'bounced'),
    in_progress: sum((r) => r.status === 'in_progress'),
    due_soon: sum((r) => r.dueState === 'due_soon'),
    overdue: sum((r) => r.dueState === 'overdue'),
    closure_requested: sum((r) => r.status === 'closure_requested'),
  };
}

/** Map markers within what the principal sees. */
export async function mapPoints(ctx: AppContext, p: Principal, filters: ProblemFilters) {
  const rows = await problemsRepository.mapPoints(ctx.db, filterContext(ctx, p, filters), 20_000);
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    title: r.title,
    lat: r.lat!,
    lng: r.lng!,
    status: r.status,
  }));
}

/** Open problems of the same category nearby, for merging duplicates. */
export async function similarProblems(ctx: AppContext, p: Principal, id: string) {
  const { row } = await loadVisible(ctx, ctx.db, p, id);
  const ref = await ctx.reference.get(p.jurisdictionId);
  const rows = await problemsRepository.similar(ctx.db, p.jurisdictionId, row, 20);
  return rows.map((r) => problemFromRow(r, ref, [], false));
}

/** Guard for integrations that need a user-backed principal. */
export function assertCanSubmit(p: Principal | null): asserts p is Principal {
  if (!p) throw new AppError(401, 'unauthorized', '请先登录 / sign-in required');
}
