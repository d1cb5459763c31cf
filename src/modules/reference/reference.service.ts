import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Lang } from '../../kernel/apiText.ts';
import { tokenize } from '../../kernel/text.ts';
import { isCalendarDate, WorkCalendar } from '../../kernel/workdays.ts';
import { referenceRepository } from './reference.repository.ts';
import type {
  Category,
  CalendarDay,
  Division,
  Domain,
  Indicator,
  TimeRule,
  Unit,
} from './reference.schema.ts';

/** A jurisdiction's reference data as plain data, as read from the database. */
export type ReferenceSnapshot = Awaited<ReturnType<typeof referenceRepository.loadAll>>;

/** Reads a jurisdiction's reference data now, as plain data (a worker thread builds its own ReferenceData). */
export function readReferenceSnapshot(db: Kysely<DB>, jurisdictionId: string): Promise<ReferenceSnapshot> {
  return referenceRepository.loadAll(db, jurisdictionId);
}

/** Adds a unit without an audit entry (the demo seed); reload the reference data after. */
export function addUnit(
  db: Kysely<DB>,
  jurisdictionId: string,
  unit: Unit & { sort?: number },
  createdAt: string,
): Promise<void> {
  return referenceRepository.insertUnit(db, jurisdictionId, unit, createdAt);
}

/** Default limits when no rule matches: respond within 4 working hours, close within 15 working days. */
export const DEFAULT_RULE = { respondHours: 4, closeDays: 15 };

/** Names of one kind of reference data, each with the set of its search tokens. */
export interface SearchNames {
  categories: { key: string; tokens: Set<string> }[];
  domains: { key: string; tokens: Set<string> }[];
  divisions: { key: string; tokens: Set<string> }[];
  units: { key: string; tokens: Set<string> }[];
}

/** A bounding box in degrees. */
export interface PointBox {
  minLat: number;
  maxLat: number;
  minLng: number;
  maxLng: number;
}

/** One jurisdiction's reference data, held in memory: small, read on every request. */
let loads = 0;

export class ReferenceData {
  readonly divisions = new Map<string, Division>();
  readonly units = new Map<string, Unit>();
  readonly categories = new Map<string, Category>();
  readonly domains = new Map<string, Domain>();
  readonly indicators = new Map<string, Indicator>();
  readonly calendar: WorkCalendar;
  private readonly childrenOf = new Map<string | null, string[]>();
  private readonly unitChildren = new Map<string | null, string[]>();

  /**
   * Distinguishes one load of changed rows from the next: answers cached with names from this data carry it
   * in their key.
   */
  readonly serial = ++loads;

  constructor(
    readonly jurisdictionId: string,
    private readonly data: ReferenceSnapshot,
  ) {
    for (const d of data.divisions) {
      this.divisions.set(d.code, d);
      const list = this.childrenOf.get(d.parentCode) ?? [];
      list.push(d.code);
      this.childrenOf.set(d.parentCode, list);
    }
    for (const u of data.units) {
      this.units.set(u.id, u);
      const list = this.unitChildren.get(u.parentId) ?? [];
      list.push(u.id);
      this.unitChildren.set(u.parentId, list);
    }
    for (const c of data.categories) this.categories.set(c.code, c);
    for (const d of data.domains) this.domains.set(d.code, d);
    for (const i of data.indicators) this.indicators.set(i.code, i);
    this.timeRules = data.timeRules;
    // One bad row (written before dates were checked, or by hand) must not stop the server: it is skipped
    // and reported to the admin (`issues`, shown by /api/health and the console's home).
    const issues: string[] = [];
    this.calendarDays = data.calendar.filter((c) => {
      if (isCalendarDate(c.date)) return true;
      issues.push(
        `日历中的 ${c.date} 不是有效日期，已忽略 / calendar day ${c.date} is not a real date and was skipped`,
      );
      return false;
    });
    this.issues = issues;
    this.calendar = new WorkCalendar(
      this.calendarDays.map((c) => ({ date: c.date, isWorkday: c.isWorkday, name: c.name })),
    );
  }

  readonly timeRules: TimeRule[];
  readonly calendarDays: CalendarDay[];
  /** Rows of reference data that could not be used, in words for the admin. */
  readonly issues: string[];

  /** Divisions directly below a code. */
  divisionChildren(parent: string): Division[] {
    return (this.childrenOf.get(parent) ?? []).map((c) => this.divisions.get(c)!);
  }

  /** The township (9-digit code) a village or township code belongs to. */
  townshipOf(code: string | null | undefined): string | null {
    if (!code) return null;
    if (code.length >= 9) return code.slice(0, 9);
    return null;
  }

  /** A unit and all units below it. */
  unitSubtree(id: string): string[] {
    const out: string[] = [];
    const stack = [id];
    while (stack.length) {
      const cur = stack.pop()!;
      out.push(cur);
      stack.push(...(this.unitChildren.get(cur) ?? []));
    }
    return out;
  }

  /** The time-limit rule for a category and urgency: the category's own, else the general one. */
  ruleFor(categoryCode: string, urgency: string): { respondHours: number; closeDays: number } {
    return (
      this.timeRules.find((r) => r.categoryCode === categoryCode && r.urgency === urgency) ??
      this.timeRules.find((r) => r.categoryCode === null && r.urgency === urgency) ??
      this.timeRules.find((r) => r.categoryCode === null && r.urgency === 'normal') ??
      DEFAULT_RULE
    );
  }

  /** The display name of a division code. */
  divisionName(code: string | null): string | null {
    return code ? (this.divisions.get(code)?.name ?? null) : null;
  }

