import { AnswerCache, VersionedCache } from '../kernel/versionedCache.ts';

/**
 * Values kept for a short while by key, bounded in number: what a request resolved a moment ago (a
 * session, an API key) and the next one may reuse without reading it again.
 */
export class RecentCache<T> {
  private readonly entries = new Map<string, { at: number; value: T }>();
  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  /** The value kept under `key` if it was kept less than the time to live before `now` (and not after it). */
  get(key: string, now: number): T | undefined {
    const hit = this.entries.get(key);
    return hit && now - hit.at < this.ttlMs && now >= hit.at ? hit.value : undefined;
  }

  /** Keeps a value, dropping the oldest entry beyond the bound. */
  set(key: string, now: number, value: T): void {
    this.entries.set(key, { at: now, value });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Forgets one key. */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every value the predicate picks. */
  deleteWhere(pick: (value: T) => boolean): void {
    for (const [key, e] of this.entries) if (pick(e.value)) this.entries.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.entries.clear();
  }
}

/**
 * Every cache of one running app, owned by its context rather than by a module: an app (a test's app too)
 * starts with none, two apps in one process share none, and each cache is found by its name here. The
 * versioned kinds keep a value for exactly one data version of a jurisdiction (the number of its last
 * action): any write moves the version, and from then on nothing older is served.
 */
export class ContextCache {
  private readonly parts = new Map<string, unknown>();
  private turn: Map<string, Promise<unknown>> | null = null;

  /** The part of the cache named `name`, made by `make` on first use. Names are `module.what`. */
  own<T>(name: string, make: () => T): T {
    if (!this.parts.has(name)) this.parts.set(name, make());
    return this.parts.get(name) as T;
  }

  /** Serialised answers kept per jurisdiction and data version, bounded in bytes (see AnswerCache). */
  answers(name: string, maxBytesPerScope: number): AnswerCache {
    return this.own(name, () => new AnswerCache(maxBytesPerScope));
  }

  /** Values kept per data version, at most `max` of them (see VersionedCache). */
  values<T>(name: string, max: number): VersionedCache<T> {
    return this.own(name, () => new VersionedCache<T>(max));
  }

  /** Values kept for `ttlMs`, at most `max` of them. */
  recent<T>(name: string, ttlMs: number, max: number): RecentCache<T> {
    return this.own(name, () => new RecentCache<T>(ttlMs, max));
  }

  /**
   * One read shared by every caller in this turn of the event loop, sent after all of them arrived: each
   * still sees every write committed before it asked.
   */
  thisTurn<T>(key: string, read: () => Promise<T>): Promise<T> {
    if (!this.turn) {
      const turn = new Map<string, Promise<unknown>>();
      this.turn = turn;
      setImmediate(() => {
        if (this.turn === turn) this.turn = null;
      });
    }
    const turn = this.turn;
    let p = turn.get(key) as Promise<T> | undefined;
    if (!p) {
      p = read();
      turn.set(key, p);
      p.catch(() => turn.delete(key));
    }
    return p;
  }
}
