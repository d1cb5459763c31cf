/**
 * Submitting a problem (提交): the report validated whole against the reference data and what the reporter
 * may set, then written with its `submit` action in a group-committed batch with the others that came at
 * the same time.
 *
 * Longer than 500 lines on purpose: validation, the batch write and the repeat check (重复诉求) read the
 * same batch of reports, and split apart each would need the others' intermediate state passed along.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { nextCounter } from '../../db/counters.ts';
import type { WriteBatch } from '../../db/writes.ts';
import { validateUscc } from '../../kernel/identifiers.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import type { Principal } from '../../kernel/roles.ts';
import { gramSimilarity, problemSearchText, similarityGrams } from '../../kernel/text.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, forbidden } from '../../platform/errors.ts';
import { idempotencyRepository } from '../../platform/idempotency.repository.ts';
import { linkAttachments } from '../attachments/index.ts';
import type { ReferenceData } from '../reference/index.ts';
import type { Category } from '../reference/index.ts';
import { contactsOf } from '../users/index.ts';
import { insertProblems, type IdempotencyRef } from './problems.changes.ts';
import { notifyReporter } from './reporterNotifier.ts';
import { actorOf } from './problems.log.ts';
import { allowedActions, ownChannel, reportDenials, visibilityOf } from './problems.policy.ts';
import { presentDetail } from './problems.presenter.ts';
import { factsOf, getProblem } from './problems.read.ts';
import {
  problemsRepository,
  type ActionRow,
  type ProblemRow,
  type RepeatLookup,
} from './problems.repository.ts';
import type { CreateProblem, ProblemDetail } from './problems.schema.ts';

/** Checks a problem's extra fields against its category's form. */
export function validateFields(
  cat: Category,
  fields: Record<string, unknown> | undefined,
): { path: string; message: string }[] {
  const errors: { path: string; message: string; code?: string }[] = [];
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
  within?: WithinSubmit;
  /** The report names its reporter itself (a caller taken by the hotline): nothing is filled from the account. */
  onBehalf?: boolean;
}

/** Writes that belong to a report and go into its transaction (e.g. the call it was taken from). */
export type WithinSubmit = (trx: Transaction<DB>, problem: { id: string; number: string }) => Promise<void>;

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
      it.p.userId && !it.onBehalf && (it.row.reporter_name === null || it.row.reporter_phone === null)
        ? [it.p.userId]
        : [],
    );
    const users = ids.length ? await contactsOf(trx, jid, [...new Set(ids)]) : [];
    const byId = new Map(users.map((u) => [u.id, u]));
    for (const it of group) {
      if (it.onBehalf) continue;
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
  for (const [jid, group] of groupBy(items, (it) => it.row.jurisdiction_id))
    await markRepeats(trx, jid, group);
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
    if (it.within) await it.within(trx, { id: it.row.id, number: it.row.number });
  }
  return items.map((it) => actions.get(it)!);
}

/** How far back a report is compared with earlier ones (重复诉求), and how alike their texts must be. */
const REPEAT_WINDOW_DAYS = 30;
const REPEAT_SIMILARITY = 0.5;
/** How many of the latest reports of the same person or village a new one is compared with. */
const REPEAT_CANDIDATES = 50;

/** Newest first; of two made in the same millisecond, the one written later (the higher number). */
const newestFirst = (x: { created_at: string; number: string }, y: { created_at: string; number: string }) =>
  x.created_at !== y.created_at ? (x.created_at < y.created_at ? 1 : -1) : x.number < y.number ? 1 : -1;

/**
 * The person a report counts as repeating for. An integration key is no person, and a call the hotline took
 * was reported by its caller, not by the operator who typed it: such reports repeat by their village only.
 */
const reportingPerson = (userId: string | null, channel: string) => (channel === 'hotline' ? null : userId);
const repeatPerson = (it: NewProblem) =>
  it.p.via === 'api_key' ? null : reportingPerson(it.p.userId, it.row.channel);

/** How many of each reporter's and village's latest reports are read first (see markRepeats). */
const FIRST_LOOK = 1;

/** The start of the window a report is compared within. */
const windowStart = (it: NewProblem) =>
  new Date(it.now.getTime() - REPEAT_WINDOW_DAYS * 86_400_000).toISOString();

