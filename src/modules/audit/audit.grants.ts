import { canonicalJson } from '../../kernel/chain.ts';
import { sha256Hex } from '../../kernel/ids.ts';

/** The columns of a user that decide what the account may do, as stored. */
export interface GrantColumns {
  id: string;
  username: string;
  roles: string;
  scope_kind: string;
  scope_ref: string | null;
  unit_id: string | null;
  active: number;
  password_hash: string | null;
}

/**
 * The digest of what a user may do and how he signs in (roles, scope, unit, activity, password hash).
 * Every change of these goes through an audited service that records the digest in the administrative
 * chain, so `audit verify` reports a grant or a password written into the database directly.
 */
export function userGrantDigest(u: GrantColumns): string {
  const roles = (JSON.parse(u.roles) as string[]).slice().sort();
  return sha256Hex(
    canonicalJson({
      id: u.id,
      username: u.username,
      roles,
      scope: [u.scope_kind, u.scope_ref],
      unit: u.unit_id,
      active: Number(u.active),
      password: u.password_hash,
    }),
  );
}
