import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haversineMeters } from '../../../kernel/geo.ts';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { ListPlacesQuery, PlacesAnswer } from '../directory.schema.ts';
import { listPlaces } from '../directory.service.ts';

/** "Near me" and plain lists the phone pages and the map ask for. */
const QUERIES = [
  'lat=27.8652&lng=113.1718&radius=3000&limit=20',
  'kind=canteen&lat=27.8601&lng=113.1702&radius=1500',
  'kind=station&lat=27.87&lng=113.18&radius=5000&limit=5',
  'limit=200',
];

/** Opening hours that open and close through the day, so that moving the clock changes the answers. */
const HOURS = [
  [{ rrule: 'FREQ=DAILY', opens: '11:00', closes: '13:00', calendar: 'rrule', label: '午餐' }],
  [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', opens: '08:30', closes: '17:30', calendar: 'workdays' }],
  [{ rrule: 'FREQ=DAILY', opens: '06:00', closes: '09:00', calendar: 'rrule_except_holidays' }],
  [],
];

/**
 * The places list is kept per version of the directory log and until the first of its places opens or
 * closes (placesAnswer): after each of many random new places and clock moves, every kept answer equals the
 * list read from the rows at that moment, and "near me" holds exactly the plain rows within the radius,
 * nearest first.
 */
describe('the places list stays exact after every write and every tick of the clock', () => {
  let t: TestApp;
  let sup: Client;
  let anon: Client;
  let jid: string;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    sup = await t.as('demo-supervisor');
    anon = t.client();
    jid = t.ctx.jurisdictions[0]!.id;
  });
  afterAll(() => t.close());

  async function expectExact(step: number) {
    for (const qs of QUERIES) {
      const kept = await anon.get(`/api/directory/places?${qs}`);
      expect(kept.status).toBe(200);
      const q = ListPlacesQuery.parse(Object.fromEntries(new URLSearchParams(qs)));
      const fresh = PlacesAnswer.parse({ items: await listPlaces(t.ctx, jid, q) });
      expect(kept.body, `${qs} after step ${step}`).toEqual(JSON.parse(JSON.stringify(fresh)));
    }
    const rows = await t.ctx.db.selectFrom('places').select(['id', 'lat', 'lng']).execute();
    const near = rows
      .filter((r) => r.lat !== null && r.lng !== null)
      .map((r) => ({ id: r.id, d: Math.round(haversineMeters(27.8652, 113.1718, r.lat!, r.lng!)) }))
      .filter((r) => r.d <= 3000)
      .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
      .slice(0, 20);
    const answer = (await anon.get(`/api/directory/places?${QUERIES[0]}`)).body.items;
    expect(answer.map((p: { id: string; distanceM: number }) => [p.id, p.distanceM])).toEqual(
      near.map((r) => [r.id, r.d]),
    );
  }

  it('matches after 60 random steps', { timeout: 300_000 }, async () => {
    let seed = 5;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor(seed / 65536) % n;
    };
    await expectExact(0);
    for (let step = 1; step <= 60; step++) {
      if (rnd(2) === 0) {
        const r = await sup.post('/api/directory/places', {
          kind: ['canteen', 'station', 'hall'][rnd(3)],
          name: `场所${step}`,
          villageCode: '430202001001',
          // Within about 4 km of the district centre, some beyond the 3 km of "near me".
          lat: 27.8652 + (rnd(801) - 400) / 10_000,
          lng: 113.1718 + (rnd(801) - 400) / 10_000,
          hours: HOURS[rnd(HOURS.length)],
        });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
      } else {
        // From a few minutes to most of a day: openings and closings pass, and midnight now and then.
        t.clock!.set(new Date(t.ctx.clock.now().getTime() + (5 + rnd(600)) * 60_000));
      }
      await expectExact(step);
    }
  });
});
