/** Row types of the hotline and supervision tables (migrations 0027, 0028). Same conventions as schema.ts. */

/** A call taken at the 12345 centre into a problem. */
export interface HotlineCallTable {
  jurisdiction_id: string;
  id: string;
  problem_id: string;
  caller_phone: string;
  caller_name: string | null;
  /** 1 when the caller agreed to be called back and to get SMS about the case. */
  callback_consent: number;
  called_at: string;
  /** The city 12345 platform's work-order number (工单编号) when the call came from it. */
  city_order_number: string | null;
  address_said: string;
  operator_user_id: string | null;
  created_at: string;
}

/** A follow-up call (回访) after closure: reached or not, and what the reporter said. */
export interface FollowUpCallTable {
  jurisdiction_id: string;
  id: string;
  problem_id: string;
  operator_user_id: string | null;
  operator_name: string;
  /** reached | no_answer | declined */
  outcome: string;
  rating: string | null;
  note: string | null;
  called_at: string;
}

/** The hotline and supervision tables. */
export interface HotlineTables {
  hotline_calls: HotlineCallTable;
  follow_up_calls: FollowUpCallTable;
}
