/**
 * The generator's worker thread (see writeFromWorker in generate.ts): makes the problems of a load and
 * prepares their rows chunk by chunk, in order, while the main thread writes the chunk before. The main
 * thread hands out credits; each lets one more chunk be prepared, so at most a few wait in memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ChunkPreparer, type LoadPlan } from '../src/modules/ledger/index.ts';
import { random } from '../src/kernel/random.ts';
import { contextOf, makeProblem, type ReferenceRows } from './synth.ts';

export interface WorkerInput {
  plan: LoadPlan;
  rows: ReferenceRows;
  /** The generator's time (ms). */
  now: number;
  seed: number;
  total: number;
  batch: number;
}

async function run(port: NonNullable<typeof parentPort>, input: WorkerInput): Promise<void> {
  const r = random(input.seed);
  const c = contextOf(input.plan.jurisdictionId, input.rows, input.now);
  const preparer = new ChunkPreparer(input.plan);
  let credits = 0;
  let wake: (() => void) | null = null;
  port.on('message', (n: number) => {
    credits += n;
    wake?.();
    wake = null;
  });
  for (let done = 0; done < input.total;) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
    const n = Math.min(input.batch, input.total - done);
    const problems = Array.from({ length: n }, (_, k) => makeProblem(r, c, done + k));
    port.postMessage(preparer.prepare(problems));
    done += n;
  }
  port.close();
}

if (parentPort) await run(parentPort, workerData as WorkerInput);
