/**
 * The supervisor's corrections after dispatch: 改派 (another lead unit), 调整分类 (another category) and
 * 调整期限 (another completion deadline). Each needs a reason and is an entry of the action log.
 */
import { badRequest } from '../../../platform/errors.ts';
import { deadlines } from '../problems.deadlines.ts';
import { problemsRepository } from '../problems.repository.ts';
import { notice, type ActionHandlers } from './handler.ts';

/** The handlers of the supervisor's corrections. */
export const superviseHandlers = {
  reassign: (input, e) => {
    const { trx, row, ref, now, at, body } = input;
    const lead = body.leadUnitId;
    const supporting = body.supportingUnitIds ?? [];
    const bad = [lead, ...supporting].filter((u) => !ref.units.get(u)?.active);
    if (bad.length)
      throw badRequest(
        `unknown or inactive unit: ${bad.join(', ')}`,
        bad.map((u) => ({
          path: u === lead ? 'leadUnitId' : 'supportingUnitIds',
          code: 'unknown',
          message: u,
        })),
      );
    if (lead === row.lead_unit_id)
      throw badRequest('leadUnitId: the problem is with this unit already', [
        { path: 'leadUnitId', message: '已由该单位牵头办理 / already with this unit' },
      ]);
    const d = deadlines(ref, row.category_code, row.urgency, now);
    Object.assign(e.patch, {
      lead_unit_id: lead,
      dispatched_at: at,
      responded_at: null,
      respond_due_at: d.respondDueAt,
      close_due_at: d.closeDueAt,
      due_state: 'normal',
      // The new lead unit starts afresh: a village the former one had passed it to is no longer in it.
      delegate_unit_id: null,
      delegate_state: null,
      delegate_due_at: null,
      delegate_due_state: null,
    });
    e.note = body.reason;
    Object.assign(e.data, {
      fromUnitId: row.lead_unit_id,
      leadUnitId: lead,
      supportingUnitIds: supporting,
      respondDueAt: d.respondDueAt,
      closeDueAt: d.closeDueAt,
    });
    e.after.push(() => problemsRepository.setUnits(trx, row.jurisdiction_id, row.id, lead, supporting));
    for (const u of [lead, ...supporting])
      e.notices.push(
        notice(input, {
          unitId: u,
          kind: 'dispatched',
          title: `改派：${row.number}`,
          body: `${row.title}，请于 ${d.respondDueAt.slice(0, 16)} 前签收`,
        }),
      );
  },
  recategorize: ({ row, ref, body }, e) => {
    const cat = ref.categories.get(body.categoryCode);
    if (!cat || !cat.active)
      throw badRequest(`categoryCode: unknown category ${body.categoryCode}`, [
        { path: 'categoryCode', code: 'unknown', message: body.categoryCode },
      ]);
    if (cat.code === row.category_code)
      throw badRequest('categoryCode: the problem is in this category already', [
        { path: 'categoryCode', message: '已是该类别 / already in this category' },
      ]);
    Object.assign(e.patch, { category_code: cat.code, domain: cat.domain, kind: cat.kind });
    e.note = body.reason;
    Object.assign(e.data, { fromCategory: row.category_code, categoryCode: cat.code });
  },
  change_deadline: ({ row, now, body }, e) => {
    const until = new Date(body.until);
    if (until.getTime() <= now.getTime())
      throw badRequest('until: must be in the future', [
        { path: 'until', message: '须晚于今天 / must be in the future' },
      ]);
    Object.assign(e.patch, { close_due_at: until.toISOString(), due_state: 'normal' });
    e.note = body.reason;
    Object.assign(e.data, { fromCloseDueAt: row.close_due_at, closeDueAt: until.toISOString() });
  },
} satisfies Partial<ActionHandlers>;
