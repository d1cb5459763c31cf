/** Intake and dispatch: resubmit, return, reject, dispatch, sign, bounce (退回、不予受理、交办、签收、退单). */
import { badRequest } from '../../../platform/errors.ts';
import { problemsRepository } from '../problems.repository.ts';
import { deadlines } from '../problems.deadlines.ts';
import { notice, type ActionHandlers } from './handler.ts';

/** The handlers of the actions before the work starts. */
export const intakeHandlers = {
  resubmit: ({ body }, e) => {
    if (body.title) e.patch.title = body.title;
    if (body.description) e.patch.description = body.description;
  },
  return: () => {},
  reject: () => {},
  dispatch: (input, e) => {
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
          message: `unknown unit ${u}`,
        })),
      );
    const urgency = body.urgency ?? row.urgency;
    const d = deadlines(ref, row.category_code, urgency, now);
    Object.assign(e.patch, {
      lead_unit_id: lead,
      urgency,
      rectification_type: body.rectificationType ?? row.rectification_type ?? 'deadline',
      dispatched_at: at,
      responded_at: null,
      respond_due_at: d.respondDueAt,
      close_due_at: d.closeDueAt,
      due_state: 'normal',
    });
    Object.assign(e.data, {
      leadUnitId: lead,
      supportingUnitIds: supporting,
      respondDueAt: d.respondDueAt,
      closeDueAt: d.closeDueAt,
      rule: d.rule,
    });
    e.after.push(() => problemsRepository.setUnits(trx, row.jurisdiction_id, row.id, lead, supporting));
    for (const u of [lead, ...supporting])
      e.notices.push(
        notice(input, {
          unitId: u,
          kind: 'dispatched',
          title: `新交办：${row.number}`,
          // In the jurisdiction's time zone: the reader's clock, not UTC.
          body: `${row.title}，请于 ${ref.calendar.localDateTime(d.respondDueAt)} 前签收`,
        }),
      );
  },
  sign: ({ at }, e) => {
    e.patch.responded_at = at;
  },
  bounce: (input, e) => {
    e.patch.bounce_count = input.row.bounce_count + 1;
    e.patch.due_state = 'none';
    e.notices.push(
      notice(input, {
        role: 'supervisor',
        kind: 'bounced',
        title: `退单：${input.row.number}`,
        body: input.body.reason,
      }),
    );
  },
} satisfies Partial<ActionHandlers>;
