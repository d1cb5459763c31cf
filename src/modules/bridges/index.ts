export {
  raiseProblem,
  dispatcher as systemPrincipal,
  recordIndicator,
  indicatorTotals,
  SERVICE_INDICATORS,
  type RaiseProblemInput,
  type RaisedProblem,
  type IndicatorInput,
} from './bridges.ts';
