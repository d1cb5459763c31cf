/**
 * The registry of persons and households (DESIGN §3): eligibility tags, contacts and guardians, consent
 * records, and an access-log row for every read of a person's record. ID numbers are validated, stored
 * encrypted with a lookup hash, and shown masked; phones are masked in every list.
 *
 * Over 500 lines for now: persons, households, consents and the access log share the rule that every
 * read of a person is logged and every sensitive field needs a basis; consents are the part to move out next.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { ConsentTable, PersonTable } from '../../db/schema.services.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { validateIdNumber } from '../../kernel/identifiers.ts';
import { maskIdNumber, maskPhone } from '../../kernel/mask.ts';
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { actorOf, appendLog } from '../flow/index.ts';
import {
  ageOn,
  covers,
  fieldsNeedingBasis,
  isActive,
  isChild,
  PERSON_FIELD_NAMES,
  suppressSmallCells,
  type ConsentFacts,
  type LawfulBasis,
  type PersonField,
} from './registry.fields.ts';
import {
  canAudit,
  canReadPerson,
  canWritePerson,
  mayReadSensitive,
  personScopeOf,
} from './registry.policy.ts';
import { registryRepository as repo } from './registry.repository.ts';
import type {
  AccessLogEntry,
  Consent,
  ConsentInput,
  Contact,
  ContactInput,
  CreatePerson,
  ListPersonsQuery,
  PersonDetail,
  PersonSummary,
  UpdatePerson,
} from './registry.schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * The registry's action log: every write of a person, contact or consent appends to it in its transaction,
 * naming the fields changed and never their values; other modules keep answers per its version.
 */
export const MODULE = 'registry';

function logChange(
  ctx: AppContext,
  trx: Db,
  p: Principal,
  refId: string,
  action: string,
  data: Record<string, unknown>,
) {
  return appendLog(ctx.clock, trx, p.jurisdictionId, {
    module: MODULE,
    refId,
    action,
    from: null,
    to: null,
    actor: actorOf(p),
    data,
  });
}

/** 422 with a stable code: a sensitive field without a consent or basis that covers it. */
const consentRequired = (fields: string[]) =>
  new AppError(
    422,
    'consent_required',
    `保存 ${fields.join('、')} 需要有效的同意或法定依据 / ${fields.join(', ')} need a consent or lawful basis`,
    { fields },
  );

function consentFacts(r: Selectable<ConsentTable>): ConsentFacts {
  return {
    lawfulBasis: r.lawful_basis as LawfulBasis,
    scope: JSON.parse(r.scope) as string[],
    expiresAt: r.expires_at,
    withdrawnAt: r.withdrawn_at,
  };
}

/** Maps a consent row. */
export function consentFromRow(r: Selectable<ConsentTable>, nowIso: string): Consent {
  const f = consentFacts(r);
  return {
    id: r.id,
    personId: r.person_id,
    purpose: r.purpose,
    lawfulBasis: r.lawful_basis,
    scope: [...f.scope],
    grantedBy: r.granted_by,
    grantedAt: r.granted_at,
    expiresAt: r.expires_at,
    withdrawnAt: r.withdrawn_at,
    withdrawnReason: r.withdrawn_reason,
    active: isActive(f, nowIso),
  };
}

