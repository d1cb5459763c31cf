/** The work: progress, extensions, closure and its verification, pressing (进展、延期、申请销号、销号、督办). */
import { badRequest, conflict } from '../../../platform/errors.ts';
import { closeMerged, closePatch } from '../problemMerger.ts';
import { checkIndicators } from '../problems.indicators.ts';
import { problemsRepository } from '../problems.repository.ts';
import { notice, type ActionHandlers } from './handler.ts';

/** The handlers of the actions while a unit works on the problem. */
export const workHandlers = {
  progress: ({ body }, e) => {
    e.attachments = body.attachments ?? [];
  },
  request_extension: (input, e) => {
    const { row, now, body } = input;
    // One request at a time: a second one would overwrite the one the supervisor has not decided yet.
    if (row.pending_extension)
      throw conflict('已有待审批的延期申请 / an extension request is already pending a decision');
    const until = new Date(body.until);
    if (until.getTime() <= now.getTime())
      throw badRequest('until: must be in the future', [
        { path: 'until', message: '须晚于今天 / must be in the future' },
      ]);
    if (row.close_due_at && until.toISOString() <= row.close_due_at)
      throw badRequest('until: must be after the current deadline', [
        { path: 'until', message: '须晚于当前办结期限 / must be after the current deadline' },
      ]);
    e.patch.pending_extension = JSON.stringify({ until: until.toISOString(), reason: body.reason });
    e.data.until = until.toISOString();
    e.notices.push(
      notice(input, {
        role: 'supervisor',
        kind: 'extension_requested',
        title: `延期申请：${row.number}`,
        body: body.reason,
      }),
    );
  },
  decide_extension: (input, e) => {
    const { row, at, body } = input;
    if (!row.pending_extension) throw conflict('没有待审批的延期申请 / no extension is pending');
    const pending = JSON.parse(row.pending_extension) as { until: string };
    e.patch.pending_extension = null;
    e.data.approve = body.approve;
    if (body.approve) {
      const until = body.until ? new Date(body.until).toISOString() : pending.until;
      e.patch.close_due_at = until;
      e.patch.due_state = until > at ? 'normal' : 'overdue';
      e.data.until = until;
    }
    if (row.lead_unit_id)
      e.notices.push(
        notice(input, {
          unitId: row.lead_unit_id,
          kind: 'extension_decided',
          title: `延期${body.approve ? '已批准' : '未批准'}：${row.number}`,
          body: body.note ?? '',
        }),
      );
  },
  request_closure: (input, e) => {
    const { trx, row, ref, at, body } = input;
    const check = checkIndicators(body.indicators, row.domain, ref.indicators);
    if (check.errors.length)
      throw badRequest(check.errors.map((e) => `${e.path}: ${e.message}`).join('; '), check.errors);
    const scaled = body.indicators.map((i) => ({
      code: i.code,
      value_scaled: Math.round(i.value * ref.indicators.get(i.code)!.scale),
    }));
    e.after.push(() =>
      problemsRepository.upsertResult(
        trx,
        row.jurisdiction_id,
        row.id,
        body.summary,
        body.mechanism ?? null,
        scaled,
        at,
      ),
    );
    Object.assign(e.data, {
      indicators: body.indicators.map((i) => ({ code: i.code, value: i.value })),
      mechanism: body.mechanism ?? null,
    });
    if (check.flagged.length) {
      // Confirmed by the unit but outside the usual range: the supervisor looks before verifying.
      e.data.flagged = check.flagged.map((f) => f.code);
      e.notices.push(
        notice(input, {
          role: 'supervisor',
          kind: 'indicator_flagged',
          title: `成效指标待核实：${row.number}`,
          body: check.flagged.map((f) => `${f.name} ${f.value.toLocaleString('zh-CN')} ${f.unit}`).join('；'),
        }),
      );
    }
    e.attachments = body.attachments ?? [];
    e.notices.push(
      notice(input, {
        role: 'supervisor',
        kind: 'closure_requested',
        title: `申请销号：${row.number}`,
        body: row.title,
      }),
    );
  },
  send_back: (input, e) => {
    const { row, body } = input;
    if (row.lead_unit_id)
      e.notices.push(
        notice(input, {
          unitId: row.lead_unit_id,
          kind: 'sent_back',
          title: `销号退回：${row.number}`,
          body: body.reason,
        }),
      );
  },
  verify: async ({ trx, row, at }, e) => {
    const hasResult = await problemsRepository.hasResult(trx, row.jurisdiction_id, row.id);
    Object.assign(e.patch, closePatch(row, at, hasResult));
    e.after.push(() => closeMerged(trx, row, at));
  },
  press: (input, e) => {
    const { row, body } = input;
    e.patch.press_count = row.press_count + 1;
    if (row.lead_unit_id)
      e.notices.push(
        notice(input, {
          unitId: row.lead_unit_id,
          kind: 'pressed',
          title: `督办：${row.number}`,
          body: body.note,
        }),
      );
  },
} satisfies Partial<ActionHandlers>;
