/**
 * Synthetic home care for the care benchmark (`npx qingdan gen --problems N --care-orders M`): 3,000
 * elders around the district's villages, 20 providers of the six services (a township or two each, four
 * workers each), 300 stations and canteens with opening hours, and M orders over the last 60 days in
 * every state with the shares a running service has, written in bulk. The order list and "services near
 * me" are measured against them (bench/run.ts).
 */
import type { Insertable } from 'kysely';
import type { DB } from '../src/db/schema.ts';
import type {
  CareOrderTable,
  PersonTable,
  PlaceTable,
  ProviderTable,
  ProviderWorkerTable,
} from '../src/db/schema.services.ts';
import { validateUscc } from '../src/kernel/identifiers.ts';
import { random } from '../src/kernel/random.ts';
import type { AppContext } from '../src/platform/context.ts';
import { CARE_KINDS, CARE_KIND_CODES } from '../src/modules/care/index.ts';

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const DAY = 86_400_000;
const STATES = [
  'rated',
  'confirmed',
  'settled',
  'completed',
  'assigned',
  'requested',
  'accepted',
  'cancelled',
  'failed',
  'disputed',
] as const;
const SHARES = [30, 15, 30, 5, 5, 3, 3, 5, 3, 1];
const KIND_SHARES = [30, 35, 15, 8, 10, 2];
const HOURS = JSON.stringify([
  { rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', opens: '08:30', closes: '17:30', calendar: 'workdays' },
  { rrule: 'FREQ=DAILY', opens: '11:00', closes: '13:00', calendar: 'rrule', label: '午餐' },
]);

/** Writes the elders, providers, places and `count` orders into the first jurisdiction. */
export async function generateCareOrders(
  ctx: AppContext,
  count: number,
  seed: number,
): Promise<{ orders: number; places: number; seconds: number }> {
  const t0 = Date.now();
  const jid = ctx.jurisdictions[0]!.id;
  const r = random(seed + 23);
  const ref = await ctx.reference.get(jid);
  const villages = [...ref.divisions.values()].filter((d) => d.level === 'village' && d.lat != null);
  const townships = [...ref.divisions.values()].filter((d) => d.level === 'township');
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const created = iso(now - 90 * DAY);
  const write = <T extends keyof DB & string>(table: T, rows: Insertable<DB[T]>[]) =>
    ctx.db.transaction().execute((trx) => ctx.dialect.bulkInsert(trx, table, rows));

  const providers: ProviderTable[] = Array.from({ length: 20 }, (_, i) => {
    const body = `52430202MJ9${String(i).padStart(6, '0')}`.slice(0, 17);
    const area = [townships[i % townships.length]!.code];
    if (i % 3 === 0) area.push(townships[(i + 2) % townships.length]!.code);
    return {
      jurisdiction_id: jid,
      id: `bench-provider-${i}`,
      name: `荷塘区基准测试居家养老服务中心${i}`,
      uscc: body + [...USCC_CHARS].find((c) => validateUscc(body + c).checksumOk)!,
      licence_no: null,
      licence_expires_on: null,
      phone: null,
      service_area: JSON.stringify(area),
      services: JSON.stringify(Object.values(CARE_KINDS).map((k) => k.name)),
      active: 1,
      created_at: created,
    };
  });
  const workers: ProviderWorkerTable[] = providers.flatMap((p, i) =>
    Array.from({ length: 4 }, (_, k) => ({
      jurisdiction_id: jid,
      id: `bench-worker-${i}-${k}`,
      provider_id: p.id,
      name: `护理员${i}-${k}`,
      phone: null,
      user_id: null,
      qualifications: JSON.stringify([{ name: '养老护理员' }]),
      active: 1,
      created_at: created,
    })),
  );
  const persons: PersonTable[] = Array.from({ length: 3000 }, (_, i) => {
    const v = r.pick(villages);
    return {
      jurisdiction_id: jid,
      id: `bench-elder-${String(i).padStart(5, '0')}`,
      household_id: null,
      name: `基准老人${i}`,
      gender: i % 2 ? 'male' : 'female',
      birth_date: `${1935 + r.int(30)}-0${1 + r.int(9)}-1${r.int(9)}`,
      phone: `1390737${String(i).padStart(4, '0')}`,
      id_number_enc: null,
      id_number_hash: null,
      village_code: v.code,
      address: null,
      tags: JSON.stringify(r.next() < 0.4 ? ['高龄'] : []),
      disability_level: null,
      ethnicity: null,
      living_alone: 0,
      user_id: null,
      created_at: created,
      updated_at: created,
      version: 1,
    };
  });
  // Stations and canteens where people live: town villages get more of them.
  const weights = villages.map((v) => (v.name.includes('社区') ? 4 : 1));
  const places: PlaceTable[] = Array.from({ length: 300 }, (_, i) => {
    const v = r.weighted(villages, weights);
    return {
      jurisdiction_id: jid,
      id: `bench-place-${String(i).padStart(4, '0')}`,
      kind: i % 3 === 0 ? 'canteen' : 'station',
      name: `${v.name.replace(/居委会|村委会/, '')}${i % 3 === 0 ? '长者食堂' : '居家养老服务站'}${i}`,
      provider_id: providers[i % providers.length]!.id,
      village_code: v.code,
      address: null,
      lat: v.lat! + r.gauss() * 0.004,
      lng: v.lng! + r.gauss() * 0.004,
      phone: null,
      capacity: 40,
      hours: HOURS,
      description: null,
      created_at: created,
    };
  });
  await write('providers', providers);
  await write('provider_workers', workers);
  await write('persons', persons);
  await write('places', places);

  const servedBy = new Map<string, number[]>();
  for (const [i, p] of providers.entries())
    for (const t of JSON.parse(p.service_area) as string[]) servedBy.set(t, [...(servedBy.get(t) ?? []), i]);
  for (let start = 0; start < count; start += 5000) {
    const rows: CareOrderTable[] = [];
    for (let i = start; i < Math.min(count, start + 5000); i++) {
      const person = persons[r.int(persons.length)]!;
      const kind = r.weighted(CARE_KIND_CODES, KIND_SHARES);
      const status = r.weighted(STATES, SHARES);
      const pi = r.pick(servedBy.get(person.village_code.slice(0, 9)) ?? [0]);
      const provider = providers[pi]!;
      const at = now - r.int(60) * DAY - r.int(DAY);
      const visited = !['requested', 'accepted', 'cancelled', 'assigned'].includes(status);
      const spec = CARE_KINDS[kind];
      const flagged = visited && r.next() < 0.03;
      rows.push({
        jurisdiction_id: jid,
        // Time-ordered ids, as uuidv7 gives: the list's newest-first order is by id.
        id: `bench-care-${String(at).padStart(14, '0')}-${String(i).padStart(7, '0')}`,
        person_id: person.id,
        kind,
        status,
        urgent: spec.urgent ? 1 : 0,
        placed_by_user_id: null,
        placed_as: r.next() < 0.5 ? 'proxy' : 'family',
        provider_id: provider.id,
        providers_tried: '[]',
        accept_due_at: status === 'requested' ? iso(at + 2 * 3_600_000) : null,
        worker_id: status === 'requested' || status === 'accepted' ? null : `bench-worker-${pi}-${i % 4}`,
        scheduled_at: iso(at),
        village_code: person.village_code,
        address: null,
        lat: null,
        lng: null,
        price_fen: spec.priceFen,
        subsidy_fen: spec.subsidyFen,
        checkin_at: visited ? iso(at) : null,
        checkin_distance_m: visited ? r.int(150) : null,
        checkout_at: visited ? iso(at + spec.standardMinutes * 60_000) : null,
        photos: '[]',
        flags: flagged ? JSON.stringify(['far_checkin']) : '[]',
        flags_cleared_by: null,
        confirm_code_hash: null,
        rating_level: status === 'rated' ? 'satisfied' : null,
        rating_comment: null,
        problem_id: null,
        failure_reason: status === 'failed' ? 'not_home' : null,
        settlement_month: status === 'settled' ? iso(at).slice(0, 7) : null,
        note: null,
        escalated_at: null,
        escalation_problem_id: null,
        created_at: iso(at - DAY),
        updated_at: iso(at),
        version: 1,
      });
    }
    await write('care_orders', rows);
  }
  await ctx.dialect.analyze(ctx.db);
  return { orders: count, places: places.length, seconds: (Date.now() - t0) / 1000 };
}
