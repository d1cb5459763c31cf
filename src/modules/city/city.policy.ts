/**
 * Above the district (市级): which jurisdictions a city's office looks at, and who there may. Division codes
 * (GB/T 2260) say it: a city is `XXXX00`, its districts and counties share its first four digits.
 */
import { hasRole, type Principal } from '../../kernel/roles.ts';

/** 市督查室 and city leaders compare their districts' figures; nobody there reads a district's cases. */
export function mayCompareDistricts(p: Principal): boolean {
  return hasRole(p, 'supervisor', 'leader', 'admin');
}
