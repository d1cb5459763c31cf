import type { Role } from '../kernel/roles.ts';

/**
 * `public`: anyone, signed in or not. `signed-in`: any user or API key. `api-key`: an integration with
 * an API key (Open311 sends it as the `api_key` parameter inside the body, so the adapter checks it and
 * answers 403 in Open311's format). A list of roles: a user or key holding one of them.
 */
export type Access = 'public' | 'signed-in' | 'api-key' | readonly Role[];

/** One row of the matrix. */
export interface Permission {
  access: Access;
  /** What the route decides beyond the gate (scope, policy), for the reader of this table. */
  note?: string;
}