type RepeatRow = { id: string; number: string; title: string; description: string; created_at: string };
type Seen = { row: RepeatRow; person: string | null; village: string | null };

/**
 * The earlier problem each new report of a batch repeats (重复诉求), if any: reported within
 * REPEAT_WINDOW_DAYS by the same person or in the same village, with a text at least REPEAT_SIMILARITY alike
 * (docs/kpi-definitions.md); the most alike of the latest REPEAT_CANDIDATES wins, the newer of equals. The
 * stored candidates of the whole batch are read in one statement; the batch's earlier reports count too.
 * The newest few of each reporter and village are read first: a report sent again with the same words (a
 * retry, a second tap) is settled by them, since nothing older can beat the newest text that is the same.
 * Only the reports they leave open read the rest, up to the latest REPEAT_CANDIDATES.
 */
async function markRepeats(trx: Transaction<DB>, jurisdictionId: string, items: NewProblem[]): Promise<void> {
  const since = items.map(windowStart).reduce((a, b) => (a < b ? a : b));
  const keys = [
    ...[...new Set(items.flatMap((it) => repeatPerson(it) ?? []))].map((value) => ({
      column: 'reporter_user_id' as const,
      value,
    })),
    ...[...new Set(items.flatMap((it) => it.row.village_code ?? []))].map((value) => ({
      column: 'village_code' as const,
      value,
    })),
  ];
  const read = (lookups: RepeatLookup[]) =>
    lookups.length ? problemsRepository.repeatCandidates(trx, jurisdictionId, lookups) : Promise.resolve([]);
  const firstRows = await read(
    keys.map((k) => ({ ...k, since, newest: FIRST_LOOK, limit: REPEAT_CANDIDATES })),
  );
  // A lookup that came back with FIRST_LOOK or more reports (and fewer than it may) holds every report
  // since its oldest one, but maybe not the older ones: how far it is complete, and how many it read.
  const found = keys.map((k, i) => {
    const rows = firstRows.filter((r) => Number(r.lookup) === i);
    const open = rows.length >= FIRST_LOOK && rows.length < REPEAT_CANDIDATES;
    const oldest = rows.reduce((a, r) => (r.created_at < a ? r.created_at : a), '\uffff');
    return { ...k, open, oldest, count: rows.length };
  });
  const toSeen = (r: (typeof firstRows)[number]): Seen => ({
    row: r,
    person: reportingPerson(r.reporter_user_id, r.channel),
    village: r.village_code,
  });
  // The reports of a batch share most of their candidates: each text is split into words once.
  const grams = new Map<string, Set<string>>();
  const gramsOf = (r: { id: string; title: string; description: string }) => {
    let g = grams.get(r.id);
    if (!g) grams.set(r.id, (g = similarityGrams(`${r.title}\n${r.description}`)));
    return g;
  };
  const settled = pickRepeats(items, firstRows.map(toSeen), gramsOf, (it) => {
    // Known in full: the reports since the oldest one read by each open lookup of this report.
    let known = '';
    for (const f of found) {
      if (!f.open) continue;
      const mine =
        f.column === 'reporter_user_id' ? f.value === repeatPerson(it) : f.value === it.row.village_code;
      if (mine && f.oldest > known) known = f.oldest;
    }
    return known;
  });
  if (settled) return;
  // Some report is still open: the older reports of each open lookup, up to the latest REPEAT_CANDIDATES.
  const restRows = await read(
    found
      .filter((f) => f.open)
      .map((f) => ({
        column: f.column,
        value: f.value,
        since,
        before: f.oldest,
        limit: REPEAT_CANDIDATES - f.count,
      })),
  );
  pickRepeats(items, [...firstRows, ...restRows].map(toSeen), gramsOf, () => '');
}

/**
 * Marks each report of a batch with the candidate it repeats, from the stored rows `stored`. `knownSince`
 * says, per report, since which time the candidates are known in full ('' when all are). A report that
 * finds the same words among its fully known newest candidates is settled; returns whether all were (else
 * nothing is marked, and the caller reads the rest and calls again with everything known).
 */
