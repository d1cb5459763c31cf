/**
 * Above the district (市级): who in a city's office may compare its districts. Which jurisdictions are its
 * districts is a platform read (`isDistrictOf`, `districtsOf` in platform/jurisdictions.ts).
 */
import { hasRole, type Principal } from '../../kernel/roles.ts';

/** 市督查室 and city leaders compare their districts' figures; nobody there reads a district's cases. */
export function mayCompareDistricts(p: Principal): boolean {
  return hasRole(p, 'supervisor', 'leader', 'admin');
}
