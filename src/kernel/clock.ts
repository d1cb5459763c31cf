/** The source of "now": the system clock in production, a settable one in tests. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that tests move by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  /** Current time. */
  now(): Date {
    return new Date(this.current);
  }
  /** Moves the clock to the given time. */
  set(at: Date | string): void {
    this.current = new Date(at);
  }
  /** Moves the clock forward by the given hours. */
  advanceHours(hours: number): void {
    this.current = new Date(this.current.getTime() + hours * 3600_000);
  }
}
