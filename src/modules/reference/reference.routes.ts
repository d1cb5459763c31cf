import { z } from 'zod';
import { langOf } from '../../kernel/apiText.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, notFound, preconditionFailed } from '../../platform/errors.ts';
import { ifMatchVersion, requireRole } from '../../platform/guards.ts';
import type { App } from '../../platform/types.ts';
import { recordAudit } from '../audit/index.ts';
import { referenceRepository } from './reference.repository.ts';
import { importHolidayNotice } from './reference.calendar.ts';
import { listAnswer, listOf } from '../../platform/lists.ts';
import {
  CalendarDay,
  CalendarImportResult,
  Category,
  CategoryInput,
  Division,
  Domain,
  Indicator,
  TimeRule,
  TimeRuleInput,
  Unit,
  UnitInput,
} from './reference.schema.ts';

const tags = ['reference'];

/** Divisions, units, categories, domains, indicators, time limits and the holiday calendar. */
export async function referenceRoutes(app: App, ctx: AppContext): Promise<void> {
  const changed = (jid: string) => ctx.reference.invalidate(jid);

  app.get(
    '/api/divisions',
    {
      schema: {
        tags,
        querystring: z.object({
          parent: z
            .string()
            .regex(/^\d{6,12}$/)
            .optional(),
        }),
        response: { 200: listOf(Division) },
      },
    },
    async (req) => {
      const ref = await ctx.reference.get(req.jurisdictionId);
      if (req.query.parent) return listAnswer(ref.divisionChildren(req.query.parent));
      return listAnswer([...ref.divisions.values()].filter((d) => d.level === 'county'));
    },
  );

  app.get(
    '/api/units',
    {
      schema: {
        tags,
        querystring: z.object({
          q: z.string().max(40).optional(),
          parent: z.string().optional(),
          kind: z.string().optional(),
        }),
        response: { 200: listOf(Unit) },
      },
    },
    async (req) => {
      const ref = await ctx.reference.get(req.jurisdictionId);
      const q = req.query.q?.trim();
      return listAnswer(
        [...ref.units.values()].filter(
          (u) =>
            (!q || u.name.includes(q)) &&
            (!req.query.parent || u.parentId === req.query.parent) &&
            (!req.query.kind || u.kind === req.query.kind),
        ),
      );
    },
  );

  app.post('/api/units', { schema: { tags, body: UnitInput } }, async (req, reply) => {
    const p = requireRole(req, 'admin');
    const ref = await ctx.reference.get(p.jurisdictionId);
    if (req.body.parentId && !ref.units.has(req.body.parentId))
      throw badRequest('parentId: unknown unit', [{ path: 'parentId', message: 'unknown unit' }]);
    const unit = { id: uuidv7(), ...req.body, version: 1 };
    await ctx.db.transaction().execute(async (trx) => {
      await referenceRepository.insertUnit(trx, p.jurisdictionId, unit, ctx.clock.now().toISOString());
      await recordAudit(ctx, trx, p.jurisdictionId, {
        kind: 'unit.create',
        refId: unit.id,
        actorUserId: p.userId,
        summary: `新增单位 ${unit.name}`,
        data: req.body,
      });
    });
    await changed(p.jurisdictionId);
    reply.status(201);
    return unit;
  });

  app.put(
    '/api/units/:id',
    { schema: { tags, params: z.object({ id: z.string() }), body: UnitInput } },
    async (req, reply) => {
      const p = requireRole(req, 'admin');
      const ref = await ctx.reference.get(p.jurisdictionId);
      const existing = ref.units.get(req.params.id);
      if (!existing) throw notFound('unit');
      if (req.body.parentId && ref.unitSubtree(req.params.id).includes(req.body.parentId))
        throw badRequest('parentId: a unit cannot sit below itself', [
          { path: 'parentId', message: 'cycle' },
        ]);
      const version = ifMatchVersion(req) ?? existing.version;
      const unit = { ...existing, ...req.body, id: req.params.id, version: version + 1 };
      await ctx.db.transaction().execute(async (trx) => {
        if (!(await referenceRepository.updateUnit(trx, p.jurisdictionId, unit, version)))
          throw preconditionFailed('the unit was changed by someone else; reload');
        await recordAudit(ctx, trx, p.jurisdictionId, {
          kind: 'unit.update',
          refId: unit.id,
          actorUserId: p.userId,
          summary: `修改单位 ${unit.name}`,
          data: req.body,
        });
      });
      await changed(p.jurisdictionId);
      reply.header('etag', `"${unit.version}"`);
      return unit;
    },
  );

  app.get('/api/domains', { schema: { tags, response: { 200: listOf(Domain) } } }, async (req) =>
    listAnswer([...(await ctx.reference.get(req.jurisdictionId)).domains.values()]),
  );

  app.get(
    '/api/categories',
    {
      schema: {
        tags,
        querystring: z.object({
          kind: z.string().optional(),
          domain: z.string().optional(),
          all: z.string().optional(),
        }),
        response: { 200: listOf(Category) },
      },
    },
    async (req) => {
      const ref = await ctx.reference.get(req.jurisdictionId);
      // Names as stored (the console edits them), the domain's name in the caller's language.
      const named = ref.inLanguage(langOf(req.headers['accept-language']));
      return listAnswer(
        [...ref.categories.values()]
          .filter(
            (c) =>
              (req.query.all || c.active) &&
              (!req.query.kind || c.kind === req.query.kind) &&
              (!req.query.domain || c.domain === req.query.domain),
          )
          .map((c) => ({ ...c, domainName: named.categories.get(c.code)?.domainName ?? c.domainName })),
      );
    },
  );

  app.put(
    '/api/categories/:code',
    { schema: { tags, params: z.object({ code: z.string() }), body: CategoryInput } },
    async (req) => {
      const p = requireRole(req, 'admin');
      if (req.body.code !== req.params.code)
        throw badRequest('code: must match the URL', [{ path: 'code', message: 'must match the URL' }]);
      const ref = await ctx.reference.get(p.jurisdictionId);
      if (!ref.domains.has(req.body.domain))
        throw badRequest(`domain: unknown domain ${req.body.domain}`, [
          { path: 'domain', message: 'unknown domain' },
        ]);
      const existing = ref.categories.get(req.params.code);
      const expected = ifMatchVersion(req);
      if (existing && expected !== undefined && expected !== existing.version)
        throw preconditionFailed('the category was changed by someone else; reload');
      await ctx.db.transaction().execute(async (trx) => {
        await referenceRepository.upsertCategory(
          trx,
          p.jurisdictionId,
          req.body,
          existing ? 0 : ref.categories.size + 1,
        );
        await recordAudit(ctx, trx, p.jurisdictionId, {
          kind: existing ? 'category.update' : 'category.create',
          refId: req.body.code,
          actorUserId: p.userId,
          summary: `${existing ? '修改' : '新增'}类别 ${req.body.name}`,
          data: req.body,
        });
      });
      await changed(p.jurisdictionId);
      return (await ctx.reference.get(p.jurisdictionId)).categories.get(req.body.code);
    },
  );

  app.get(
    '/api/indicators',
    {
      schema: {
        tags,
        querystring: z.object({ domain: z.string().optional() }),
        response: { 200: listOf(Indicator) },
      },
    },
    async (req) => {
      const ref = await ctx.reference.get(req.jurisdictionId);
      return listAnswer(
        [...ref.indicators.values()].filter(
          (i) => !req.query.domain || !i.domain || i.domain === req.query.domain,
        ),
      );
    },
  );

  app.get('/api/time-rules', { schema: { tags, response: { 200: listOf(TimeRule) } } }, async (req) =>
    listAnswer((await ctx.reference.get(req.jurisdictionId)).timeRules),
  );
  app.put(
    '/api/time-rules/:id',
    { schema: { tags, params: z.object({ id: z.string().max(64) }), body: TimeRuleInput } },
    async (req) => {
      const p = requireRole(req, 'admin');
      const ref = await ctx.reference.get(p.jurisdictionId);
      if (req.body.categoryCode && !ref.categories.has(req.body.categoryCode))
        throw badRequest('categoryCode: unknown category', [
          { path: 'categoryCode', message: 'unknown category' },
        ]);
      const rule = { ...req.body, id: req.params.id, version: 1 };
      await ctx.db.transaction().execute(async (trx) => {
        await referenceRepository.upsertTimeRule(trx, p.jurisdictionId, rule);
        await recordAudit(ctx, trx, p.jurisdictionId, {
          kind: 'time_rule.upsert',
          refId: rule.id,
          actorUserId: p.userId,
          summary: `设置时限规则 ${rule.categoryCode ?? '通用'}/${rule.urgency}`,
          data: req.body,
        });
      });
      await changed(p.jurisdictionId);
      return (await ctx.reference.get(p.jurisdictionId)).timeRules.find((r) => r.id === rule.id);
    },
  );

  app.get(
    '/api/calendar',
    {
      schema: {
        tags,
        querystring: z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() }),
        response: { 200: listOf(CalendarDay) },
      },
    },
    async (req) => {
      const ref = await ctx.reference.get(req.jurisdictionId);
      const year = String(req.query.year ?? new Date().getFullYear());
      return listAnswer(ref.calendarDays.filter((d) => d.date.startsWith(year)));
    },
  );
  app.post(
    '/api/calendar/import',
    {
      schema: {
        tags,
        consumes: ['multipart/form-data', 'text/plain'],
        description:
          "Imports the State Council's holiday notice for a year (its text, as a file in the field `file` or as text/plain): the year's days are replaced by the notice's.",
        response: { 201: CalendarImportResult },
      },
    },
    async (req, reply) => {
      const p = requireRole(req, 'admin');
      let text: string;
      if (req.isMultipart()) {
        const part = await req.file();
        if (!part || part.fieldname !== 'file')
          throw badRequest('file: 请在 file 字段上传通知文本 / send the notice in the field "file"');
        text = (await part.toBuffer()).toString('utf8');
      } else if (typeof req.body === 'string') text = req.body;
      else
        throw badRequest(
          'file: 请上传国务院办公厅节假日安排通知的文本 / send the text of the notice (multipart field "file" or text/plain)',
        );
      reply.status(201);
      return importHolidayNotice(ctx, p, text);
    },
  );
  app.put(
    '/api/calendar/:date',
    {
      schema: {
        tags,
        params: z.object({ date: CalendarDay.shape.date }),
        body: CalendarDay.omit({ date: true }),
      },
    },
    async (req) => {
      const p = requireRole(req, 'admin');
      const day = { date: req.params.date, ...req.body };
      if (Number.isNaN(Date.parse(day.date)))
        throw badRequest('date: not a real date', [{ path: 'date', message: 'not a real date' }]);
      await ctx.db.transaction().execute(async (trx) => {
        await referenceRepository.upsertCalendarDay(trx, p.jurisdictionId, day);
        await recordAudit(ctx, trx, p.jurisdictionId, {
          kind: 'calendar.upsert',
          refId: day.date,
          actorUserId: p.userId,
          summary: `设置日历 ${day.date} ${day.isWorkday ? '上班' : '休息'}`,
          data: day,
        });
      });
      await changed(p.jurisdictionId);
      return day;
    },
  );
  app.delete(
    '/api/calendar/:date',
    { schema: { tags, params: z.object({ date: CalendarDay.shape.date }) } },
    async (req) => {
      const p = requireRole(req, 'admin');
      const removed = await ctx.db.transaction().execute(async (trx) => {
        const ok = await referenceRepository.deleteCalendarDay(trx, p.jurisdictionId, req.params.date);
        if (ok)
          await recordAudit(ctx, trx, p.jurisdictionId, {
            kind: 'calendar.delete',
            refId: req.params.date,
            actorUserId: p.userId,
            summary: `删除日历例外 ${req.params.date}`,
            data: {},
          });
        return ok;
      });
      if (!removed) throw notFound('calendar day');
      await changed(p.jurisdictionId);
      return { deleted: true };
    },
  );
}