function today(ctx: AppContext): string {
  // +08:00 local date; the registry's ages and the child rule use it.
  return new Date(ctx.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Maps a person row to its list form: phone and ID masked, sensitive fields left out. */
export function personSummaryFromRow(
  ctx: AppContext,
  r: Selectable<PersonTable>,
  villageName: string | null,
): PersonSummary {
  return {
    id: r.id,
    name: r.name,
    gender: r.gender,
    age: r.birth_date ? ageOn(r.birth_date, today(ctx)) : null,
    phone: maskPhone(r.phone) ?? null,
    idNumber: r.id_number_enc ? maskIdNumber(ctx.cipher.decrypt(r.id_number_enc)) : null,
    villageCode: r.village_code,
    villageName,
    address: r.address,
    tags: JSON.parse(r.tags) as string[],
    livingAlone: r.living_alone === 1,
    householdId: r.household_id,
  };
}

/** The fields of an input that hold a value. */
function givenFields(input: Partial<Record<string, unknown>>): PersonField[] {
  return PERSON_FIELD_NAMES.filter((f) => input[f] !== undefined);
}

function consentRow(
  ctx: AppContext,
  jid: string,
  personId: string,
  c: ConsentInput,
  by: string | null,
): ConsentTable {
  return {
    jurisdiction_id: jid,
    id: uuidv7(),
    person_id: personId,
    purpose: c.purpose,
    lawful_basis: c.lawfulBasis,
    scope: JSON.stringify(c.scope),
    granted_by: c.grantedBy,
    granted_at: ctx.clock.now().toISOString(),
    expires_at: c.expiresAt ?? null,
    withdrawn_at: null,
    withdrawn_reason: null,
    recorded_by: by,
  };
}

/** A well-formed ID number's facts, or 400 saying in both languages what is wrong with it. */
function validIdNumber(idNumber: string, path = 'idNumber') {
  const r = validateIdNumber(idNumber);
  if (!r.valid)
    throw badRequest(`身份证号码无效：${r.message} / invalid ID number: ${r.messageEn}`, [
      { path, message: `${r.message} / ${r.messageEn}` },
    ]);
  return r;
}

/** The form an ID number is stored and hashed in: half-width, no spaces, a capital X. */
function normalizeIdNumber(idNumber: string): string {
  return idNumber.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/** Validates an ID number and derives birth date and gender; 400 when it contradicts what was given. */
function idFacts(input: { idNumber?: string; birthDate?: string; gender?: string }) {
  if (input.idNumber === undefined) return {};
  const r = validIdNumber(input.idNumber);
  if (input.birthDate && input.birthDate !== r.birthDate)
    throw badRequest('出生日期与身份证号码不符 / birth date differs from the ID number', [
      { path: 'birthDate', message: 'mismatch' },
    ]);
  if (input.gender && input.gender !== r.gender)
    throw badRequest('性别与身份证号码不符 / gender differs from the ID number', [
      { path: 'gender', message: 'mismatch' },
    ]);
  return {
    birthDate: r.birthDate!,
    gender: r.gender!,
    normalized: normalizeIdNumber(input.idNumber),
  };
}

/** Refuses sensitive fields (or a child's data) that no consent in force covers. */
function requireBasis(fields: PersonField[], child: boolean, consents: ConsentFacts[], nowIso: string): void {
  const missing = fieldsNeedingBasis(fields, child).filter((f) => !covers(consents, f, child, nowIso));
  if (missing.length > 0) throw consentRequired(missing);
}

/** Registers a person (and their household when none is given). */
export async function createPerson(
  ctx: AppContext,
  p: Principal,
  input: CreatePerson,
): Promise<PersonDetail> {
  const jid = p.jurisdictionId;
  const ref = await ctx.reference.get(jid);
  if (!ref.divisions.get(input.villageCode))
    throw badRequest(`未知的村（社区）代码 ${input.villageCode} / unknown village`, [
      { path: 'villageCode', message: 'unknown' },
    ]);
  if (!canWritePerson(p, input.villageCode))
    throw forbidden('无权登记该地区的人员 / not allowed to register here');
  const id = idFacts(input);
  const birthDate = input.birthDate ?? id.birthDate ?? null;
  const nowIso = ctx.clock.now().toISOString();
  const child = isChild(birthDate, today(ctx));
  const consent = input.consent ? consentRow(ctx, jid, '', input.consent, p.userId) : null;
  requireBasis(givenFields(input), child, consent ? [consentFacts(consent)] : [], nowIso);
  const personId = await ctx.database.write(async (trx) => {
    const idHash = id.normalized ? ctx.cipher.lookupHash(id.normalized) : null;
    if (idHash && (await repo.personByIdHash(trx, jid, idHash)))
      throw conflict('该身份证号码已登记 / this ID number is registered already');
    let householdId = input.householdId ?? null;
    if (householdId && !(await repo.household(trx, jid, householdId)))
      throw badRequest('未知的户 / unknown household');
    if (!householdId) {
      householdId = uuidv7();
      await repo.insertHousehold(trx, {
        jurisdiction_id: jid,
        id: householdId,
        village_code: input.villageCode,
        address: input.address ?? null,
        created_at: nowIso,
      });
    }
    const row: PersonTable = {
      jurisdiction_id: jid,
      id: uuidv7(),
      household_id: householdId,
      name: input.name,
      gender: input.gender ?? id.gender ?? null,
      birth_date: birthDate,
      phone: input.phone ?? null,
      id_number_enc: id.normalized ? ctx.cipher.encrypt(id.normalized) : null,
      id_number_hash: idHash,
      village_code: input.villageCode,
      address: input.address ?? null,
      tags: JSON.stringify(input.tags ?? []),
      disability_level: input.disabilityLevel ?? null,
      ethnicity: input.ethnicity ?? null,
      living_alone: input.livingAlone ? 1 : 0,
      user_id: input.userId ?? null,
      created_at: nowIso,
      updated_at: nowIso,
      version: 1,
    };
    await repo.insertPerson(trx, row);
    if (consent) await repo.insertConsent(trx, { ...consent, person_id: row.id });
    await logChange(ctx, trx, p, row.id, 'register', {
      fields: givenFields(input),
      consent: consent !== null,
    });
    return row.id;
  });
  return getPerson(ctx, p, personId, '登记 / registration');
}

/** Changes a person's fields; sensitive ones need a consent in force (or one given with the change). */
export async function updatePerson(
  ctx: AppContext,
  p: Principal,
  personId: string,
  input: UpdatePerson,
): Promise<PersonDetail> {
  const jid = p.jurisdictionId;
  const nowIso = ctx.clock.now().toISOString();
  await ctx.database.write(async (trx) => {
    const row = await repo.person(trx, jid, personId);
    if (!row || !canReadPerson(p, row.village_code, row.user_id)) throw notFound('人员 / person');
    if (!canWritePerson(p, input.villageCode ?? row.village_code))
      throw forbidden('无权修改该人员 / not allowed to change this person');
    const id = idFacts({
      idNumber: input.idNumber,
      birthDate: input.birthDate ?? row.birth_date ?? undefined,
      gender: input.gender ?? row.gender ?? undefined,
    });
    const birthDate = input.birthDate ?? id.birthDate ?? row.birth_date;
    const consent = input.consent ? consentRow(ctx, jid, personId, input.consent, p.userId) : null;
    const consents = [
      ...(await repo.consents(trx, jid, personId)).map(consentFacts),
      ...(consent ? [consentFacts(consent)] : []),
    ];
    requireBasis(givenFields(input), isChild(birthDate, today(ctx)), consents, nowIso);
    const idHash = id.normalized ? ctx.cipher.lookupHash(id.normalized) : undefined;
    if (idHash) {
      const other = await repo.personByIdHash(trx, jid, idHash);
      if (other && other.id !== personId)
        throw conflict('该身份证号码已登记 / this ID number is registered already');
    }
    if (consent) await repo.insertConsent(trx, consent);
    await repo.updatePerson(trx, jid, personId, {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.gender !== undefined || id.gender ? { gender: input.gender ?? id.gender } : {}),
      ...(birthDate !== row.birth_date && { birth_date: birthDate }),
      ...(input.phone !== undefined && { phone: input.phone }),
      ...(id.normalized && { id_number_enc: ctx.cipher.encrypt(id.normalized), id_number_hash: idHash }),
      ...(input.villageCode !== undefined && { village_code: input.villageCode }),
      ...(input.address !== undefined && { address: input.address }),
      ...(input.tags !== undefined && { tags: JSON.stringify(input.tags) }),
      ...(input.livingAlone !== undefined && { living_alone: input.livingAlone ? 1 : 0 }),
      ...(input.disabilityLevel !== undefined && { disability_level: input.disabilityLevel }),
      ...(input.ethnicity !== undefined && { ethnicity: input.ethnicity }),
      ...(input.userId !== undefined && { user_id: input.userId }),
      updated_at: nowIso,
      version: row.version + 1,
    });
    await logChange(ctx, trx, p, personId, 'update', {
      fields: givenFields(input),
      consent: consent !== null,
    });
  });
  return getPerson(ctx, p, personId, '修改 / update');
}

/** Writes one access-log row: who read which person, why, and which fields were shown in clear. */
export async function logAccess(
  ctx: AppContext,
  db: Db,
  p: Principal,
  personId: string,
  purpose: string,
  fields: string[],
): Promise<void> {
  await repo.insertAccess(db, {
    jurisdiction_id: p.jurisdictionId,
    id: uuidv7(),
    person_id: personId,
    actor_user_id: p.userId,
    actor_name: p.displayName,
    purpose,
    fields: JSON.stringify(fields),
    created_at: ctx.clock.now().toISOString(),
  });
}

/**
 * A person's record for a reader, with an access-log row for the read. `purpose` says why (shown to
 * the supervisor reading the log); `reveal` asks for phone and ID in clear (jurisdiction staff only).
 */
export async function getPerson(
  ctx: AppContext,
  p: Principal,
  personId: string,
  purpose: string,
  reveal = false,
): Promise<PersonDetail> {
  const jid = p.jurisdictionId;
  const row = await repo.person(ctx.db, jid, personId);
  if (!row || !canReadPerson(p, row.village_code, row.user_id)) throw notFound('人员 / person');
  const ref = await ctx.reference.get(jid);
  const nowIso = ctx.clock.now().toISOString();
  const consentRows = await repo.consents(ctx.db, jid, personId);
  const consents = consentRows.map(consentFacts);
  const child = isChild(row.birth_date, today(ctx));
  const sensitiveOk = mayReadSensitive(p, row.user_id);
  const show = (f: PersonField) =>
    sensitiveOk &&
    (fieldsNeedingBasis([f], false).length === 0 ||
      covers(consents, f, child, nowIso) ||
      p.userId === row.user_id);
  const withheld = (['disabilityLevel', 'ethnicity'] as const).filter(
    (f) => (f === 'ethnicity' ? row.ethnicity : row.disability_level) !== null && !show(f),
  );
  const clear = reveal && personScopeOf(p).all;
  const summary = personSummaryFromRow(ctx, row, ref.divisions.get(row.village_code)?.name ?? null);
  const contacts: Contact[] = (await repo.contacts(ctx.db, jid, personId)).map((c) => ({
    id: c.id,
    kind: c.kind,
    name: c.name,
    relation: c.relation,
    phone: clear ? c.phone : (maskPhone(c.phone) ?? null),
    userId: c.user_id,
  }));
  const shown = [
    'name',
    'villageCode',
    'address',
    'tags',
    ...(clear ? ['phone', 'idNumber'] : []),
    ...(['disabilityLevel', 'ethnicity'] as const).filter((f) => show(f)),
  ];
  await logAccess(ctx, ctx.db, p, personId, purpose, shown);
  return {
    ...summary,
    phone: clear ? row.phone : summary.phone,
    idNumber: clear && row.id_number_enc ? ctx.cipher.decrypt(row.id_number_enc) : summary.idNumber,
    birthDate: row.birth_date,
    disabilityLevel: show('disabilityLevel') ? row.disability_level : null,
    ethnicity: show('ethnicity') ? row.ethnicity : null,
    withheld,
    userId: row.user_id,
    contacts,
    consents: consentRows.map((c) => consentFromRow(c, nowIso)),
    version: row.version,
  };
}

/** A page of persons in the reader's scope, masked. Lists do not log: they show no record in full. */
export async function listPersons(
  ctx: AppContext,
  p: Principal,
  q: ListPersonsQuery,
): Promise<{ items: PersonSummary[]; total: number }> {
  const jid = p.jurisdictionId;
  const ref = await ctx.reference.get(jid);
  const [rows, count] = await repo.list(
    ctx.db,
    jid,
    personScopeOf(p),
    q,
    q.pageSize,
    (q.page - 1) * q.pageSize,
  );
  return {
    items: rows.map((r) => personSummaryFromRow(ctx, r, ref.divisions.get(r.village_code)?.name ?? null)),
    total: Number(count.n),
  };
}

/** Adds an emergency contact, a guardian or a family member. */
export async function addContact(
  ctx: AppContext,
  p: Principal,
  personId: string,
  input: ContactInput,
): Promise<Contact> {
  const jid = p.jurisdictionId;
  const row = await repo.person(ctx.db, jid, personId);
  if (!row || !canReadPerson(p, row.village_code, row.user_id)) throw notFound('人员 / person');
  if (!canWritePerson(p, row.village_code)) throw forbidden();
  const c = {
    jurisdiction_id: jid,
    id: uuidv7(),
    person_id: personId,
    kind: input.kind,
    name: input.name,
    relation: input.relation,
    phone: input.phone ?? null,
    user_id: input.userId ?? null,
    created_at: ctx.clock.now().toISOString(),
  };
  await ctx.database.write(async (trx) => {
    await repo.insertContact(trx, c);
    await logChange(ctx, trx, p, personId, 'add_contact', { contactId: c.id, kind: c.kind });
  });
  return {
    id: c.id,
    kind: c.kind,
    name: c.name,
    relation: c.relation,
    phone: maskPhone(c.phone) ?? null,
    userId: c.user_id,
  };
}

/** Records a consent or basis for a person. */
export async function addConsent(
  ctx: AppContext,
  p: Principal,
  personId: string,
  input: ConsentInput,
): Promise<Consent> {
  const jid = p.jurisdictionId;
  const row = await repo.person(ctx.db, jid, personId);
  if (!row || !canReadPerson(p, row.village_code, row.user_id)) throw notFound('人员 / person');
  if (!canWritePerson(p, row.village_code)) throw forbidden();
  const c = consentRow(ctx, jid, personId, input, p.userId);
  await ctx.database.write(async (trx) => {
    await repo.insertConsent(trx, c);
    await logChange(ctx, trx, p, personId, 'add_consent', { consentId: c.id, scope: input.scope });
  });
  return consentFromRow(c, ctx.clock.now().toISOString());
}

/**
 * Withdraws a consent (PIPL art. 15) and erases the sensitive fields no other consent in force covers
 * (art. 47), in one transaction.
 */
export async function withdrawConsent(
  ctx: AppContext,
  p: Principal,
  consentId: string,
  reason: string,
): Promise<Consent> {
  const jid = p.jurisdictionId;
  const nowIso = ctx.clock.now().toISOString();
  return ctx.database.write(async (trx) => {
    const c = await repo.consent(trx, jid, consentId);
    const person = c && (await repo.person(trx, jid, c.person_id));
    if (!c || !person || !canReadPerson(p, person.village_code, person.user_id))
      throw notFound('同意记录 / consent');
    if (!canWritePerson(p, person.village_code) && p.userId !== person.user_id) throw forbidden();
    const done = await repo.withdrawConsent(trx, jid, consentId, nowIso, reason);
    if (Number(done.numUpdatedRows) === 0) throw conflict('该同意已撤回 / already withdrawn');
    const rest = (await repo.consents(trx, jid, c.person_id)).map(consentFacts);
    const child = isChild(person.birth_date, today(ctx));
    const patch: Partial<PersonTable> = {};
    if (person.ethnicity !== null && !covers(rest, 'ethnicity', child, nowIso)) patch.ethnicity = null;
    if (person.disability_level !== null && !covers(rest, 'disabilityLevel', child, nowIso))
      patch.disability_level = null;
    if (Object.keys(patch).length > 0)
      await repo.updatePerson(trx, jid, c.person_id, {
        ...patch,
        updated_at: nowIso,
        version: person.version + 1,
      });
    await logChange(ctx, trx, p, c.person_id, 'withdraw_consent', {
      consentId,
      erased: Object.keys(patch),
    });
    return consentFromRow({ ...c, withdrawn_at: nowIso, withdrawn_reason: reason }, nowIso);
  });
}

/** The access log (newest first), for supervisors. */
export async function accessLog(ctx: AppContext, p: Principal, personId?: string): Promise<AccessLogEntry[]> {
  if (!canAudit(p)) throw forbidden('仅督查人员可查看访问日志 / supervisors only');
  const rows = await repo.accessLog(ctx.db, p.jurisdictionId, personId, 500);
  return rows.map((r) => ({
    id: r.id,
    personId: r.person_id,
    actorUserId: r.actor_user_id,
    actorName: r.actor_name,
    purpose: r.purpose,
    fields: JSON.parse(r.fields) as string[],
    at: r.created_at,
  }));
}

/** Counts of registered persons by township, tag, ethnicity or age band, with cells under 5 hidden. */
export async function registryStats(
  ctx: AppContext,
  p: Principal,
  groupBy: 'township' | 'tag' | 'ethnicity' | 'age_band',
) {
  if (!canAudit(p) && !p.roles.includes('leader')) throw forbidden();
  const jid = p.jurisdictionId;
  const counts = new Map<string, number>();
  if (groupBy === 'tag') {
    for (const r of await repo.allTags(ctx.db, jid))
      for (const t of JSON.parse(r.tags) as string[]) counts.set(t, (counts.get(t) ?? 0) + 1);
  } else if (groupBy === 'age_band') {
    const year = Number(today(ctx).slice(0, 4));
    for (const r of await repo.countBy(ctx.db, jid, 'birth_year')) {
      if (!r.key) continue;
      const age = year - Number(r.key);
      const band = age < 14 ? '0-13' : age < 60 ? '14-59' : age < 70 ? '60-69' : age < 80 ? '70-79' : '80+';
      counts.set(band, (counts.get(band) ?? 0) + Number(r.n));
    }
  } else {
    for (const r of await repo.countBy(ctx.db, jid, groupBy)) if (r.key) counts.set(r.key, Number(r.n));
  }
  return {
    groupBy,
    minCell: 5,
    groups: suppressSmallCells([...counts].map(([key, count]) => ({ key, count }))),
  };
}

/** The person linked to a user account, if any (the elder signed in). */
export async function personOfUser(
  db: Db,
  jid: string,
  userId: string,
): Promise<Selectable<PersonTable> | undefined> {
  return repo.personByUser(db, jid, userId);
}

/** The ids of the persons a user may act for: their own record and those they are a contact of. */
export async function personsActedForBy(db: Db, jid: string, userId: string): Promise<string[]> {
  const own = await repo.personByUser(db, jid, userId);
  const others = await repo.personsOfContact(db, jid, userId);
  return [...(own ? [own.id] : []), ...others.map((o) => o.person_id)];
}

/** The facts of a person another module's rules need (eligibility, address). */
function factsOf(r: Selectable<PersonTable>) {
  return {
    id: r.id,
    name: r.name,
    phone: r.phone,
    villageCode: r.village_code,
    address: r.address,
    birthDate: r.birth_date,
    tags: JSON.parse(r.tags) as string[],
    userId: r.user_id,
  };
}
export type PersonFacts = ReturnType<typeof factsOf>;

/** A person's row for another module's rules (eligibility, address); reads through this are not shown. */
export async function personFacts(db: Db, jid: string, personId: string): Promise<PersonFacts | undefined> {
  const r = await repo.person(db, jid, personId);
  return r && factsOf(r);
}

/** The facts of several persons by id, in one read (a list page of another module). */
export async function personFactsOf(
  db: Db,
  jid: string,
  ids: readonly string[],
): Promise<Map<string, PersonFacts>> {
  return new Map((await repo.persons(db, jid, ids)).map((r) => [r.id, factsOf(r)]));
}

/**
 * The person holding an ID number, if registered (looked up by its hash; the number is never compared in
 * clear). A malformed number is the caller's mistake, not an unknown person: 400 with the reason.
 */
export async function personIdByIdNumber(
  ctx: AppContext,
  db: Db,
  jid: string,
  idNumber: string,
): Promise<string | null> {
  validIdNumber(idNumber);
  const hash = ctx.cipher.lookupHash(normalizeIdNumber(idNumber));
  return (await repo.personByIdHash(db, jid, hash))?.id ?? null;
}

/** Whether a consent or basis in force covers a field of a person (another module's data kept under it). */
export async function consentCovers(
  db: Db,
  jid: string,
  personId: string,
  field: string,
  nowIso: string,
): Promise<boolean> {
  const consents = (await repo.consents(db, jid, personId)).map(consentFacts);
  return covers(consents, field, false, nowIso);
}

/** A person's name, phone, birth date and masked ID number, for another module's presenters (not logged). */
export async function personIdentity(ctx: AppContext, db: Db, jid: string, personId: string) {
  const r = await repo.person(db, jid, personId);
  return (
    r && {
      name: r.name,
      phone: r.phone,
      birthDate: r.birth_date,
      idNumberMasked: r.id_number_enc ? maskIdNumber(ctx.cipher.decrypt(r.id_number_enc)) : null,
      villageCode: r.village_code,
      userId: r.user_id,
    }
  );
}

/** The one person registered with a phone number; null when none or more than one is. */
export async function personIdByPhone(db: Db, jid: string, phone: string): Promise<string | null> {
  const rows = await repo.personIdsByPhone(db, jid, phone);
  return rows.length === 1 ? rows[0]!.id : null;
}
