export { referenceRoutes } from './reference.routes.ts';
export {
  ReferenceService,
  ReferenceData,
  DEFAULT_RULE,
  readReferenceSnapshot,
  addUnit,
  type ReferenceSnapshot,
  type PointBox,
} from './reference.service.ts';
export * from './reference.schema.ts';
export {
  initJurisdiction,
  hetangDivisions,
  nationalDivisions,
  type DivisionSeed,
} from './reference.setup.ts';
