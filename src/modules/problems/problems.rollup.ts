import { ROLLUP_LEVELS as LEVELS } from '../../db/rollupTables.ts';
import type { FilterContext } from './problems.filters.ts';

/**
 * Which rollup level answers a question (migrations 0003 and 0005): the full grain, the small core grain,
 * or the core grain by status.
 */
export type RollupLevel = 'full' | 'core' | 'status';

/** The level's tables: its measures and its indicator sums. */
export const ROLLUP_TABLES: Record<RollupLevel, { table: string; indicators: string }> = {
  full: LEVELS[0],
  core: LEVELS[1],
  status: LEVELS[2],
};

/** Filters on a rollup level's grain: column → accepted values (any of), and a month range. */
export interface RollupQuery {
  jurisdictionId: string;
  level: RollupLevel;
  where: { column: string; values: string[] }[];
  fromMonth: string | null;
  /** Exclusive. */
  toMonth: string | null;
}

/** The first day of a month in +08:00 as 'YYYY-MM', if the instant is exactly that midnight; else null. */
export function monthStart(value: string): string | null {
  const t = Date.parse(value);
  if (Number.isNaN(t)) return null;
  const local = new Date(t + 8 * 3600_000);
  if (
    local.getUTCDate() !== 1 ||
    local.getUTCHours() !== 0 ||
    local.getUTCMinutes() !== 0 ||
    local.getUTCSeconds() !== 0 ||
    local.getUTCMilliseconds() !== 0
  )
    return null;
  return local.toISOString().slice(0, 7);
}

/** Whether a filter's value asks for anything (not left out, not empty). */
function isSet(value: unknown): boolean {
  return !(value === undefined || value === '' || (Array.isArray(value) && value.length === 0));
}

/**
 * The rollup query answering these filters, or null when no level can (a filter on something the rollups do
 * not keep: village, unit, free text, place, dates inside a month, due state …; status together with
 * channel, topic or campaign; or a scope narrower than whole townships). `coreGroup` says whether the
 * grouping asked for, if any, is on the core grain. Then the answer is computed from the problems themselves.
 */
export function rollupQueryOf(fc: FilterContext, coreGroup = true): RollupQuery | null {
  const v = fc.visibility;
  if (v && !v.all && (v.unitIds.length || v.reporterId || v.topicLeadId)) return null;
  if (fc.mineUserId) return null;
  const f = fc.filters;
  const where: RollupQuery['where'] = [];
  let full = !coreGroup;
  let byStatus = false;
  const list = (s: string | undefined) => (s ? s.split(',').filter(Boolean) : []);
  for (const [key, value] of Object.entries(f)) {
    if (!isSet(value)) continue;
    switch (key) {
      case 'status':
        where.push({ column: 'status', values: value as string[] });
        byStatus = true;
        break;
      case 'kind':
        where.push({ column: 'kind', values: value as string[] });
        break;
      case 'channel':
        where.push({ column: 'channel', values: value as string[] });
        full = true;
        break;
      case 'domain':
        where.push({ column: 'domain', values: list(value as string) });
        break;
      case 'category':
        where.push({ column: 'category_code', values: list(value as string) });
        break;
      case 'township':
        where.push({ column: 'township_code', values: [value as string] });
        break;
      case 'campaign':
        where.push({ column: 'campaign_id', values: [value as string] });
        full = true;
        break;
      case 'topic':
        where.push({ column: 'topic_id', values: [value as string] });
        full = true;
        break;
      case 'from':
      case 'to':
        if (monthStart(value as string) === null) return null;
        break;
      default:
        return null;
    }
  }
  if (full && byStatus) return null;
  if (v && !v.all) where.push({ column: 'township_code', values: v.townships.length ? v.townships : ['-'] });
  if (where.some((w) => w.values.length === 0)) return null;
  return {
    jurisdictionId: fc.jurisdictionId,
    level: byStatus ? 'status' : full ? 'full' : 'core',
    where,
    fromMonth: f.from ? monthStart(f.from) : null,
    toMonth: f.to ? monthStart(f.to) : null,
  };
}

/**
 * The problems of some units — a unit handler's scope, or the `unit` filter — split in two for counts and
 * statistics: those the units lead, summed from the full rollup (its grain keeps the lead unit), and the
 * rest, read from their rows — the problems the units only support and, for a handler, his own reports led
 * by no unit of his. Together they are the scope exactly, since a problem's lead unit is always among its
 * units (dispatch and imports write both). Summing a big unit's led problems from the rows would read
 * them all for each of the summary's sums, and for the list's total after each write.
 * Null where the split does not apply: no unit, a scope of townships or topics as well, both a unit scope
 * and a unit filter, or filters the full rollup does not keep.
 */
export function unitSplitOf(
  fc: FilterContext,
): { unitIds: string[]; led: RollupQuery; rest: FilterContext } | null {
  const scope = unitScopeOf(fc);
  if (!scope) return null;
  // The full level answers every grouping; with the other filters over the whole jurisdiction.
  const full = rollupQueryOf({ ...fc, filters: scope.others, visibility: null }, false);
  if (!full || full.level !== 'full') return null;
  return {
    unitIds: scope.unitIds,
    led: { ...full, where: [...full.where, { column: 'lead_unit_id', values: scope.unitIds }] },
    rest: { ...fc, notLedBy: scope.unitIds },
  };
}

/**
 * The same split for a unit's list filtered by status and nothing else, which no rollup level keeps together
 * with the lead unit: the problems the units lead are counted from the index of lead units by status
 * (`problems_lead_unit`), the rest as in unitSplitOf, so a handler's tab by status never counts the rows.
 */
export function unitStatusSplitOf(
  fc: FilterContext,
): { unitIds: string[]; statuses: string[]; rest: FilterContext } | null {
  if (fc.mineUserId) return null;
  const scope = unitScopeOf(fc);
  if (!scope) return null;
  const { status, ...others } = scope.others;
  if (!status?.length || Object.values(others).some(isSet)) return null;
  return { unitIds: scope.unitIds, statuses: status, rest: { ...fc, notLedBy: scope.unitIds } };
}

/** A scope of units (a handler's units, or the `unit` filter, not both) and the filters besides it. */
function unitScopeOf(
  fc: FilterContext,
): { unitIds: string[]; others: Omit<FilterContext['filters'], 'unit'> } | null {
  const v = fc.visibility;
  const scoped = !!v && !v.all && v.unitIds.length > 0;
  const { unit, ...others } = fc.filters;
  if (scoped === !!unit) return null;
  if (scoped && (v.townships.length > 0 || v.topicLeadId)) return null;
  return { unitIds: scoped ? v.unitIds : [unit!], others };
}
