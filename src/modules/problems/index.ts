export { problemsRoutes } from './problems.routes.ts';
export { createProblem, validateFields } from './problems.create.ts';
export { act } from './problems.actions.ts';
export {
  getProblem,
  listProblems,
  queues,
  mapPoints,
  similarProblems,
  previewDeadlines,
  filterContext,
  publicFilterContext,
} from './problems.read.ts';
export { resultOf } from './problems.presenter.ts';
export { appendAction, appendActions } from './problems.log.ts';
export { ConcurrentChange } from './problems.changes.ts';
export { addLedgerProgress, type ProgressLine } from './problemLedgerUpdater.ts';
export { provenState, verifyProblemStates, type StateDifference } from './problems.proof.ts';
export { checkIndicators } from './problems.indicators.ts';
export type { FilterContext } from './problems.filters.ts';
export { planTotal, planFigures, type TotalPlan, type FiguresPlan, type UnitSplit } from './problems.plan.ts';
export {
  dataVersion,
  countProblems,
  problemsMatching,
  problemsByNumber,
  problemsByNumberOrId,
  requestPage,
  firstCreatedAt,
  supportingUnitsOf,
  resultsOf,
  recentPublicActions,
  actionHashAt,
  pressOrdinal,
  overdueByLeadUnit,
  notifyRole,
  rollupCondition,
  countRolledUp,
  type RequestColumns,
  type ProblemRecord,
  type ActionRecord,
} from './problems.queries.ts';
export {
  STATUSES,
  STATUS_LABELS,
  OPEN_STATUSES,
  PUBLISHED_STATUSES,
  RUNNING_STATUSES,
  TRANSITIONS,
  ACTIONS,
  RATINGS,
  type Status,
  type ActionName,
} from './problems.lifecycle.ts';
export {
  CHANNELS,
  CHANNEL_LABELS,
  RECTIFICATION_TYPES,
  RECTIFICATION_LABELS,
  ProblemFilters,
  CreateProblem,
  type Problem,
  ProblemDetail,
  Result,
} from './problems.schema.ts';
export {
  visibilityOf,
  canSee,
  seesPersonalData,
  mayLabelChannel,
  relationsOf,
  roleDenial,
  reportDenials,
  type Visibility,
} from './problems.policy.ts';
export { runDeadlineScan, startDeadlineScheduler } from './deadlineScheduler.ts';
export {
  ROLLUP_TABLES,
  monthStart,
  rollupQueryOf,
  unitSplitOf,
  type RollupLevel,
  type RollupQuery,
} from './problems.rollup.ts';