function pickRepeats(
  items: NewProblem[],
  stored: Seen[],
  gramsOf: (r: RepeatRow) => Set<string>,
  knownSince: (it: NewProblem) => string,
): boolean {
  const seen = [...stored];
  const picks: (string | null)[] = [];
  for (const it of items) {
    const person = repeatPerson(it);
    const village = it.row.village_code;
    const since = windowStart(it);
    const known = knownSince(it);
    const byId = new Map<string, RepeatRow>();
    for (const s of seen) {
      if (s.row.created_at < since) continue;
      if ((person !== null && s.person === person) || (village !== null && s.village === village))
        byId.set(s.row.id, s.row);
    }
    const candidates = [...byId.values()].sort(newestFirst).slice(0, REPEAT_CANDIDATES);
    let best: { id: string; score: number } | null = null;
    const own = gramsOf(it.row);
    let sure = known === '';
    for (const c of candidates) {
      // Past the fully known candidates only a full read can tell.
      if (known !== '' && c.created_at < known) break;
      const score = gramSimilarity(own, gramsOf(c));
      if (score >= REPEAT_SIMILARITY && (!best || score > best.score)) best = { id: c.id, score };
      // Candidates come newest first and the newer of equals wins, so nothing after a perfect match can.
      if (score === 1) {
        sure = true;
        break;
      }
    }
    if (!sure) return false;
    picks.push(best?.id ?? null);
    // Later reports of the batch compare with this one as with a stored one.
    seen.push({ row: it.row, person, village });
  }
  items.forEach((it, i) => (it.row.repeat_of_id = picks[i]!));
  return true;
}

/** Submits a problem (提交): validated whole, written in one transaction with its first action. */
export async function createProblem(
  ctx: AppContext,
  p: Principal,
  input: CreateProblem,
  opts: { channel?: string; idempotency?: IdempotencyRef; within?: WithinSubmit; onBehalf?: boolean } = {},
): Promise<ProblemDetail> {
  const denials = reportDenials(p, input);
  if (denials.length) throw forbidden(denials.map((d) => `${d.path}: ${d.message}`).join('; '), denials);
  const jid = p.jurisdictionId;
  const ref = await ctx.reference.get(jid);
  const errors: { path: string; message: string; code?: string }[] = [];
  const cat = ref.categories.get(input.categoryCode);
  if (!cat || !cat.active)
    errors.push({ path: 'categoryCode', message: `unknown category ${input.categoryCode}` });
  if (cat && input.kind && input.kind !== cat.kind)
    errors.push({ path: 'kind', message: `category ${cat.code} is of kind ${cat.kind}` });
  const village = ref.divisions.get(input.villageCode);
  if (!village)
    errors.push({
      path: 'villageCode',
      code: 'unknown',
      message: `unknown division code ${input.villageCode}`,
    });
  if ((input.lat === undefined) !== (input.lng === undefined))
    errors.push({
      path: input.lat === undefined ? 'lat' : 'lng',
      message: '经纬度须同时填写 / lat and lng go together',
    });
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
    if (!visit) errors.push({ path: 'visitId', code: 'unknown', message: `unknown visit ${input.visitId}` });
    else if (topicId && topicId !== visit.topic_id)
      errors.push({ path: 'topicId', message: '走访属于另一个课题 / the visit belongs to another topic' });
    else topicId = visit.topic_id;
  }
  if (topicId) {
    const topic = await ctx.db
      .selectFrom('topics')
      .select(['campaign_id'])
      .where('jurisdiction_id', '=', jid)
      .where('id', '=', topicId)
      .executeTakeFirst();
    if (!topic) errors.push({ path: 'topicId', code: 'unknown', message: `unknown topic ${topicId}` });
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
  const channel = opts.channel ?? input.channel ?? ownChannel(p, input.visitId);
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
    last_rating: null,
    repeat_of_id: null,
    merged_into_id: null,
    pending_extension: null,
    delegate_unit_id: null,
    delegate_state: null,
    delegate_due_at: null,
    delegate_due_state: null,
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
    {
      ctx,
      p,
      row,
      now,
      channel,
      attachmentIds: input.attachmentIds,
      idempotency: opts.idempotency,
      within: opts.within,
      onBehalf: opts.onBehalf,
    },
    submitProblems,
  );
  await notifyReporter(ctx, row, 'submit');
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
  return presentDetail(p, ref, row, {
    supporting: [],
    actions: [submit],
    result: null,
    attachments: [],
    allowedActions: allowedActions(p, row, facts),
    merged: [],
  });
}
