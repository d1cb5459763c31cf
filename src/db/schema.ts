/**
 * Row types of every table, as Kysely sees them. Timestamps are ISO-8601 UTC strings in both dialects,
 * booleans are 0/1 integers, JSON is text; mappers in the repositories turn rows into domain objects.
 */
import type { JobsTables } from './schema.jobs.ts';
import type { ColumnType } from 'kysely';
import type { ServiceTables } from './schema.services.ts';
import type { HotlineTables } from './schema.hotline.ts';

export interface JurisdictionTable {
  id: string;
  name: string;
  division_code: string;
  open311_id: string | null;
  number_prefix: string;
  settings: string;
  created_at: string;
  /** The real jurisdiction whose Open311 test endpoint this sandbox serves; null for a real one. */
  sandbox_of: string | null;
}

export interface DivisionTable {
  jurisdiction_id: string;
  code: string;
  name: string;
  parent_code: string | null;
  level: string;
  lat: number | null;
  lng: number | null;
  population: number | null;
}

export interface UnitTable {
  jurisdiction_id: string;
  id: string;
  parent_id: string | null;
  name: string;
  kind: string;
  division_code: string | null;
  phone: string | null;
  sort: number;
  active: number;
  created_at: string;
  version: number;
}

export interface UserTable {
  jurisdiction_id: string;
  id: string;
  username: string;
  display_name: string;
  password_hash: string | null;
  phone: string | null;
  id_number_enc: string | null;
  id_number_hash: string | null;
  unit_id: string | null;
  roles: string;
  scope_kind: string;
  scope_ref: string | null;
  active: number;
  failed_logins: number;
  locked_until: string | null;
  created_at: string;
  version: number;
}

