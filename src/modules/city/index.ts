export { cityRoutes } from './city.routes.ts';
export { mayCompareDistricts } from './city.policy.ts';
export { CityView, type District } from './city.schema.ts';
