/**
 * The presenter of problems: turns rows and domain objects into the API's answers (DESIGN §5), masking
 * what the viewer may not see. Nothing here reads the database.
 */
import { maskPhone } from '../../kernel/mask.ts';
import { hasRole, type Principal } from '../../kernel/roles.ts';
import type { ReferenceData } from '../reference/index.ts';
import {
  DELEGATION_LABELS,
  delegationOf,
  LOG_ONLY_LABELS,
  STATUS_LABELS,
  TRANSITIONS,
  type ActionName,
  type Status,
} from './problems.lifecycle.ts';
import type { ActionRow, ProblemRow } from './problems.repository.ts';
import type { Action, Problem, ProblemDetail, Result } from './problems.schema.ts';

/** Whether the viewer may see the reporter's full phone number. */
export function seesContact(viewer: Principal | null, row: ProblemRow): boolean {
  if (!viewer) return false;
  if (viewer.userId && viewer.userId === row.reporter_user_id) return true;
  if (hasRole(viewer, 'supervisor', 'admin')) return true;
  // The 12345 centre calls reporters back (回访), so it reads their numbers.
  if (hasRole(viewer, 'operator')) return true;
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
    delegation: row.delegate_unit_id
      ? {
          unit: unitRef(row.delegate_unit_id),
          state: delegationOf(row.delegate_state),
          stateLabel: DELEGATION_LABELS[delegationOf(row.delegate_state)],
          dueAt: row.delegate_due_at ?? null,
          dueState: row.delegate_due_state === 'overdue' ? ('overdue' as const) : ('normal' as const),
        }
      : null,
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

/** Whether the viewer reads the whole log (staff) or only its public entries. */
function seesWholeLog(p: Principal): boolean {
  return hasRole(p, 'official', 'unit_handler', 'supervisor', 'leader', 'admin');
}

/** The parts of a problem's detail answer besides its row. */
export interface DetailParts {
  supporting: string[];
  actions: ActionRow[];
  result: Result | null;
  attachments: ProblemDetail['attachments'];
  allowedActions: ActionName[];
  merged: Pick<ProblemRow, 'id' | 'number' | 'title' | 'status'>[];
}

/** GET /api/problems/:id as the viewer may see it. */
export function presentDetail(
  p: Principal,
  ref: ReferenceData,
  row: ProblemRow,
  parts: DetailParts,
): ProblemDetail {
  const whole = seesWholeLog(p);
  return {
    ...problemFromRow(row, ref, parts.supporting, seesContact(p, row)),
    actions: parts.actions.filter((a) => whole || a.is_public === 1).map((a) => actionFromRow(a, ref)),
    result: parts.result,
    attachments: parts.attachments,
    allowedActions: parts.allowedActions,
    mergedProblems: parts.merged.map((m) => ({
      id: m.id,
      number: m.number,
      title: m.title,
      status: m.status,
    })),
  };
}
