/**
 * Accounts as sign-in and other modules see them: the user behind a name, an id or a phone, the sign-in
 * counter and lock, and a resident's account made on first sign-in by code. Rows stay in this module.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { randomToken, uuidv7 } from '../../kernel/ids.ts';
import type { Principal, Role } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { recordAudit, userGrantDigest } from '../audit/index.ts';
import { usersRepository, type UserRow } from './users.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** A user account with what signing in and building a principal need. */
export interface Account {
  jurisdictionId: string;
  id: string;
  username: string;
  displayName: string;
  /** The argon2id hash, or null for an account that signs in only by a one-time code. */
  passwordHash: string | null;
  phone: string | null;
  unitId: string | null;
  roles: Role[];
  scope: Principal['scope'];
  active: boolean;
  lockedUntil: string | null;
}

/** Maps a row to an account, in one place. */
function accountOf(r: UserRow): Account {
  return {
    jurisdictionId: r.jurisdiction_id,
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    passwordHash: r.password_hash,
    phone: r.phone,
    unitId: r.unit_id,
    roles: JSON.parse(r.roles) as Role[],
    scope: { kind: r.scope_kind as Principal['scope']['kind'], ref: r.scope_ref },
    active: r.active === 1,
    lockedUntil: r.locked_until,
  };
}

/** The account of a user name (user names are unique across jurisdictions). */
export async function accountByUsername(db: Db, username: string): Promise<Account | undefined> {
  const r = await usersRepository.findByUsername(db, username);
  return r && accountOf(r);
}

/** The account of a user id in a jurisdiction. */
export async function accountById(db: Db, jurisdictionId: string, id: string): Promise<Account | undefined> {
  const r = await usersRepository.findById(db, jurisdictionId, id);
  return r && accountOf(r);
}

/** The first account of a unit by user name (the demo seed acts for a unit through it). */
export async function firstAccountOfUnit(
  db: Db,
  jurisdictionId: string,
  unitId: string,
): Promise<Account | undefined> {
  const r = await usersRepository.firstOfUnit(db, jurisdictionId, unitId);
  return r && accountOf(r);
}

/** The oldest account of a phone; with `roles`, the oldest whose roles are all among them (code sign-in). */
export async function accountByPhone(
  db: Db,
  jurisdictionId: string,
  phone: string,
  roles?: readonly string[],
): Promise<Account | undefined> {
  const r = roles
    ? await usersRepository.findPublicByPhone(db, jurisdictionId, phone, roles)
    : await usersRepository.findByPhone(db, jurisdictionId, phone);
  return r && accountOf(r);
}

/** Takes one sign-in attempt atomically: its number and the lock in force (see the repository). */
export function takeLoginAttempt(db: Db, a: Account, now: string) {
  return usersRepository.takeLoginAttempt(db, a.jurisdictionId, a.id, now);
}

/** Locks an account until `until` unless a lock is running; true when this call locked it. */
export function lockAccount(db: Db, a: Account, now: string, until: string): Promise<boolean> {
  return usersRepository.lock(db, a.jurisdictionId, a.id, now, until);
}

/** Clears the failure counter after a correct password. */
export async function clearLoginFailures(db: Db, a: Account): Promise<void> {
  await usersRepository.clearLoginFailures(db, a.jurisdictionId, a.id);
}

/** Names and phones of users of one jurisdiction (the reporters of a batch of reports). */
export function contactsOf(db: Db, jurisdictionId: string, ids: string[]) {
  return usersRepository.contacts(db, jurisdictionId, ids);
}

/** Creates the resident account of a phone signing in for the first time, named without the number. */
export async function createResidentAccount(
  ctx: AppContext,
  jurisdictionId: string,
  phone: string,
): Promise<Account> {
  const row: UserRow = {
    jurisdiction_id: jurisdictionId,
    id: uuidv7(),
    username: `r-${randomToken(9).toLowerCase()}`,
    display_name: `居民${phone.slice(-4)}`,
    password_hash: null,
    phone,
    id_number_enc: null,
    id_number_hash: null,
    unit_id: null,
    roles: JSON.stringify(['resident']),
    scope_kind: 'own',
    scope_ref: null,
    active: 1,
    failed_logins: 0,
    locked_until: null,
    created_at: ctx.clock.now().toISOString(),
    version: 1,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await usersRepository.insert(trx, row);
    await recordAudit(ctx, trx, jurisdictionId, {
      kind: 'user.signup',
      refId: row.id,
      actorUserId: row.id,
      summary: `居民 ${row.username} 以验证码注册`,
      data: { username: row.username, roles: ['resident'], grant: userGrantDigest(row) },
    });
  });
  return accountOf(row);
}
