export { ReferenceService, ReferenceData, DEFAULT_RULE } from './reference.service.ts';
export { referenceRepository } from './reference.repository.ts';
export * from './reference.schema.ts';
export {
  initJurisdiction,
  hetangDivisions,
  nationalDivisions,
  type DivisionSeed,
} from './reference.setup.ts';
