/**
 * Row types of the resident-service tables (DESIGN §3): the shared pieces (registry, directory, service
 * logs, entitlements, indicators) and the service modules built on them. Same conventions as schema.ts.
 */
import type { ResidentServiceTables } from './schema.residents.ts';

export interface HouseholdTable {
  jurisdiction_id: string;
  id: string;
  village_code: string;
  address: string | null;
  created_at: string;
}

export interface PersonTable {
  jurisdiction_id: string;
  id: string;
  household_id: string | null;
  name: string;
  gender: string | null;
  birth_date: string | null;
  phone: string | null;
  id_number_enc: string | null;
  id_number_hash: string | null;
  village_code: string;
  address: string | null;
  /** JSON array of eligibility tags. */
  tags: string;
  disability_level: number | null;
  ethnicity: string | null;
  living_alone: number;
  user_id: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface PersonContactTable {
  jurisdiction_id: string;
  id: string;
  person_id: string;
  kind: string;
  name: string;
  relation: string;
  phone: string | null;
  user_id: string | null;
  created_at: string;
}

export interface ConsentTable {
  jurisdiction_id: string;
  id: string;
  person_id: string;
  purpose: string;
  lawful_basis: string;
  /** JSON array of the fields covered. */
  scope: string;
  granted_by: string;
  granted_at: string;
  expires_at: string | null;
  withdrawn_at: string | null;
  withdrawn_reason: string | null;
  recorded_by: string | null;
}

export interface PersonAccessTable {
  jurisdiction_id: string;
  id: string;
  person_id: string;
  actor_user_id: string | null;
  actor_name: string;
  purpose: string;
  /** JSON array of the fields shown in clear. */
  fields: string;
  created_at: string;
}

export interface ProviderTable {
  jurisdiction_id: string;
  id: string;
  name: string;
  uscc: string;
  licence_no: string | null;
  licence_expires_on: string | null;
  phone: string | null;
  /** JSON array of village codes (or township codes) served. */
  service_area: string;
  /** JSON array of service kinds offered. */
  services: string;
  active: number;
  created_at: string;
}

export interface ProviderWorkerTable {
  jurisdiction_id: string;
  id: string;
  provider_id: string;
  name: string;
  phone: string | null;
  user_id: string | null;
  /** JSON array of qualifications {name, number, expiresOn}. */
  qualifications: string;
  active: number;
  created_at: string;
}

export interface PlaceTable {
  jurisdiction_id: string;
  id: string;
  kind: string;
  name: string;
  provider_id: string | null;
  village_code: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  phone: string | null;
  capacity: number | null;
  /** JSON array of opening rules {rrule, opens, closes, workdaysOnly}. */
  hours: string;
  description: string | null;
  created_at: string;
}

export interface ServiceLogTable {
  jurisdiction_id: string;
  module: string;
  seq: number;
  id: string;
  ref_id: string;
  action: string;
  from_status: string | null;
  to_status: string | null;
  actor_user_id: string | null;
  actor_name: string;
  data: string;
  created_at: string;
  prev_hash: string;
  hash: string;
}

export interface EntitlementAccountTable {
  jurisdiction_id: string;
  id: string;
  person_id: string;
  kind: string;
  unit: string;
  balance: number;
  entries: number;
  last_hash: string;
  created_at: string;
}

export interface EntitlementEntryTable {
  jurisdiction_id: string;
  account_id: string;
  seq: number;
  id: string;
  kind: string;
  amount: number;
  balance_after: number;
  corrects_entry_id: string | null;
  /** What a spend is for (a meal of a day, say): one spend per occasion and account. */
  occasion: string | null;
  source_module: string;
  source_ref: string;
  note: string | null;
  actor_user_id: string | null;
  created_at: string;
  prev_hash: string;
  hash: string;
}

export interface ServiceIndicatorTable {
  jurisdiction_id: string;
  id: string;
  code: string;
  module: string;
  ref_id: string;
  value_scaled: number;
  village_code: string | null;
  occurred_at: string;
}

export interface CareOrderTable {
  jurisdiction_id: string;
  id: string;
  person_id: string;
  kind: string;
  status: string;
  urgent: number;
  placed_by_user_id: string | null;
  placed_as: string;
  provider_id: string | null;
  /** JSON array of the providers that rejected it or let it time out. */
  providers_tried: string;
  accept_due_at: string | null;
  worker_id: string | null;
  scheduled_at: string;
  village_code: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  price_fen: number;
  subsidy_fen: number;
  checkin_at: string | null;
  checkin_distance_m: number | null;
  checkout_at: string | null;
  /** JSON array of photo hashes (check-in and check-out). */
  photos: string;
  /** JSON array of evidence flags. */
  flags: string;
  flags_cleared_by: string | null;
  confirm_code_hash: string | null;
  rating_level: string | null;
  rating_comment: string | null;
  problem_id: string | null;
  failure_reason: string | null;
  settlement_month: string | null;
  note: string | null;
  /** 助急 escalation: when the order was escalated for not being accepted in time. */
  escalated_at: string | null;
  escalation_problem_id: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface CarePhotoTable {
  jurisdiction_id: string;
  hash: string;
  order_id: string;
  /** The uploaded file the hash is of (migration 0044); null for a hash sent alone. */
  attachment_id: string | null;
  created_at: string;
}

/** A provider's settlement paid out through the payment channel (migration 0047). */
export interface CarePayoutTable {
  jurisdiction_id: string;
  id: string;
  provider_id: string;
  /** The settled month, YYYY-MM. */
  month: string;
  amount_fen: number;
  channel: string;
  /** pending → paid | failed. */
  status: string;
  provider_txn_id: string | null;
  failure_reason: string | null;
  problem_id: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/** The resident-service tables, merged into `DB`. */
export interface ServiceTables extends ResidentServiceTables {
  households: HouseholdTable;
  persons: PersonTable;
  person_contacts: PersonContactTable;
  consents: ConsentTable;
  person_access_log: PersonAccessTable;
  providers: ProviderTable;
  provider_workers: ProviderWorkerTable;
  places: PlaceTable;
  service_log: ServiceLogTable;
  entitlement_accounts: EntitlementAccountTable;
  entitlement_entries: EntitlementEntryTable;
  service_indicators: ServiceIndicatorTable;
  care_orders: CareOrderTable;
  care_photos: CarePhotoTable;
  care_payouts: CarePayoutTable;
}
