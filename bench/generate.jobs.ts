/**
 * Synthetic postings for the jobs benchmark (`npx qingdan gen --problems N --postings M`): M postings of
 * 200 employers spread over the district around its villages (dense in the town, sparse in the
 * countryside), in every state with the shares a live market has, written in bulk with one `create`
 * log entry each. The map's radius search is measured against them (bench/run.ts).
 */
import type { JobsEmployerTable, JobsPostingTable } from '../src/db/schema.jobs.ts';
import { validateUscc } from '../src/kernel/identifiers.ts';
import { random } from '../src/kernel/random.ts';
import type { AppContext } from '../src/platform/context.ts';
import { OCCUPATIONS } from '../src/modules/jobs/index.ts';

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const DAY = 86_400_000;
const STATES = ['open', 'filled', 'expired', 'withdrawn', 'taken_down', 'pending_review', 'draft'] as const;
const SHARES = [35, 20, 25, 8, 2, 5, 5];

/** Writes `count` postings (and their employers) into the first jurisdiction; returns how many and how fast. */
export async function generatePostings(
  ctx: AppContext,
  count: number,
  seed: number,
): Promise<{ postings: number; seconds: number }> {
  const t0 = Date.now();
  const jid = ctx.jurisdictions[0]!.id;
  const r = random(seed + 24);
  const ref = await ctx.reference.get(jid);
  const villages = [...ref.divisions.values()].filter((d) => d.level === 'village' && d.lat != null);
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const employers: JobsEmployerTable[] = Array.from({ length: 200 }, (_, i) => {
    const body = `91430202MA5${String(i).padStart(6, '0')}`.slice(0, 17);
    return {
      jurisdiction_id: jid,
      id: `bench-employer-${i}`,
      name: `株洲荷塘基准测试用工单位${i}`,
      uscc: body + [...USCC_CHARS].find((c) => validateUscc(body + c).checksumOk)!,
      contact_name: '联系人',
      contact_phone: `1390734${String(i).padStart(4, '0')}`,
      village_code: r.pick(villages).code,
      address: null,
      owner_user_id: null,
      status: 'verified',
      review_note: null,
      reviewed_by: null,
      reviewed_at: iso(now - 200 * DAY),
      created_at: iso(now - 200 * DAY),
      version: 2,
    };
  });
  await ctx.db.transaction().execute((trx) => ctx.dialect.bulkInsert(trx, 'jobs_employers', employers));
  // Town villages (社区) draw four times the postings of rural ones (村).
  const weights = villages.map((v) => (v.name.includes('社区') ? 4 : 1));
  for (let start = 0; start < count; start += 5000) {
    const rows: JobsPostingTable[] = [];
    for (let i = start; i < Math.min(count, start + 5000); i++) {
      const v = r.weighted(villages, weights);
      const status = r.weighted(STATES, SHARES);
      const opened = now - r.int(60) * DAY - r.int(DAY);
      const live = status === 'open';
      const published = status !== 'draft' && status !== 'pending_review';
      rows.push({
        jurisdiction_id: jid,
        id: `bench-posting-${String(i).padStart(7, '0')}`,
        employer_id: employers[r.int(employers.length)]!.id,
        title: '基准测试岗位',
        description: '基准测试生成的岗位，用于测量家门口就业地图的半径查询。',
        kind: 'gig_day',
        occupation_code: r.pick(OCCUPATIONS).code,
        headcount: 1 + r.int(5),
        filled: 0,
        wage_fen: 15_000 + r.int(20) * 1000,
        wage_unit: 'day',
        pieces_per_hour: null,
        village_code: v.code,
        address: null,
        lat: v.lat! + r.gauss() * 0.006,
        lng: v.lng! + r.gauss() * 0.006,
        station_id: null,
        valid_from: iso(opened),
        valid_through: iso(live ? now + (30 + r.int(60)) * DAY : opened + 20 * DAY),
        reconfirm_due_at: live ? iso(now + (1 + r.int(14)) * DAY) : null,
        reconfirm_token_hash: null,
        reminded_at: null,
        status,
        posted_by_user_id: null,
        posted_via: 'station',
        opened_at: published ? iso(opened) : null,
        closed_at: published && !live ? iso(opened + 10 * DAY) : null,
        created_at: iso(opened),
        updated_at: iso(opened),
        version: 1,
      });
    }
    await ctx.db.transaction().execute((trx) => ctx.dialect.bulkInsert(trx, 'jobs_postings', rows));
  }
  await ctx.dialect.analyze(ctx.db);
  return { postings: count, seconds: (Date.now() - t0) / 1000 };
}
