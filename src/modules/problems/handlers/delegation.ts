/**
 * Dispatch down the tree (二次交办): the lead township passes the problem to one of its villages with a
 * deadline inside its own (下派), passes it to another village (村级改派, the log keeps who had it), and
 * checks the village's reported work (审核 or 退回) before it asks the district for closure. The village
 * signs (签收) and reports its work done (办结上报). Where the village's part stands is the lifecycle
 * table's `delegation`; these handlers check the village and the deadline and tell the units.
 */
import type { ReferenceData } from '../../reference/index.ts';
import { badRequest } from '../../../platform/errors.ts';
import { problemsRepository, type ProblemRow } from '../problems.repository.ts';
import { notice, type ActionEffect, type ActionHandlers, type ActionInput } from './handler.ts';

/** Checks the village a township passes the problem to: active, below the lead unit, not the one holding it. */
function checkVillage(ref: ReferenceData, row: ProblemRow, unitId: string): void {
  const unit = ref.units.get(unitId);
  const below = row.lead_unit_id
    ? ref.unitSubtree(row.lead_unit_id).filter((u) => u !== row.lead_unit_id)
    : [];
  if (!unit?.active || !below.includes(unitId))
    throw badRequest('只能交给本单位下属的村(社区) / unitId: not a unit below the lead unit', [
      {
        path: 'unitId',
        code: 'not_below',
        message: '只能交给本单位下属的村(社区) / only to a village (or other unit) below the lead unit',
      },
    ]);
  if (unitId === row.delegate_unit_id)
    throw badRequest('已由该村(社区)办理 / unitId: the village holds the problem already', [
      { path: 'unitId', message: '已由该村(社区)办理 / this village has it already' },
    ]);
}

/**
 * The village's deadline: in the future and never later than the problem's own (镇街期限), so that the
 * township has its time to check the work before its own deadline runs out.
 */
function villageDeadline(ref: ReferenceData, row: ProblemRow, now: Date, until: string): string {
  const at = new Date(until);
  if (at.getTime() <= now.getTime())
    throw badRequest('村级办结期限须晚于现在 / until: must be in the future', [
      {
        path: 'until',
        code: 'past',
        message: '村级办结期限须晚于现在 / the village deadline must be in the future',
      },
    ]);
  if (row.close_due_at && at.toISOString() > row.close_due_at) {
    const township = ref.calendar.localDateTime(row.close_due_at);
    throw badRequest(
      `村级办结期限不能晚于镇街办结期限 ${township} / until: after the township's own deadline (${township})`,
      [
        {
          path: 'until',
          code: 'after_parent_deadline',
          message: `村级办结期限不能晚于镇街办结期限 ${township} / the village deadline must not be later than the township's own (${township})`,
        },
      ],
    );
  }
  return at.toISOString();
}

/** Hands the problem's village part to `unitId` with its deadline: the row, the units, the log, the notice. */
function passTo(
  input: ActionInput<'delegate' | 'redelegate'>,
  e: ActionEffect,
  unitId: string,
  until: string,
): void {
  const { trx, row, ref, now } = input;
  checkVillage(ref, row, unitId);
  const due = villageDeadline(ref, row, now, until);
  // A new deadline: the village's part is on time again until the deadline scan finds it past.
  Object.assign(e.patch, { delegate_unit_id: unitId, delegate_due_at: due, delegate_due_state: 'normal' });
  Object.assign(e.data, {
    fromUnitId: row.delegate_unit_id,
    unitId,
    dueAt: due,
    parentDueAt: row.close_due_at,
  });
  e.after.push(() => problemsRepository.setDelegate(trx, row.jurisdiction_id, row.id, unitId));
  e.notices.push(
    notice(input, {
      unitId,
      kind: 'delegated',
      title: `镇街交办：${row.number}`,
      body: `${row.title}，请签收，并于 ${ref.calendar.localDateTime(due)} 前办结上报`,
    }),
  );
}

/** The handlers of the village's part. */
export const delegationHandlers = {
  delegate: (input, e) => {
    passTo(input, e, input.body.unitId, input.body.until);
  },
  redelegate: (input, e) => {
    passTo(input, e, input.body.unitId, input.body.until);
    e.note = input.body.reason;
  },
  delegate_sign: () => {},
  delegate_report: (input, e) => {
    const { row, body } = input;
    e.attachments = body.attachments ?? [];
    if (row.lead_unit_id)
      e.notices.push(
        notice(input, {
          unitId: row.lead_unit_id,
          kind: 'delegate_reported',
          title: `村级办结待审核：${row.number}`,
          body: body.summary,
        }),
      );
  },
  delegate_send_back: (input, e) => {
    const { row, body } = input;
    if (row.delegate_unit_id)
      e.notices.push(
        notice(input, {
          unitId: row.delegate_unit_id,
          kind: 'delegate_sent_back',
          title: `镇街退回重办：${row.number}`,
          body: body.reason,
        }),
      );
  },
  delegate_accept: () => {},
} satisfies Partial<ActionHandlers>;
