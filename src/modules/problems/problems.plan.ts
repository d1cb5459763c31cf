/**
 * The query plans of a request, made once and passed down: how a list's total is counted, and where the
 * figures of a summary come from. The planners are pure; a request that asked them again for each part
 * of its answer planned three or four times.
 */
import type { FilterContext } from './problems.filters.ts';
import { rollupQueryOf, unitSplitOf, unitStatusSplitOf, type RollupQuery } from './problems.rollup.ts';

/** A unit's problems split in two: those it leads (from a rollup or an index) and the rest (counted). */
export type UnitSplit = NonNullable<ReturnType<typeof unitSplitOf>>;

/** How a list's total is counted. */
export type TotalPlan =
  | { kind: 'rollup'; rollup: RollupQuery }
  | { kind: 'split'; split: UnitSplit }
  | { kind: 'statusSplit'; split: NonNullable<ReturnType<typeof unitStatusSplitOf>> }
  | { kind: 'count' };

/**
 * The plan of a list's total: from the rollup by status when the filters are on its grain; a unit's
 * problems from the full rollup for those it leads and counted for the rest; a unit's list by status alone
 * from the index of lead units by status and counted for the rest; else counted.
 */
export function planTotal(fc: FilterContext): TotalPlan {
  const rollup = rollupQueryOf(fc);
  if (rollup) return { kind: 'rollup', rollup };
  const split = unitSplitOf(fc);
  if (split) return { kind: 'split', split };
  const byStatus = unitStatusSplitOf(fc);
  if (byStatus) return { kind: 'statusSplit', split: byStatus };
  return { kind: 'count' };
}

/** Where a summary's figures come from: a rollup level, a unit's split, or (both null) the rows. */
export interface FiguresPlan {
  rollup: RollupQuery | null;
  split: UnitSplit | null;
}

/** The plan of a summary's figures; `coreGroup`: whether its grouping is on the core rollup's grain. */
export function planFigures(fc: FilterContext, coreGroup: boolean): FiguresPlan {
  const rollup = rollupQueryOf(fc, coreGroup);
  return { rollup, split: rollup ? null : unitSplitOf(fc) };
}
