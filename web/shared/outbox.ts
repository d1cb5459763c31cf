import { shallowRef } from 'vue';
import { api, ApiError, newKey, pageLang } from './api';
import { ERROR_TEXT } from '../../src/kernel/apiText';

/**
 * The outbox: writes made in the field wait in IndexedDB until the network returns, then are sent
 * in order, each step with its own stable `Idempotency-Key`, so that a step is applied exactly once
 * even when the page is closed half-way or a response is lost.
 *
 * A job is a list of steps. A step's body may refer to the result of an earlier step with the string
 * `"$ref:<step name>.<field>"` (e.g. the visit's id, or an uploaded photo's id).
 */
export interface OutboxStep {
  name: string;
  kind: 'upload' | 'post';
  path: string;
  key: string;
  body?: unknown;
  blob?: Blob;
  fileName?: string;
  done: boolean;
  result?: Record<string, unknown>;
}

export interface OutboxJob {
  id: string;
  label: string;
  createdAt: string;
  status: 'waiting' | 'sending' | 'failed' | 'sent';
  error?: string;
  details?: unknown;
  steps: OutboxStep[];
}

const DB_NAME = 'qingdan-outbox';
const STORE = 'jobs';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE))
        req.result.createObjectStore(STORE, { keyPath: 'id' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const r = fn(t.objectStore(STORE));
      t.oncomplete = () => resolve(r.result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
  } finally {
    db.close();
  }
}

/** Jobs still in the outbox (waiting, sending or failed), oldest first; reactive. */
export const outboxJobs = shallowRef<OutboxJob[]>([]);
/** Results of jobs sent during this page's life, newest first. */
export const sentJobs = shallowRef<OutboxJob[]>([]);

async function loadAll(): Promise<OutboxJob[]> {
  const all = await tx<OutboxJob[]>('readonly', (s) => s.getAll() as IDBRequest<OutboxJob[]>);
  return all.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

async function refresh(): Promise<void> {
  outboxJobs.value = await loadAll();
}

async function save(job: OutboxJob): Promise<void> {
  await tx('readwrite', (s) => s.put(job));
}

/** Builds a step; the idempotency key is fixed when the job is made, not when it is sent. */
export function step(
  name: string,
  kind: OutboxStep['kind'],
  path: string,
  extra: Partial<OutboxStep> = {},
): OutboxStep {
  return { name, kind, path, key: newKey(), done: false, ...extra };
}

/** Puts a job in the outbox and tries to send it at once. */
export async function enqueue(label: string, steps: OutboxStep[]): Promise<OutboxJob> {
  const job: OutboxJob = {
    id: newKey(),
    label,
    createdAt: new Date().toISOString(),
    status: 'waiting',
    steps,
  };
  await save(job);
  await refresh();
  void flush();
  return job;
}

/** Removes a job (e.g. a failed one the user gives up on). */
export async function discard(id: string): Promise<void> {
  await tx('readwrite', (s) => s.delete(id));
  await refresh();
}

function resolveRefs(value: unknown, results: Map<string, Record<string, unknown>>): unknown {
  if (typeof value === 'string' && value.startsWith('$ref:')) {
    const [name, field] = value.slice(5).split('.');
    return results.get(name)?.[field];
  }
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, results));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, results)]));
  }
  return value;
}

function isNetworkError(e: unknown): boolean {
  return (
    !(e instanceof ApiError) ||
    e.status >= 500 ||
    e.status === 408 ||
    e.status === 429 ||
    e.code === 'in_progress'
  );
}

let flushing: Promise<void> | null = null;

/** Sends every waiting job, in order; stops at the first network failure. */
export function flush(): Promise<void> {
  flushing ??= doFlush().finally(() => {
    flushing = null;
  });
  return flushing;
}

async function doFlush(): Promise<void> {
  await refresh();
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return;
  for (const job of await loadAll()) {
    if (job.status === 'failed') continue;
    job.status = 'sending';
    await save(job);
    await refresh();
    const results = new Map<string, Record<string, unknown>>();
    try {
      for (const s of job.steps) {
        if (s.done) {
          if (s.result) results.set(s.name, s.result);
          continue;
        }
        let result: Record<string, unknown>;
        if (s.kind === 'upload') {
          if (!s.blob) throw new Error('missing file');
          result = await api.upload<Record<string, unknown>>(s.path, s.blob, s.fileName ?? 'photo.jpg', {
            idempotencyKey: s.key,
          });
        } else {
          result = await api.post<Record<string, unknown>>(s.path, resolveRefs(s.body, results), {
            idempotencyKey: s.key,
          });
        }
        s.done = true;
        s.result = result;
        s.blob = undefined; // the photo is on the server now
        results.set(s.name, result);
        await save(job);
      }
      job.status = 'sent';
      await discard(job.id);
      sentJobs.value = [job, ...sentJobs.value].slice(0, 20);
    } catch (e) {
      if (isNetworkError(e)) {
        job.status = 'waiting';
        job.error = ERROR_TEXT.network![pageLang()];
        await save(job);
        await refresh();
        return;
      }
      job.status = 'failed';
      job.error = (e as Error).message;
      job.details = (e as ApiError).details;
      await save(job);
      await refresh();
    }
  }
}

/** Marks a failed job as waiting again and sends it. */
export async function retry(id: string): Promise<void> {
  const job = (await loadAll()).find((j) => j.id === id);
  if (!job) return;
  job.status = 'waiting';
  job.error = undefined;
  job.details = undefined;
  await save(job);
  await flush();
}

let started = false;

/** Starts sending in the background: now, when the network returns, and every 30 seconds. */
export function startOutbox(): void {
  if (started || typeof window === 'undefined' || !('indexedDB' in window)) return;
  started = true;
  window.addEventListener('online', () => void flush());
  setInterval(() => void flush(), 30_000);
  void flush();
}
