export { cityRoutes } from './city.routes.ts';
export { isDistrictOf, mayCompareDistricts } from './city.policy.ts';
export { CityView, JurisdictionLevel, type District } from './city.schema.ts';
export { jurisdictionLevel } from './city.service.ts';
