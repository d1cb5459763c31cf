/**
 * The soak (docs/RELIABILITY.md): a real server process under a steady mix of reads and writes over
 * loopback for a bounded time; counts errors and samples the server's resident memory. Passes when there
 * are no errors and memory after warm-up stays within 10 %.
 *
 *   node --import tsx bench/soak.ts --minutes 10            SQLite
 *   DB=postgres node --import tsx bench/soak.ts --minutes 10 PostgreSQL
 */
import fs from 'node:fs';
import { HttpClient, prepareDatabase, reportBody, startServer } from '../src/test/server-process.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const minutes = Number(opt('minutes', '10'));
const workers = Number(opt('workers', '16'));
const dialect = (process.env.DB ?? 'sqlite') as 'sqlite' | 'postgres';

function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return Number.NaN; // the process is gone: reported below
  }
}

const db = await prepareDatabase({ dialect });
const server = await startServer(db, { LOG_LEVEL: process.env.SOAK_LOG_LEVEL ?? 'warn' });
const resident = await new HttpClient(server.url).login('demo-resident');
const supervisor = await new HttpClient(server.url).login('demo-supervisor');
const ids: string[] = [];
const counts = { reads: 0, writes: 0, errors: 0 };
const errors: string[] = [];
const samples: { t: number; rss: number }[] = [];
const started = Date.now();
const end = started + minutes * 60_000;

const sampler = setInterval(
  () => samples.push({ t: Date.now() - started, rss: rssMb(server.child.pid!) }),
  5000,
);

async function one(n: number): Promise<void> {
  const r = Math.random();
  let res: { status: number; body: any };
  if (r < 0.15 || ids.length === 0) {
    res = await resident.request('POST', '/api/problems', reportBody(`soak-${n}`));
    if (res.status === 201) ids.push(res.body.id);
    counts.writes++;
  } else if (r < 0.25) {
    const id = ids[Math.floor(Math.random() * ids.length)]!;
    res = await supervisor.request('POST', `/api/problems/${id}/actions/press`, { note: '请加快办理' });
    counts.writes++;
  } else if (r < 0.55) {
    res = await supervisor.request('GET', `/api/problems?pageSize=20&page=${1 + (n % 5)}`);
    counts.reads++;
  } else if (r < 0.85) {
    res = await supervisor.request('GET', `/api/problems/${ids[Math.floor(Math.random() * ids.length)]}`);
    counts.reads++;
  } else {
    res = await supervisor.request('GET', '/api/stats/summary?groupBy=township');
    counts.reads++;
  }
  if (res.status >= 300) {
    counts.errors++;
    if (errors.length < 10) errors.push(`${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
  }
}

let n = 0;
await Promise.all(
  Array.from({ length: workers }, async () => {
    while (Date.now() < end) {
      try {
        await one(n++);
      } catch (err) {
        counts.errors++;
        if (errors.length < 10) errors.push(String(err));
      }
    }
  }),
);
clearInterval(sampler);
server.child.kill('SIGTERM');
const exitCode = await server.exited;
if (exitCode !== 0 || samples.some((x) => Number.isNaN(x.rss)))
  console.error(`the server ended abnormally (${exitCode}):\n${server.output().slice(-3000)}`);
await db.drop();

const seconds = (Date.now() - started) / 1000;
const warm = samples.filter((s) => s.t >= Math.min(60_000, (minutes * 60_000) / 5));
const first = warm[0]?.rss ?? 0;
const last = warm.at(-1)?.rss ?? 0;
const max = Math.max(...warm.map((s) => s.rss));
const min = Math.min(...warm.map((s) => s.rss));
const drift = first ? ((last - first) / first) * 100 : 0;
const flat = warm.length > 1 && Math.abs(drift) <= 10;
console.log(
  JSON.stringify(
    {
      dialect,
      minutes,
      workers,
      requests: counts.reads + counts.writes,
      reads: counts.reads,
      writes: counts.writes,
      perSecond: Math.round((counts.reads + counts.writes) / seconds),
      errors: counts.errors,
      rssMbAfterWarmUp: {
        first: first.toFixed(1),
        last: last.toFixed(1),
        min: min.toFixed(1),
        max: max.toFixed(1),
      },
      driftPercent: Number(drift.toFixed(1)),
      pass: counts.errors === 0 && flat,
      sampleErrors: errors,
    },
    null,
    2,
  ),
);
process.exit(counts.errors === 0 && flat ? 0 : 1);
