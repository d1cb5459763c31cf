import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';

const gzipAsync = promisify(gzip);

/**
 * Answers up to this size are compressed on the event loop: for them the thread pool's stream, hop and
 * callback cost the loop several times what compressing the bytes does.
 */
const COMPRESS_HERE_MAX_BYTES = 32 * 1024;

/**
 * A small cache whose entries are valid only for the data version they were computed at. Reading the
 * current version (one indexed row) and comparing keeps answers exact right after any write, in every
 * process, while repeated reads of unchanged data cost nothing.
 */
export class VersionedCache<T> {
  private readonly entries = new Map<string, { version: number; value: T }>();
  constructor(private readonly max = 500) {}

  /** The value computed at exactly this version, if any. */
  get(key: string, version: number): T | undefined {
    const e = this.entries.get(key);
    if (!e || e.version !== version) return undefined;
    // Refresh its place: the map's order is the eviction order.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  private readonly inflight = new Map<string, Promise<T>>();

  /**
   * The cached value, or the one being computed for the same key and version by another caller, or a new
   * computation: a burst of identical requests after a write computes once.
   */
  async getOrCompute(key: string, version: number, compute: () => Promise<T>): Promise<T> {
    const hit = this.get(key, version);
    if (hit !== undefined) return hit;
    const flightKey = `${version}|${key}`;
    const running = this.inflight.get(flightKey);
    if (running) return running;
    const p = compute().then(
      (value) => {
        this.inflight.delete(flightKey);
        this.set(key, version, value);
        return value;
      },
      (err: unknown) => {
        this.inflight.delete(flightKey);
        throw err;
      },
    );
    this.inflight.set(flightKey, p);
    return p;
  }

  /** Stores a value computed after reading `version`. */
  set(key: string, version: number, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, { version, value });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
}

/**
 * One serialised answer: its UTF-8 bytes (encoded once, sent as they are) and, made on first demand on the
 * thread pool and kept with it, the same bytes gzip-compressed for clients that accept them.
 */
export class Answer {
  readonly body: Buffer;
  private gzipped: Promise<Buffer> | undefined;
  private readonly level: number;
  /**
   * `json`: the text, or its UTF-8 bytes. `gzipLevel`: 6 by default; 1 for an answer that will mostly be
   * sent once (far quicker, a little larger).
   */
  constructor(json: string | Buffer, opts: { gzipLevel?: number } = {}) {
    this.body = typeof json === 'string' ? Buffer.from(json, 'utf8') : json;
    this.level = opts.gzipLevel ?? 6;
  }
  /** The body, gzip-compressed (computed once). */
  gzip(): Promise<Buffer> {
    this.gzipped ??=
      this.body.length <= COMPRESS_HERE_MAX_BYTES
        ? Promise.resolve(gzipSync(this.body, { level: this.level }))
        : gzipAsync(this.body, { level: this.level });
    return this.gzipped;
  }
  /** What it holds, in bytes, counting a compressed copy at a quarter of the body (its usual bound). */
  get bytes(): number {
    return this.body.length + (this.body.length >> 2);
  }
}

/**
 * Answers of one data version per scope (a jurisdiction): when a newer version is seen every older answer
 * of that scope is dropped at once, so the cache holds only what can still be served. Bounded by bytes;
 * identical requests arriving together compute once.
 */
export class AnswerCache {
  private readonly scopes = new Map<
    string,
    { version: number; entries: Map<string, Answer>; bytes: number }
  >();
  private readonly inflight = new Map<string, Promise<Answer>>();
  constructor(private readonly maxBytesPerScope = 8 * 1024 * 1024) {}

  private scope(name: string, version: number) {
    let s = this.scopes.get(name);
    if (!s || version > s.version) {
      s = { version, entries: new Map(), bytes: 0 };
      this.scopes.set(name, s);
    }
    return s;
  }

  /** The answer kept for this key at this version, or the one being computed, or a new computation. */
  async get(scope: string, version: number, key: string, compute: () => Promise<string>): Promise<Answer> {
    const s = this.scope(scope, version);
    if (s.version === version) {
      const hit = s.entries.get(key);
      if (hit !== undefined) return hit;
    }
    const flightKey = `${scope}|${version}|${key}`;
    const running = this.inflight.get(flightKey);
    if (running) return running;
    const p = compute()
      .then((json) => new Answer(json))
      .finally(() => this.inflight.delete(flightKey));
    this.inflight.set(flightKey, p);
    const value = await p;
    const now = this.scopes.get(scope);
    // Kept only while it still belongs to the scope's current version.
    if (now && now.version === version && !now.entries.has(key)) {
      if (value.bytes <= this.maxBytesPerScope / 4) {
        now.entries.set(key, value);
        now.bytes += value.bytes;
        while (now.bytes > this.maxBytesPerScope) {
          const oldest = now.entries.keys().next().value!;
          now.bytes -= now.entries.get(oldest)!.bytes;
          now.entries.delete(oldest);
        }
      }
    }
    return value;
  }
}
