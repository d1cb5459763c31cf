/**
 * The soak (docs/RELIABILITY.md): a real server process under a steady mix of reads and writes over
 * loopback for a bounded time; counts errors and samples the server's resident memory. Passes when there
 * are no errors and memory after warm-up stays within 10 %. The test suite runs a short one, counted in
 * requests (src/server/__tests__/soak.process.test.ts); the benchmark suite runs ten minutes.
 *
 *   node --import tsx bench/soak.ts --minutes 10            SQLite
 *   DB=postgres node --import tsx bench/soak.ts --minutes 10 PostgreSQL
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HttpClient, prepareDatabase, reportBody, startServer } from '../src/test/server-process.ts';

function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return Number.NaN; // the process is gone: reported below
  }
}

/** What a soak measured. */
export interface SoakReport {
  dialect: string;
  minutes: number;
  workers: number;
  requests: number;
  reads: number;
  writes: number;
  perSecond: number;
  errors: number;
  /** Medians of the first and second half of the samples after warm-up, and the extremes. */
  rssMbAfterWarmUp: { first: number; last: number; min: number; max: number };
  driftPercent: number;
  /** How many memory samples the drift was computed from. */
  samplesAfterWarmUp: number;
  pass: boolean;
  sampleErrors: string[];
}

/**
 * Runs a bounded soak against a fresh server and database; stops by itself after `minutes`, or earlier
 * once `requests` have been sent. Warm-up is `warmUpRequests` requests when given (the same work on a fast
 * or a busy machine), else `warmUpMs`.
 */
export async function runSoak(opts: {
  minutes: number;
  workers?: number;
  dialect?: 'sqlite' | 'postgres';
  warmUpMs?: number;
  requests?: number;
  warmUpRequests?: number;
  /** A memory sample every this many requests, instead of every two seconds. */
  sampleEveryRequests?: number;
}): Promise<SoakReport> {
  const minutes = opts.minutes;
  const workers = opts.workers ?? 16;
  const dialect = opts.dialect ?? 'sqlite';
  const db = await prepareDatabase({ dialect });
  // --expose-gc: each sample is taken right after a full collection the server runs on SIGUSR2, so the
  // figures are the memory the server holds, not how far its collector has let garbage pile up.
  const server = await startServer(db, { LOG_LEVEL: process.env.SOAK_LOG_LEVEL ?? 'warn' }, ['--expose-gc']);
  const resident = await new HttpClient(server.url).login('demo-resident');
  const supervisor = await new HttpClient(server.url).login('demo-supervisor');
  const ids: string[] = [];
  const counts = { reads: 0, writes: 0, errors: 0 };
  const errors: string[] = [];
  const samples: { t: number; done: number; rss: number }[] = [];
  const budget = opts.requests ?? Number.POSITIVE_INFINITY;
  const started = Date.now();
  const end = started + minutes * 60_000;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const every = opts.sampleEveryRequests;
      if (every) {
        const mark = (samples.length + 1) * every;
        while (sampling && counts.reads + counts.writes < mark) await new Promise((r) => setTimeout(r, 20));
      } else await new Promise((r) => setTimeout(r, 1700));
      if (!sampling) break;
      const done = counts.reads + counts.writes;
      server.child.kill('SIGUSR2');
      await new Promise((r) => setTimeout(r, 300));
      samples.push({ t: Date.now() - started, done, rss: rssMb(server.child.pid!) });
    }
  })();

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
      while (Date.now() < end && n < budget) {
        try {
          await one(n++);
        } catch (err) {
          counts.errors++;
          if (errors.length < 10) errors.push(String(err));
        }
      }
    }),
  );
  sampling = false;
  await sampler;
  server.child.kill('SIGTERM');
  const exitCode = await server.exited;
  if (exitCode !== 0 || samples.some((x) => Number.isNaN(x.rss))) {
    counts.errors++;
    errors.push(`the server ended abnormally (${exitCode}): ${server.output().slice(-2000)}`);
  }
  await db.drop();

  const seconds = (Date.now() - started) / 1000;
  const warmUp = opts.warmUpMs ?? Math.min(60_000, (minutes * 60_000) / 3);
  const warm = samples.filter((s) =>
    opts.warmUpRequests !== undefined ? s.done >= opts.warmUpRequests : s.t >= warmUp,
  );
  // Resident memory saws up and down with garbage collection: compare the median of the first half of
  // the samples after warm-up with the median of the second half, not two single samples.
  const median = (xs: number[]) => {
    const v = [...xs].sort((a, b) => a - b);
    return v.length ? v[Math.floor(v.length / 2)]! : 0;
  };
  const half = Math.floor(warm.length / 2);
  const first = median(warm.slice(0, half).map((x) => x.rss));
  const last = median(warm.slice(half).map((x) => x.rss));
  const drift = first ? ((last - first) / first) * 100 : 0;
  // Growth is what a soak looks for; memory given back is not a failure.
  const flat = warm.length > 1 && drift <= 10;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    dialect,
    minutes,
    workers,
    requests: counts.reads + counts.writes,
    reads: counts.reads,
    writes: counts.writes,
    perSecond: Math.round((counts.reads + counts.writes) / seconds),
    errors: counts.errors,
    rssMbAfterWarmUp: {
      first: round(first),
      last: round(last),
      min: round(Math.min(...warm.map((s) => s.rss))),
      max: round(Math.max(...warm.map((s) => s.rss))),
    },
    driftPercent: round(drift),
    samplesAfterWarmUp: warm.length,
    pass: counts.errors === 0 && flat,
    sampleErrors: errors,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
  };
  const report = await runSoak({
    minutes: Number(opt('minutes', '10')),
    workers: Number(opt('workers', '16')),
    dialect: (process.env.DB ?? 'sqlite') as 'sqlite' | 'postgres',
  });
  console.log(JSON.stringify(report, null, 2));
  process.exit(report.pass ? 0 : 1);
}
