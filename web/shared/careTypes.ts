/**
 * Names for the resident-service answers (home care, the canteen, the directory, the registry), derived
 * from `api.gen.ts` like `types.ts`; the few routes without a response schema are written out here.
 */
import type { paths } from './api.gen';
import type { GetAnswer, ItemOf } from './types';

export type CareOrder = GetAnswer<'/api/care/orders/{id}'>;
type CareListQuery = NonNullable<paths['/api/care/orders']['get']['parameters']['query']>;
/** The order states, as the API's list filter names them (care.lifecycle.ts is their one source). */
export type CareStatus = NonNullable<CareListQuery['status']>;
/** The service kinds, as the API's list filter names them (care.kinds.ts is their one source). */
export type CareKindCode = NonNullable<CareListQuery['kind']>;
export type CareMe = GetAnswer<'/api/care/me'>;
export type CarePerson = CareMe['persons'][number];
export type Canteen = ItemOf<'/api/canteens'>;
export type DayMenu = GetAnswer<'/api/canteens/{id}/menu'>;
export type CanteenMeal = ItemOf<'/api/canteens/{id}/checkins'>;
export type MyMeal = ItemOf<'/api/canteens/my-meals'>;
export type Provider = ItemOf<'/api/directory/providers'>;
export type ServiceWorker = ItemOf<'/api/directory/providers/{id}/workers'>;
export type Place = ItemOf<'/api/directory/places'>;
export type PersonSummary = ItemOf<'/api/registry/persons'>;
export type PersonDetail = GetAnswer<'/api/registry/persons/{id}'>;
export type AccessLogEntry = ItemOf<'/api/registry/access-log'>;
export type NoticeDetail = GetAnswer<'/api/notices/{id}'>;
/** A month's settlement (`GET/POST /api/care/settlements`): per provider, and the payouts to them. */
export type Settlement = GetAnswer<'/api/care/settlements'>;

/** One of the six services (`GET /api/care/kinds`). */
export interface CareKind {
  code: string;
  name: string;
  unit: string;
  standardMinutes: number;
  checklist: string[];
  priceFen: number;
  subsidyFen: number;
  urgent: boolean;
}

/**
 * The six services in the order the pages show them. The pages need the list before any answer arrives, so
 * it is written here, checked both ways against the API's kinds: a kind added or renamed on the server fails
 * the type check until it is listed here.
 */
export const CARE_KIND_CODES = [
  'cleaning',
  'meals',
  'medical',
  'bathing',
  'walking',
  'emergency',
] as const satisfies readonly CareKindCode[];
type Unlisted = Exclude<CareKindCode, (typeof CARE_KIND_CODES)[number]>;
/** Fails to compile while a kind of the API is missing from CARE_KIND_CODES. */
const everyKindListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyKindListed;

/** The five rating levels, best first. */
export const RATING_LEVELS = [
  'very_satisfied',
  'satisfied',
  'basically_satisfied',
  'dissatisfied',
  'very_dissatisfied',
] as const;

/** Fen as yuan with two decimals. */
export function yuan(fen: number | null | undefined): string {
  return ((fen ?? 0) / 100).toFixed(2);
}

/** The device's position, or nothing when it is refused or takes longer than `timeout` ms. */
export function currentPosition(timeout = 10_000): Promise<{ lat: number; lng: number } | null> {
  return new Promise((resolve) => {
    if (!('geolocation' in navigator)) return resolve(null);
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lng: p.coords.longitude }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout, maximumAge: 60_000 },
    );
  });
}
