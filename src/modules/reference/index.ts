export { referenceRoutes } from './reference.routes.ts';
export { ReferenceService, ReferenceData, DEFAULT_RULE } from './reference.service.ts';
// eslint-disable-next-line no-restricted-syntax -- issue 19: used by the demo seed and bench until reference has services for them
export { referenceRepository } from './reference.repository.ts';
export * from './reference.schema.ts';
export {
  initJurisdiction,
  hetangDivisions,
  nationalDivisions,
  type DivisionSeed,
} from './reference.setup.ts';
