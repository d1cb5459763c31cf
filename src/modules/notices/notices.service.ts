/**
 * Public notices (公告): drafted with a document number, an issuing unit, an audience (the whole
 * jurisdiction, a township, a village or a registry group) and channels (the phone pages, SMS through
 * the adapter, the big screen); published, withdrawn or expired by one transition table, every change in
 * the module's action log. Urgent notices are exported as CAP 1.2.
 */
import type { Selectable } from 'kysely';
import type { NoticeTable } from '../../db/schema.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { redactText } from '../../kernel/redact.ts';
import { hasRole, type Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { actorOf, appendLog, logOf, SYSTEM_ACTOR } from '../flow/index.ts';
import { ELIGIBILITY_TAGS } from '../registry/index.ts';
import { capXml, type CapFields } from './notices.cap.ts';
import {
  noticeLifecycle,
  NOTICE_STATUS_LABELS,
  type NoticeRelation,
  type NoticeStatus,
} from './notices.lifecycle.ts';
import { noticesRepository as repo } from './notices.repository.ts';
import {
  NoticeActionBodies,
  type CreateNotice,
  type ListNoticesQuery,
  type Notice,
} from './notices.schema.ts';

type Row = Selectable<NoticeTable>;
const MODULE = 'notices';
/** At most this many SMS per notice from one publication (a larger audience needs the provider's bulk channel). */
const SMS_LIMIT = 5000;

/** The relations of a principal to a notice (`null`: a new one). */
function relationsOf(p: Principal | null, row: Row | null): Set<NoticeRelation> {
  const r = new Set<NoticeRelation>();
  if (!p) return r;
  if (hasRole(p, 'admin', 'supervisor') && p.scope.kind === 'jurisdiction') r.add('editor');
  if (row && p.userId && row.created_by === p.userId) r.add('author');
  return r;
}

/** 400 unless the audience names a known township, village or eligibility group, and urgent ones carry CAP. */
async function checkInput(ctx: AppContext, jid: string, n: Partial<CreateNotice>, kind: string) {
  const problems: { path: string; message: string }[] = [];
  const a = n.audience;
  if (a) {
    const ref = await ctx.reference.get(jid);
    if (a.kind !== 'jurisdiction' && !a.ref) problems.push({ path: 'audience.ref', message: 'required' });
    if (a.kind === 'township' && a.ref && ref.divisions.get(a.ref)?.level !== 'township')
      problems.push({ path: 'audience.ref', message: 'unknown township' });
    if (a.kind === 'village' && a.ref && ref.divisions.get(a.ref)?.level !== 'village')
      problems.push({ path: 'audience.ref', message: 'unknown village' });
    if (a.kind === 'group' && a.ref && !(ELIGIBILITY_TAGS as readonly string[]).includes(a.ref))
      problems.push({ path: 'audience.ref', message: `one of ${ELIGIBILITY_TAGS.join(' ')}` });
  }
  if (kind === 'urgent' && n.cap === undefined)
    problems.push({ path: 'cap', message: 'required for urgent' });
  if (n.expiresAt && n.publishAt && n.expiresAt <= n.publishAt)
    problems.push({ path: 'expiresAt', message: 'after publishAt' });
  if (problems.length)
    throw badRequest(`公告信息不完整：${problems.map((x) => `${x.path} ${x.message}`).join('；')}`, problems);
}

/** Maps a notice row; text is redacted (phone and ID numbers masked) for the public. */
async function noticeFromRow(ctx: AppContext, r: Row, rel: Set<NoticeRelation>): Promise<Notice> {
  const ref = await ctx.reference.get(r.jurisdiction_id);
  const kindName = { jurisdiction: '全区', group: '重点人群' }[r.audience_kind];
  const status = r.status as NoticeStatus;
  return {
    id: r.id,
    title: redactText(r.title),
    body: redactText(r.body),
    publishedAt: r.published_at,
    docNumber: r.doc_number,
    issuingUnit: r.issuing_unit,
    kind: r.kind,
    status,
    statusLabel: NOTICE_STATUS_LABELS[status] ?? status,
    audience: {
      kind: r.audience_kind,
      ref: r.audience_ref,
      name: r.audience_ref
        ? `${kindName ? `${kindName}·` : ''}${ref.divisions.get(r.audience_ref)?.name ?? r.audience_ref}`
        : (kindName ?? ''),
    },
    channels: JSON.parse(r.channels) as string[],
    expiresAt: r.expires_at,
    cap: r.cap ? (JSON.parse(r.cap) as CapFields) : null,
    capUrl: r.kind === 'urgent' ? `/api/notices/${r.id}/cap.xml` : null,
    allowedActions: noticeLifecycle.allowedActions(status, rel),
  };
}

/** Drafts a notice (admins, supervisors, and departments' staff for their own). */
export async function createNotice(ctx: AppContext, p: Principal, input: CreateNotice): Promise<Notice> {
  if (!hasRole(p, 'admin', 'supervisor', 'unit_handler')) throw forbidden();
  const jid = p.jurisdictionId;
  await checkInput(ctx, jid, input, input.kind);
  const now = ctx.clock.now().toISOString();
  const ref = await ctx.reference.get(jid);
  const row = {
    jurisdiction_id: jid,
    id: uuidv7(),
    title: input.title,
    body: input.body,
    published_at: input.publishAt ?? now,
    created_by: p.userId,
    doc_number: input.docNumber ?? null,
    issuing_unit: input.issuingUnit ?? (p.unitId ? (ref.units.get(p.unitId)?.name ?? null) : null),
    kind: input.kind,
    status: 'draft',
    audience_kind: input.audience.kind,
    audience_ref: input.audience.kind === 'jurisdiction' ? null : (input.audience.ref ?? null),
    channels: JSON.stringify([...new Set(input.channels)]),
    cap: input.cap ? JSON.stringify(input.cap) : null,
    expires_at: input.expiresAt ?? null,
    ended_at: null,
    updated_at: now,
    version: 1,
  };
  await ctx.database.write(async (trx) => {
    await repo.insert(trx, row);
    await appendLog(ctx.clock, trx, jid, {
      module: MODULE,
      refId: row.id,
      action: 'create',
      from: null,
      to: 'draft',
      actor: actorOf(p),
      data: { title: input.title, kind: input.kind, audience: input.audience },
    });
  });
  return getNotice(ctx, p, jid, row.id).then(({ actions: _a, ...n }) => n);
}

/** One notice: anyone may read a published (or ended) one; drafts only their author and editors. */
export async function getNotice(ctx: AppContext, p: Principal | null, jid: string, id: string) {
  const row = await repo.notice(ctx.db, jid, id);
  const rel = relationsOf(p, row ?? null);
  if (!row || (row.status === 'draft' && rel.size === 0)) throw notFound('公告 / notice');
  return {
    ...(await noticeFromRow(ctx, row, rel)),
    actions: (await logOf(ctx.db, jid, MODULE, id)).map((e) => ({
      action: e.action,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      actorName: e.actorName,
      at: e.at,
      data: e.data,
    })),
  };
}

/**
 * Notices for a place and group: the whole jurisdiction's, and the township's, village's or group's
 * asked for (a village implies its township). The public sees the published ones not yet expired;
 * editors may ask for any status.
 */
export async function listNotices(ctx: AppContext, p: Principal | null, jid: string, q: ListNoticesQuery) {
  const editor = relationsOf(p, null).has('editor');
  if (q.status && q.status !== 'published' && !editor)
    throw forbidden('仅编辑可查看未发布的公告 / editors only');
  const now = ctx.clock.now().toISOString();
  const townships = [q.township, q.village?.slice(0, 9)].filter((x): x is string => !!x);
  const audience =
    q.township || q.village || q.group
      ? { townships, villages: q.village ? [q.village] : [], groups: q.group ? [q.group] : [] }
      : undefined;
  const status = q.status ?? 'published';
  const [rows, count] = await repo.list(
    ctx.db,
    jid,
    {
      statuses: [status],
      liveAt: status === 'published' ? now : undefined,
      audience,
      kind: q.kind,
      channel: q.channel,
    },
    q.pageSize,
    (q.page - 1) * q.pageSize,
  );
  const items: Notice[] = [];
  for (const r of rows) items.push(await noticeFromRow(ctx, r, relationsOf(p, r)));
  const total = Number(count.n);
  return { items, total, nextCursor: q.page * q.pageSize < total ? String(q.page + 1) : null };
}

/** Takes an action: 403 without the relation, 409 in the wrong status, 400 for a bad body. */
export async function noticeAct(ctx: AppContext, p: Principal, id: string, action: string, body: unknown) {
  if (!noticeLifecycle.isAction(action)) throw notFound(`action ${action}`);
  const jid = p.jurisdictionId;
  const parsed = NoticeActionBodies[action].safeParse(body ?? {});
  const published = await ctx.database.write(async (trx) => {
    const row = await repo.notice(trx, jid, id);
    const rel = relationsOf(p, row ?? null);
    if (!row || (row.status === 'draft' && rel.size === 0)) throw notFound('公告 / notice');
    const to = noticeLifecycle.enforce(action, row.status as NoticeStatus, rel);
    if (!parsed.success)
      throw badRequest(
        parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      );
    const now = ctx.clock.now().toISOString();
    const patch: Record<string, unknown> = { status: to, updated_at: now };
    if (action === 'revise') {
      const v = parsed.data as Partial<CreateNotice>;
      await checkInput(
        ctx,
        jid,
        { ...v, cap: v.cap ?? (row.cap ? (JSON.parse(row.cap) as CreateNotice['cap']) : undefined) },
        v.kind ?? row.kind,
      );
      Object.assign(patch, {
        ...(v.title !== undefined && { title: v.title }),
        ...(v.body !== undefined && { body: v.body }),
        ...(v.docNumber !== undefined && { doc_number: v.docNumber }),
        ...(v.issuingUnit !== undefined && { issuing_unit: v.issuingUnit }),
        ...(v.kind !== undefined && { kind: v.kind }),
        ...(v.audience !== undefined && {
          audience_kind: v.audience.kind,
          audience_ref: v.audience.kind === 'jurisdiction' ? null : (v.audience.ref ?? null),
        }),
        ...(v.channels !== undefined && { channels: JSON.stringify([...new Set(v.channels)]) }),
        ...(v.publishAt !== undefined && { published_at: v.publishAt }),
        ...(v.expiresAt !== undefined && { expires_at: v.expiresAt }),
        ...(v.cap !== undefined && { cap: JSON.stringify(v.cap) }),
      });
    }
    if (action === 'publish') {
      if (row.kind === 'urgent' && !row.cap)
        throw conflict('紧急公告须填写 CAP 信息 / an urgent notice needs its CAP fields');
      if (row.expires_at && row.expires_at <= now) throw conflict('公告已过有效期 / already past its expiry');
      patch.published_at = now;
    }
    if (action === 'withdraw' || action === 'expire') patch.ended_at = now;
    if (!(await repo.update(trx, jid, id, row.version, patch)))
      throw conflict('公告已被他人更新，请刷新 / changed meanwhile');
    await appendLog(ctx.clock, trx, jid, {
      module: MODULE,
      refId: id,
      action,
      from: row.status,
      to,
      actor: actorOf(p),
      data: parsed.data,
    });
    return action === 'publish' ? row : null;
  });
  if (published) await deliver(ctx, jid, (await repo.notice(ctx.db, jid, id))!);
  return getNotice(ctx, p, jid, id);
}

/** Sends a published notice by SMS to the audience's registered phones, when SMS is one of its channels. */
async function deliver(ctx: AppContext, jid: string, row: Row): Promise<void> {
  if (!(JSON.parse(row.channels) as string[]).includes('sms')) return;
  const phones = await repo.phones(
    ctx.db,
    jid,
    { kind: row.audience_kind, ref: row.audience_ref },
    SMS_LIMIT,
  );
  let sent = 0;
  let failed = 0;
  for (const to of phones) {
    try {
      await ctx.sms.send({
        to,
        template: 'notice',
        params: { unit: row.issuing_unit ?? '', title: row.title },
        jurisdictionId: jid,
      });
      sent++;
    } catch (err) {
      failed++;
      ctx.log.warn({ err: String(err), notice: row.id }, 'notice SMS not sent');
    }
  }
  await ctx.database.write((trx) =>
    appendLog(ctx.clock, trx, jid, {
      module: MODULE,
      refId: row.id,
      action: 'deliver',
      from: null,
      to: null,
      actor: SYSTEM_ACTOR,
      data: { channel: 'sms', sent, failed },
    }),
  );
}

/** An urgent notice as CAP 1.2 XML; 409 for a general notice. */
export async function noticeCap(
  ctx: AppContext,
  p: Principal | null,
  jid: string,
  id: string,
): Promise<string> {
  const n = await getNotice(ctx, p, jid, id);
  const row = (await repo.notice(ctx.db, jid, id))!;
  if (row.kind !== 'urgent' || !row.cap)
    throw conflict('只有紧急公告提供 CAP / only urgent notices are CAP alerts');
  const j = ctx.jurisdictions.find((x) => x.id === jid);
  const ref = await ctx.reference.get(jid);
  const code =
    row.audience_kind === 'township' || row.audience_kind === 'village'
      ? row.audience_ref!
      : (j?.divisionCode ?? jid);
  return capXml(
    {
      id: row.id,
      title: row.title,
      body: n.body,
      issuingUnit: row.issuing_unit,
      docNumber: row.doc_number,
      status: row.status,
      publishedAt: row.published_at,
      expiresAt: row.expires_at,
      endedAt: row.ended_at,
      cap: JSON.parse(row.cap) as CapFields,
      area: { name: ref.divisions.get(code)?.name ?? j?.name ?? jid, code },
      web: `${ctx.config.publicUrl}/m/notices/${row.id}`,
    },
    j?.open311Id ?? jid,
  );
}

/** Expires the published notices whose date passed (the services scan); returns how many. */
export async function expireNotices(ctx: AppContext, now: Date = ctx.clock.now()): Promise<number> {
  let n = 0;
  for (const j of ctx.jurisdictions)
    for (const row of await repo.due(ctx.db, j.id, now.toISOString())) {
      const done = await ctx.database.write(async (trx) => {
        const to = noticeLifecycle.enforce('expire', row.status as NoticeStatus, new Set(['system']));
        if (
          !(await repo.update(trx, j.id, row.id, row.version, {
            status: to,
            ended_at: now.toISOString(),
            updated_at: now.toISOString(),
          }))
        )
          return false;
        await appendLog(ctx.clock, trx, j.id, {
          module: MODULE,
          refId: row.id,
          action: 'expire',
          from: row.status,
          to,
          actor: SYSTEM_ACTOR,
          data: {},
        });
        return true;
      });
      if (done) n++;
    }
  return n;
}
