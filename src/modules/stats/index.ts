export { statsRoutes } from './stats.routes.ts';
export { summary, summaryAnswer, publicResults } from './stats.service.ts';
export {
  SummaryQuery,
  Kpis,
  Summary,
  GROUP_BY,
  type SummaryQuery as SummaryQueryType,
} from './stats.schema.ts';
export { rebuildRollups, runBulkRollup, addToRollup } from './rollup/rollup.ts';
