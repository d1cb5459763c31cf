/**
 * Postings by SMS (issue 24): a worker registered without a smartphone hears of a new posting that suits
 * him (his occupation, within his radius) through the SMS adapter, with the station to go to. A failed
 * send is logged and does not undo the posting.
 */
import { haversineMeters } from '../../kernel/geo.ts';
import type { AppContext } from '../../platform/context.ts';
import { listPlaces } from '../directory/index.ts';
import { personFacts } from '../registry/index.ts';
import { occupationCloseness } from './jobs.occupations.ts';
import { jobsRepository as repo } from './jobs.repository.ts';
import { wageLabel, type WageUnit } from './jobs.wages.ts';

/** At most this many workers hear of one posting. */
export const SMS_PUSH_LIMIT = 20;

/** Sends a newly opened posting to the nearby workers without a smartphone whose occupation it suits. */
export async function pushPostingBySms(ctx: AppContext, jid: string, postingId: string): Promise<number> {
  const posting = await repo.posting(ctx.db, jid, postingId);
  if (!posting || posting.status !== 'open') return 0;
  const ref = await ctx.reference.get(jid);
  const stations = await repo.stations(ctx.db, jid);
  const places = (await listPlaces(ctx, jid, { kind: 'station', radius: 100_000, limit: 500 })).filter((pl) =>
    stations.some((s) => s.place_id === pl.id),
  );
  const targets = (await repo.allWorkers(ctx.db, jid))
    .filter((w) => w.has_smartphone === 0 && w.lat !== null && w.lng !== null)
    .map((w) => ({ w, d: haversineMeters(w.lat!, w.lng!, posting.lat, posting.lng) }))
    .filter(
      ({ w, d }) =>
        d <= w.radius_m &&
        (JSON.parse(w.occupations) as string[]).some(
          (o) => occupationCloseness(o, posting.occupation_code) !== 'none',
        ),
    )
    .sort((a, b) => a.d - b.d)
    .slice(0, SMS_PUSH_LIMIT);
  let sent = 0;
  for (const { w, d } of targets) {
    const person = await personFacts(ctx.db, jid, w.person_id);
    if (!person?.phone) continue;
    const station =
      places
        .map((pl) => ({ pl, d: haversineMeters(pl.lat!, pl.lng!, posting.lat, posting.lng) }))
        .sort((a, b) => a.d - b.d)[0]?.pl ?? null;
    try {
      await ctx.sms.send({
        to: person.phone,
        template: 'jobs_posting',
        jurisdictionId: jid,
        params: {
          title: posting.title,
          wage: wageLabel(Number(posting.wage_fen), posting.wage_unit as WageUnit),
          place: ref.divisions.get(posting.village_code)?.name ?? posting.address ?? '',
          distance: d < 1000 ? `${Math.round(d / 100) * 100}米` : `${(d / 1000).toFixed(1)}公里`,
          station: station?.name ?? '就近零工驿站',
          phone: station?.phone ?? '12345',
        },
      });
      sent++;
    } catch (err) {
      ctx.log.warn({ err: String(err), posting: postingId }, 'posting SMS not sent');
    }
  }
  return sent;
}