export interface SessionTable {
  jurisdiction_id: string;
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface ApiKeyTable {
  jurisdiction_id: string;
  id: string;
  name: string;
  key_hash: string;
  prefix: string;
  user_id: string | null;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface OtpTable {
  jurisdiction_id: string;
  phone: string;
  code_hash: string;
  expires_at: string;
  attempts: number;
  created_at: string;
}

export interface DomainTable {
  jurisdiction_id: string;
  code: string;
  name: string;
  name_en: string;
  kind: string;
  sort: number;
}

export interface CategoryTable {
  jurisdiction_id: string;
  code: string;
  name: string;
  name_en: string;
  kind: string;
  domain: string;
  description: string;
  fields: string;
  keywords: string;
  open311_type: string;
  active: number;
  sort: number;
  version: number;
}

export interface IndicatorTable {
  jurisdiction_id: string;
  code: string;
  name: string;
  name_en: string;
  unit: string;
  scale: number;
  domain: string | null;
  sort: number;
  /** The range a value must be in (its unit), and the range beyond which it needs a confirmation. */
  min_value: number | null;
  max_value: number | null;
  plausible_min: number | null;
  plausible_max: number | null;
  /** Counted in whole numbers (家, 人). */
  whole: number;
}

export interface TimeRuleTable {
  jurisdiction_id: string;
  id: string;
  category_code: string | null;
  urgency: string;
  respond_hours: number;
  close_days: number;
  version: number;
}

export interface CalendarDayTable {
  jurisdiction_id: string;
  date: string;
  is_workday: number;
  name: string;
}

export interface CampaignTable {
  jurisdiction_id: string;
  id: string;
  name: string;
  description: string;
  starts_on: string;
  ends_on: string | null;
  created_at: string;
}

export interface TopicTable {
  jurisdiction_id: string;
  id: string;
  campaign_id: string;
  title: string;
  domain: string;
  lead_official_id: string | null;
  lead_official_name: string;
  team: string;
  report: string;
  created_at: string;
}

export interface VisitTable {
  jurisdiction_id: string;
  id: string;
  topic_id: string;
  visited_at: string;
  village_code: string | null;
  place: string;
  enterprise_name: string | null;
  enterprise_uscc: string | null;
  participants: string;
  notes: string;
  lat: number | null;
  lng: number | null;
  created_by: string | null;
  created_at: string;
}

export interface ProblemTable {
  jurisdiction_id: string;
  id: string;
  number: string;
  kind: string;
  domain: string;
  category_code: string;
  channel: string;
  title: string;
  description: string;
  reporter_user_id: string | null;
  reporter_name: string | null;
  reporter_phone: string | null;
  enterprise_name: string | null;
  enterprise_uscc: string | null;
  township_code: string | null;
  village_code: string | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  campaign_id: string | null;
  topic_id: string | null;
  visit_id: string | null;
  lead_unit_id: string | null;
  rectification_type: string | null;
  urgency: string;
  status: string;
  due_state: string;
  respond_due_at: string | null;
  close_due_at: string | null;
  dispatched_at: string | null;
  responded_at: string | null;
  closed_at: string | null;
  close_hours: number | null;
  resolved: number;
  rating: string | null;
  /** The rating of the last rated round (kept through a 重办). */
  last_rating: string | null;
  /** The earlier problem this report repeats (重复诉求). */
  repeat_of_id: string | null;
  merged_into_id: string | null;
  pending_extension: string | null;
  /** 二次交办: the village unit the lead township passed the problem to (migration 0045). */
  delegate_unit_id: string | null;
  /** Where the village's part stands (problems.lifecycle.ts `DELEGATION_STATES`); null when not passed down. */
  delegate_state: string | null;
  /** The village's deadline, never later than the problem's own. */
  delegate_due_at: string | null;
  /** The village's part against its own deadline: `normal` or `overdue` (migration 0049); null when not passed down. */
  delegate_due_state: string | null;
  bounce_count: number;
  press_count: number;
  reopen_count: number;
  fields: string;
  found_on: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface ProblemUnitTable {
  jurisdiction_id: string;
  problem_id: string;
  unit_id: string;
  role: string;
}

export interface ActionTable {
  jurisdiction_id: string;
  id: string;
  problem_id: string;
  seq: number;
  action: string;
  from_status: string | null;
  to_status: string;
  actor_user_id: string | null;
  actor_name: string;
  actor_unit_id: string | null;
  note: string | null;
  data: string;
  is_public: number;
  created_at: string;
  prev_hash: string;
  hash: string;
}

export interface ResultTable {
  jurisdiction_id: string;
  problem_id: string;
  summary: string;
  mechanism: string | null;
  created_at: string;
}

export interface ResultIndicatorTable {
  jurisdiction_id: string;
  problem_id: string;
  code: string;
  value_scaled: number;
}

export interface AttachmentTable {
  jurisdiction_id: string;
  id: string;
  problem_id: string | null;
  action_id: string | null;
  visit_id: string | null;
  kind: string;
  mime: string;
  size: number;
  sha256: string;
  original_name: string;
  storage_path: string;
  created_by: string | null;
  created_at: string;
  /** What a service module took the file for, e.g. `care:<order id>` (migration 0044). */
  service_ref: string | null;
}

export interface NotificationTable {
  jurisdiction_id: string;
  id: string;
  user_id: string | null;
  unit_id: string | null;
  role: string | null;
  kind: string;
  problem_id: string | null;
  title: string;
  body: string;
  created_at: string;
  read_at: string | null;
}

/** Who read which notification (a notice to a unit or a role is read by each of its members). */
export interface NotificationReadTable {
  jurisdiction_id: string;
  notification_id: string;
  user_id: string;
  read_at: string;
}

/** A column with a default: optional when inserting. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

/** A public notice (公告); the columns after `created_by` came with the notices module (migration 0023). */
export interface NoticeTable {
  jurisdiction_id: string;
  id: string;
  title: string;
  body: string;
  /** When it was (or, while a draft, is meant to be) published. */
  published_at: string;
  created_by: string | null;
  /** 文号, e.g. 荷应急〔2024〕3号. */
  doc_number: Defaulted<string | null>;
  issuing_unit: Defaulted<string | null>;
  /** general | urgent (urgent ones are exported as CAP). */
  kind: Defaulted<string>;
  status: Defaulted<string>;
  /** jurisdiction | township | village | group. */
  audience_kind: Defaulted<string>;
  audience_ref: Defaulted<string | null>;
  /** JSON array of channels: phone, sms, screen. */
  channels: Defaulted<string>;
  /** JSON of the CAP fields of an urgent notice. */
  cap: Defaulted<string | null>;
  expires_at: Defaulted<string | null>;
  /** When it was withdrawn or expired. */
  ended_at: Defaulted<string | null>;
  updated_at: Defaulted<string | null>;
  version: Defaulted<number>;
}

export interface IdempotencyTable {
  jurisdiction_id: string;
  key: string;
  principal: string;
  request_hash: string;
  status_code: number;
  response: string;
  created_at: string;
}

export interface CounterTable {
  jurisdiction_id: string;
  name: string;
  value: number;
}

export interface AuditTable {
  jurisdiction_id: string;
  seq: number;
  kind: string;
  ref_id: string;
  actor_user_id: string | null;
  summary: string;
  data: string;
  created_at: string;
  prev_hash: string;
  hash: string;
}

/** A counter that guards (code requests per phone or address) within a time window. */
export interface GuardCounterTable {
  jurisdiction_id: string;
  key: string;
  count: number;
  window_end: string;
}

export interface Open311TokenTable {
  jurisdiction_id: string;
  token: string;
  problem_id: string | null;
  created_at: string;
}

/** The media_url an Open311 client sent with a request (migration 0012). */
export interface Open311MediaTable {
  jurisdiction_id: string;
  problem_id: string;
  media_url: string;
  created_at: string;
}

export interface Open311PhotoTable {
  jurisdiction_id: string;
  attachment_id: string;
  problem_id: string;
  position: number;
  created_at: string;
}

/** The whole database as Kysely sees it. */
export interface DB extends ServiceTables, HotlineTables, JobsTables {
  jurisdictions: JurisdictionTable;
  divisions: DivisionTable;
  units: UnitTable;
  users: UserTable;
  sessions: SessionTable;
  api_keys: ApiKeyTable;
  otp_codes: OtpTable;
  domains: DomainTable;
  categories: CategoryTable;
  indicators: IndicatorTable;
  time_rules: TimeRuleTable;
  calendar_days: CalendarDayTable;
  campaigns: CampaignTable;
  topics: TopicTable;
  visits: VisitTable;
  problems: ProblemTable;
  problem_units: ProblemUnitTable;
  actions: ActionTable;
  results: ResultTable;
  result_indicators: ResultIndicatorTable;
  attachments: AttachmentTable;
  notifications: NotificationTable;
  notification_reads: NotificationReadTable;
  notices: NoticeTable;
  idempotency_keys: IdempotencyTable;
  counters: CounterTable;
  audit_log: AuditTable;
  open311_tokens: Open311TokenTable;
  guard_counters: GuardCounterTable;
  open311_media: Open311MediaTable;
  open311_photos: Open311PhotoTable;
}
