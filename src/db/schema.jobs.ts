/** Row types of the jobs tables (荷塘大就业, migration 0030). Same conventions as schema.ts. */

export interface JobsEmployerTable {
  jurisdiction_id: string;
  id: string;
  name: string;
  uscc: string;
  contact_name: string;
  contact_phone: string;
  village_code: string;
  address: string | null;
  owner_user_id: string | null;
  /** pending | verified | rejected */
  status: string;
  review_note: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  created_at: string;
  version: number;
}

export interface JobsPostingTable {
  jurisdiction_id: string;
  id: string;
  employer_id: string;
  title: string;
  description: string;
  kind: string;
  occupation_code: string;
  headcount: number;
  filled: number;
  wage_fen: number | string;
  wage_unit: string;
  pieces_per_hour: number | null;
  village_code: string;
  address: string | null;
  lat: number;
  lng: number;
  station_id: string | null;
  valid_from: string;
  valid_through: string;
  reconfirm_due_at: string | null;
  reconfirm_token_hash: string | null;
  reminded_at: string | null;
  status: string;
  posted_by_user_id: string | null;
  posted_via: string;
  opened_at: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface JobsWorkerTable {
  jurisdiction_id: string;
  id: string;
  person_id: string;
  user_id: string | null;
  has_smartphone: number;
  /** JSON array of occupation codes. */
  occupations: string;
  /** JSON array of free skills. */
  skills: string;
  /** JSON {days: number[] (1 = Monday), kinds: string[]}. */
  availability: string;
  radius_m: number;
  min_daily_fen: number | string;
  village_code: string;
  lat: number | null;
  lng: number | null;
  /** JSON array of priority groups (大龄, 就业困难, 残疾, 脱贫), kept only under a consent. */
  priority_groups: string;
  registered_via: string;
  station_id: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface JobsApplicationTable {
  jurisdiction_id: string;
  id: string;
  posting_id: string;
  worker_id: string;
  status: string;
  proposed_by: string;
  score: number;
  /** JSON array of the score's parts. */
  explanation: string;
  worker_hours: number | null;
  worker_amount_fen: number | string | null;
  employer_hours: number | null;
  employer_amount_fen: number | string | null;
  completed_at: string | null;
  pay_due_at: string | null;
  paid_at: string | null;
  problem_id: string | null;
  disputed_at: string | null;
  resolved_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface JobsStationTable {
  jurisdiction_id: string;
  place_id: string;
  /** centre | township */
  role: string;
  township_code: string;
  created_at: string;
}

export interface JobsStationStaffTable {
  jurisdiction_id: string;
  place_id: string;
  user_id: string;
  created_at: string;
}

export interface JobsStationVisitTable {
  jurisdiction_id: string;
  id: string;
  place_id: string;
  worker_id: string | null;
  purpose: string;
  recorded_by: string | null;
  created_at: string;
}

/** The jobs tables, merged into `DB`. */
export interface JobsTables {
  jobs_employers: JobsEmployerTable;
  jobs_postings: JobsPostingTable;
  jobs_workers: JobsWorkerTable;
  jobs_applications: JobsApplicationTable;
  jobs_stations: JobsStationTable;
  jobs_station_staff: JobsStationStaffTable;
  jobs_station_visits: JobsStationVisitTable;
}
