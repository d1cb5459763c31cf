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
