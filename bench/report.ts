/**
 * Renders a benchmark result file (bench/results/<date>.json) as the Markdown tables of BENCHMARKS.md,
 * with each target of issue 5 checked against the measured figure.
 *
 *   node --import tsx bench/report.ts bench/results/2026-11-30.json
 */
import fs from 'node:fs';

interface Row {
  name: string;
  rps: number;
  p50: number;
  p95: number | null;
  p99: number;
  errors: number;
  bytes?: number;
  non2xx: number;
  ratio: number | null;
}
interface Run {
  db: string;
  size: number;
  rows: Row[];
  peakRssMb: number;
  import: { rate: number; rawRate: number | null; ratio: number | null; seconds: number } | null;
}

/** The targets, as ratios of the ceiling (PostgreSQL: half) or latencies. */
const TARGETS: { match: string; ratio?: number; p99?: number; p95?: number }[] = [
  { match: 'GET /api/problems/:id', ratio: 25 },
  { match: 'Open311 GET services.json', ratio: 30 },
  { match: 'GET /api/problems (50', ratio: 10, p99: 50 },
  { match: 'GET /api/problems?q=', p95: 50 },
  { match: 'GET /api/stats/summary', p99: 50 },
  { match: 'GET /api/jobs/postings within', ratio: 10, p99: 50 },
  { match: 'GET /api/care/orders', ratio: 10, p99: 50 },
  { match: 'GET /api/directory/places within', ratio: 10, p99: 50 },
  { match: 'POST /api/problems', ratio: 5 },
  { match: 'Open311 POST requests.json', ratio: 5 },
];

function verdict(db: string, r: Row): string {
  const t = TARGETS.find((x) => r.name.startsWith(x.match));
  if (!t) return '';
  const factor = db === 'postgres' ? 0.5 : 1;
  if (r.rps === 0) return '✗ no answer in time';
  const parts: string[] = [];
  if (t.ratio !== undefined)
    parts.push(`${(r.ratio ?? 0) >= t.ratio * factor ? '✓' : '✗'} ≥ ${t.ratio * factor} %`);
  if (t.p99 !== undefined) parts.push(`${r.p99 <= t.p99 ? '✓' : '✗'} p99 ≤ ${t.p99} ms`);
  if (t.p95 !== undefined) parts.push(`${(r.p95 ?? r.p99) <= t.p95 ? '✓' : '✗'} p97.5 ≤ ${t.p95} ms`);
  return parts.join(', ');
}

const file = process.argv[2];
if (!file) throw new Error('usage: bench/report.ts <results.json>');
const data = JSON.parse(fs.readFileSync(file, 'utf8')) as {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string };
  connections: number;
  duration: number;
  ceiling: Row & { samples?: number[] };
  runs: Run[];
};
const out: string[] = [];
out.push(
  `Measured ${data.date} on ${data.machine.cpus} cores (${data.machine.cpuModel}), ${data.machine.memoryGb} GiB, Node ${data.machine.node}; autocannon with ${data.connections} connections for ${data.duration} s per line.`,
);
out.push('');
out.push(
  `Ceiling (bare node:http hello-world, same load generator): **${data.ceiling.rps.toLocaleString('en')} requests/s**, p99 ${data.ceiling.p99} ms` +
    (data.ceiling.samples && data.ceiling.samples.length > 1
      ? `; the median of ${data.ceiling.samples.length} measurements in the run (${data.ceiling.samples.map((n) => n.toLocaleString('en')).join(', ')}), at its start and before each database and size. Every ratio is to it.`
      : '.'),
);
for (const r of data.runs) {
  out.push('');
  out.push(`### ${r.db === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ${r.size.toLocaleString('en')} problems`);
  out.push('');
  const imp = r.import;
  out.push(
    `Server peak memory ${r.peakRssMb} MB (target < 300 MB: ${r.peakRssMb < 300 ? '✓' : '✗'}).` +
      (imp
        ? ` Bulk import ${imp.rate.toLocaleString('en')} problems/s against a raw insert of ${imp.rawRate?.toLocaleString('en') ?? '—'} rows/s (${imp.ratio ?? '—'} %; target ≥ ${r.db === 'postgres' ? 25 : 50} %: ${(imp.ratio ?? 0) >= (r.db === 'postgres' ? 25 : 50) ? '✓' : '✗'}).`
        : ''),
  );
  out.push('');
  out.push(
    '| measurement | req/s | % of ceiling | p50 ms | p97.5 ms | p99 ms | errors | non-2xx | bytes/answer | target |',
  );
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const m of r.rows)
    out.push(
      `| ${m.name} | ${m.rps.toLocaleString('en')} | ${m.ratio ?? '—'} | ${m.p50} | ${m.p95 ?? '—'} | ${m.p99} | ${m.errors} | ${m.non2xx} | ${m.bytes?.toLocaleString('en') ?? '—'} | ${verdict(r.db, m)} |`,
    );
}
console.log(out.join('\n'));