  private english: ReferenceData | undefined;
  private names: SearchNames | undefined;
  private located: { places: Division[]; box: PointBox | null } | undefined;

  /**
   * The townships and villages (where a report by location or address is placed) and the bounding box of
   * every division's point (null when none has one), made once per load: every such report reads them.
   */
  places(): { places: Division[]; box: PointBox | null } {
    if (!this.located) {
      const all = [...this.divisions.values()];
      const points = all.filter((d) => d.lat !== null && d.lng !== null);
      const lats = points.map((d) => Number(d.lat));
      const lngs = points.map((d) => Number(d.lng));
      this.located = {
        places: all.filter((d) => d.level === 'village' || d.level === 'township'),
        box: points.length
          ? {
              minLat: Math.min(...lats),
              maxLat: Math.max(...lats),
              minLng: Math.min(...lngs),
              maxLng: Math.max(...lngs),
            }
          : null,
      };
    }
    return this.located;
  }

  /**
   * The search tokens of the names of categories and domains (Chinese and English), townships, villages and
   * units, made once per load: every search looks its words up in them.
   */
  searchNames(): SearchNames {
    if (!this.names) {
      const of = (...names: (string | undefined)[]) => new Set(tokenize(names.filter(Boolean).join('\n')));
      this.names = {
        categories: [...this.categories.values()].map((c) => ({ key: c.code, tokens: of(c.name, c.nameEn) })),
        domains: [...this.domains.values()].map((d) => ({ key: d.code, tokens: of(d.name, d.nameEn) })),
        // Townships and villages: the county itself would match every problem.
        divisions: [...this.divisions.values()]
          .filter((d) => d.level === 'township' || d.level === 'village')
          .map((d) => ({ key: d.code, tokens: of(d.name) })),
        units: [...this.units.values()].map((u) => ({ key: u.id, tokens: of(u.name) })),
      };
    }
    return this.names;
  }

  /**
   * This data for presenting in a language: in English, the categories, domains and indicators carry their
   * English names as `name` (the Chinese one where the admin gave none). Only for answers: imports and
   * ledgers look names up in Chinese, on the data itself.
   */
  inLanguage(lang: Lang | null | undefined): ReferenceData {
    if (lang !== 'en') return this;
    if (!this.english) {
      const en = <T extends { name: string; nameEn: string }>(x: T): T => ({
        ...x,
        name: x.nameEn || x.name,
      });
      const domains = this.data.domains.map(en);
      const domainName = new Map(domains.map((d) => [d.code, d.name]));
      this.english = new ReferenceData(this.jurisdictionId, {
        ...this.data,
        domains,
        indicators: this.data.indicators.map(en),
        categories: this.data.categories.map((c) => ({
          ...en(c),
          domainName: domainName.get(c.domain) ?? c.domainName,
        })),
      });
    }
    return this.english;
  }
}

/** The rows as text, to tell a load from the one before; null when they cannot be written as JSON. */
function textOf(rows: ReferenceSnapshot): string | null {
  try {
    return JSON.stringify(rows);
  } catch {
    return null;
  }
}

/**
 * Loads reference data per jurisdiction and keeps it in memory. Once loaded, `get` never waits for the
 * database: data older than the TTL is refreshed in the background (several processes may write) and
 * the previous data is served meanwhile. This matters on SQLite, where a query issued inside a
 * transaction would wait for the transaction's own connection: services may call `get` anywhere.
 */
export class ReferenceService {
  private cache = new Map<
    string,
    { at: number; data: ReferenceData; text: string | null; refreshing: Promise<ReferenceData> | null }
  >();
  private loading = new Map<string, Promise<ReferenceData>>();
  constructor(
    private readonly db: Kysely<DB>,
    private readonly ttlMs = 30_000,
    /** Told of rows that had to be skipped at each load (the server logs them). */
    private readonly onIssues: (jurisdictionId: string, issues: string[]) => void = () => undefined,
  ) {}

  /** The reference data of a jurisdiction (loaded on first use, refreshed in the background after). */
  get(jurisdictionId: string): Promise<ReferenceData> {
    const hit = this.cache.get(jurisdictionId);
    if (hit) {
      if (Date.now() - hit.at > this.ttlMs && !hit.refreshing)
        void this.reload(jurisdictionId).catch(() => undefined);
      return Promise.resolve(hit.data);
    }
    return this.loading.get(jurisdictionId) ?? this.reload(jurisdictionId);
  }

  /** Reloads after a change; resolves with the fresh data (await it outside transactions). */
  invalidate(jurisdictionId: string): Promise<ReferenceData> {
    return this.reload(jurisdictionId);
  }

  private reload(jurisdictionId: string): Promise<ReferenceData> {
    const p = referenceRepository.loadAll(this.db, jurisdictionId).then((d) => {
      const text = textOf(d);
      const before = this.cache.get(jurisdictionId);
      // Rows read again unchanged keep their data and its serial, so what was kept against it stays kept.
      const same = before !== undefined && text !== null && before.text === text;
      const data = same ? before.data : new ReferenceData(jurisdictionId, d);
      if (!same && data.issues.length) this.onIssues(jurisdictionId, data.issues);
      this.cache.set(jurisdictionId, { at: Date.now(), data, text, refreshing: null });
      this.loading.delete(jurisdictionId);
      return data;
    });
    const hit = this.cache.get(jurisdictionId);
    if (hit) hit.refreshing = p;
    else this.loading.set(jurisdictionId, p);
    p.catch(() => {
      this.loading.delete(jurisdictionId);
      const h = this.cache.get(jurisdictionId);
      if (h) h.refreshing = null;
    });
    return p;
  }
}
