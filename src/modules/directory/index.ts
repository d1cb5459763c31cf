export { directoryRoutes } from './directory.routes.ts';
export {
  eligibleProviders,
  workerOfUser,
  workerById,
  providerById,
  servesVillage,
  createProvider,
  addWorker,
  createPlace,
  listPlaces,
  getPlace,
} from './directory.service.ts';
export {
  openingState,
  parseRule,
  ruleProblems,
  CALENDAR_MODES,
  type OpeningRule,
  type OpeningState,
} from './directory.hours.ts';
export { hsdsServicesPage, stableUuid } from './directory.hsds.ts';
export { Place } from './directory.schema.ts';
export type { Provider, Worker, ProviderInput, PlaceInput } from './directory.schema.ts';
