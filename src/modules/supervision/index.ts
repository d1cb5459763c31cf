export { supervisionRoutes } from './supervision.routes.ts';
export { unitScores, pressNoticePdf, type UnitScore, type UnitScores } from './supervision.service.ts';
export {
  unitScore,
  DEFAULT_WEIGHTS,
  type ScoreComponents,
  type ScoreWeights,
} from './supervision.scoring.ts';
