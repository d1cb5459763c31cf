import argon2 from 'argon2';
import { uuidv7 } from '../../kernel/ids.ts';
import { maskIdNumber, maskPhone } from '../../kernel/mask.ts';
import { validateIdNumber } from '../../kernel/identifiers.ts';
import { hasRole, type Principal, type Role } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, conflict, notFound, preconditionFailed } from '../../platform/errors.ts';
import { recordAudit, userGrantDigest } from '../audit/index.ts';
import { forgetUserSessions } from '../auth/index.ts';
import { usersRepository, type UserRow } from './users.repository.ts';
import type { User, UserInput } from './users.schema.ts';

/** argon2id with the OWASP-recommended memory cost. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
}

/** Maps a row to a user; personal numbers shown in full only to admins. */
export function userFromRow(
  ctx: AppContext,
  r: UserRow,
  viewer: Principal | null,
  unitName?: string | null,
): User {
  const full = hasRole(viewer, 'admin') || viewer?.userId === r.id;
  let idNumber: string | null = null;
  if (r.id_number_enc) {
    const plain = ctx.cipher.decrypt(r.id_number_enc);
    idNumber = full ? plain : maskIdNumber(plain);
  }
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    phone: full ? r.phone : (maskPhone(r.phone) ?? null),
    idNumber,
    unitId: r.unit_id,
    unitName: unitName ?? null,
    roles: JSON.parse(r.roles) as Role[],
    scope: { kind: r.scope_kind as User['scope']['kind'], ref: r.scope_ref },
    active: r.active === 1,
    locked: !!r.locked_until && r.locked_until > new Date().toISOString(),
    createdAt: r.created_at,
    version: r.version,
  };
}

/** The scope a user gets when none is given: unit handlers their unit, residents their own. */
function defaultScope(input: UserInput): { kind: User['scope']['kind']; ref: string | null } {
  if (input.scope) return input.scope;
  if (input.roles.some((r) => r === 'admin' || r === 'supervisor' || r === 'leader' || r === 'operator'))
    return { kind: 'jurisdiction', ref: null };
  if (input.roles.includes('unit_handler') && input.unitId) return { kind: 'unit', ref: input.unitId };
  return { kind: 'own', ref: null };
}

/** Creates a user (admin console, CLI, seed). */
export async function createUser(
  ctx: AppContext,
  jurisdictionId: string,
  input: UserInput,
  actor: Principal | null,
): Promise<User> {
  const ref = await ctx.reference.get(jurisdictionId);
  if (input.unitId && !ref.units.has(input.unitId))
    throw badRequest(`unitId: unknown unit ${input.unitId}`, [{ path: 'unitId', message: 'unknown unit' }]);
  if (input.idNumber) {
    const v = validateIdNumber(input.idNumber);
    if (!v.valid)
      throw badRequest(`idNumber: ${v.message ?? 'invalid'}`, [{ path: 'idNumber', message: v.message }]);
  }
  if (await usersRepository.findByUsername(ctx.db, input.username))
    throw conflict(`username ${input.username} is taken`, [{ path: 'username', message: 'taken' }]);
  const scope = defaultScope(input);
  const row: UserRow = {
    jurisdiction_id: jurisdictionId,
    id: uuidv7(),
    username: input.username,
    display_name: input.displayName,
    password_hash: input.password ? await hashPassword(input.password) : null,
    phone: input.phone ?? null,
    id_number_enc: input.idNumber ? ctx.cipher.encrypt(input.idNumber) : null,
    id_number_hash: input.idNumber ? ctx.cipher.lookupHash(input.idNumber) : null,
    unit_id: input.unitId ?? null,
    roles: JSON.stringify(input.roles),
    scope_kind: scope.kind,
    scope_ref: scope.ref,
    active: input.active ? 1 : 0,
    failed_logins: 0,
    locked_until: null,
    created_at: ctx.clock.now().toISOString(),
    version: 1,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await usersRepository.insert(trx, row);
    await recordAudit(ctx, trx, jurisdictionId, {
      kind: 'user.create',
      refId: row.id,
      actorUserId: actor?.userId ?? null,
      summary: `创建用户 ${row.username}`,
      data: {
        username: row.username,
        roles: input.roles,
        unitId: row.unit_id,
        scope,
        grant: userGrantDigest(row),
      },
    });
  });
  return userFromRow(ctx, row, actor, input.unitId ? ref.units.get(input.unitId)?.name : null);
}

/** Updates a user's profile, roles or password, with optimistic concurrency. */
export async function updateUser(
  ctx: AppContext,
  jurisdictionId: string,
  id: string,
  input: Partial<UserInput>,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<User> {
  const existing = await usersRepository.findById(ctx.db, jurisdictionId, id);
  if (!existing) throw notFound('user');
  const version = expectedVersion ?? existing.version;
  const patch: Partial<UserRow> = { version: version + 1 };
  if (input.displayName !== undefined) patch.display_name = input.displayName;
  if (input.phone !== undefined) patch.phone = input.phone;
  if (input.unitId !== undefined) patch.unit_id = input.unitId;
  if (input.roles !== undefined) patch.roles = JSON.stringify(input.roles);
  if (input.scope !== undefined) {
    patch.scope_kind = input.scope.kind;
    patch.scope_ref = input.scope.ref;
  }
  if (input.active !== undefined) patch.active = input.active ? 1 : 0;
  if (input.password) {
    patch.password_hash = await hashPassword(input.password);
    patch.failed_logins = 0;
    patch.locked_until = null;
  }
  if (input.idNumber !== undefined) {
    patch.id_number_enc = input.idNumber ? ctx.cipher.encrypt(input.idNumber) : null;
    patch.id_number_hash = input.idNumber ? ctx.cipher.lookupHash(input.idNumber) : null;
  }
  await ctx.db.transaction().execute(async (trx) => {
    const ok = await usersRepository.update(trx, jurisdictionId, id, patch, version);
    if (!ok) throw preconditionFailed('the user was changed by someone else; reload and try again');
    const { password: _pw, idNumber: _id, ...logged } = input;
    await recordAudit(ctx, trx, jurisdictionId, {
      kind: 'user.update',
      refId: id,
      actorUserId: actor.userId,
      summary: `修改用户 ${existing.username}`,
      data: {
        ...logged,
        passwordChanged: !!input.password,
        grant: userGrantDigest({ ...existing, ...patch }),
      },
    });
  });
  forgetUserSessions(ctx, id);
  const row = await usersRepository.findById(ctx.db, jurisdictionId, id);
  return userFromRow(ctx, row!, actor);
}

/** A user as `viewer` may see it, with its unit's name when `withUnitName`; 404 when there is none. */
export async function getUser(
  ctx: AppContext,
  jurisdictionId: string,
  id: string,
  viewer: Principal,
  withUnitName = false,
): Promise<User> {
  const row = await usersRepository.findById(ctx.db, jurisdictionId, id);
  if (!row) throw notFound('user');
  const ref = withUnitName && row.unit_id ? await ctx.reference.get(jurisdictionId) : null;
  return userFromRow(ctx, row, viewer, ref && row.unit_id ? ref.units.get(row.unit_id)?.name : null);
}
