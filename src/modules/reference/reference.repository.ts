import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { CategoryTable, DivisionTable, UnitTable } from '../../db/schema.ts';
import type {
  Category,
  CalendarDay,
  Division,
  Domain,
  Indicator,
  TimeRule,
  Unit,
} from './reference.schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Maps a category row to the domain object. */
export function categoryFromRow(r: Selectable<CategoryTable>, domainName: string): Category {
  return {
    code: r.code,
    name: r.name,
    nameEn: r.name_en,
    kind: r.kind as Category['kind'],
    domain: r.domain,
    domainName,
    description: r.description,
    keywords: r.keywords,
    open311Type: r.open311_type as Category['open311Type'],
    active: r.active === 1,
    fields: JSON.parse(r.fields) as Category['fields'],
    version: r.version,
  };
}

/** Maps a unit row to the domain object. */
export function unitFromRow(r: Selectable<UnitTable>): Unit {
  return {
    id: r.id,
    parentId: r.parent_id,
    name: r.name,
    kind: r.kind as Unit['kind'],
    divisionCode: r.division_code,
    phone: r.phone,
    active: r.active === 1,
    version: r.version,
  };
}

/** Maps a division row. */
export function divisionFromRow(r: Selectable<DivisionTable>): Division {
  return { code: r.code, name: r.name, level: r.level, parentCode: r.parent_code, lat: r.lat, lng: r.lng };
}

/** All SQL of reference data. */
export const referenceRepository = {
  async loadAll(db: Db, jurisdictionId: string) {
    const [divisions, units, categories, domains, indicators, rules, calendar] = await Promise.all([
      db
        .selectFrom('divisions')
        .selectAll()
        .where('jurisdiction_id', '=', jurisdictionId)
        .orderBy('code')
        .execute(),
      db
        .selectFrom('units')
        .selectAll()
        .where('jurisdiction_id', '=', jurisdictionId)
        .orderBy('sort')
        .orderBy('name')
        .execute(),
      db
        .selectFrom('categories')
        .selectAll()
        .where('jurisdiction_id', '=', jurisdictionId)
        .orderBy('sort')
        .execute(),
      db
        .selectFrom('domains')
        .selectAll()
        .where('jurisdiction_id', '=', jurisdictionId)
        .orderBy('sort')
        .execute(),
      db
        .selectFrom('indicators')
        .selectAll()
        .where('jurisdiction_id', '=', jurisdictionId)
        .orderBy('sort')
        .execute(),
      db.selectFrom('time_rules').selectAll().where('jurisdiction_id', '=', jurisdictionId).execute(),
      db
        .selectFrom('calendar_days')
        .selectAll()
        .where('jurisdiction_id', '=', jurisdictionId)
        .orderBy('date')
        .execute(),
    ]);
    const domainList: Domain[] = domains.map((d) => ({
      code: d.code,
      name: d.name,
      nameEn: d.name_en,
      kind: d.kind as Domain['kind'],
    }));
    const domainNames = new Map(domainList.map((d) => [d.code, d.name]));
    return {
      divisions: divisions.map(divisionFromRow),
      units: units.map(unitFromRow),
      categories: categories.map((c) => categoryFromRow(c, domainNames.get(c.domain) ?? c.domain)),
      domains: domainList,
      indicators: indicators.map((i): Indicator => ({
        code: i.code,
        name: i.name,
        nameEn: i.name_en,
        unit: i.unit,
        scale: i.scale,
        domain: i.domain,
        minValue: i.min_value === null ? null : Number(i.min_value),
        maxValue: i.max_value === null ? null : Number(i.max_value),
        plausibleMin: i.plausible_min === null ? null : Number(i.plausible_min),
        plausibleMax: i.plausible_max === null ? null : Number(i.plausible_max),
        whole: Number(i.whole) === 1,
      })),
      timeRules: rules.map((r): TimeRule => ({
        id: r.id,
        categoryCode: r.category_code,
        urgency: r.urgency as TimeRule['urgency'],
        respondHours: r.respond_hours,
        closeDays: r.close_days,
        version: r.version,
      })),
      calendar: calendar.map((c): CalendarDay => ({
        date: c.date,
        isWorkday: c.is_workday === 1,
        name: c.name,
      })),
    };
  },

  async insertUnit(db: Db, jurisdictionId: string, u: Unit & { sort?: number }, createdAt: string) {
    await db
      .insertInto('units')
      .values({
        jurisdiction_id: jurisdictionId,
        id: u.id,
        parent_id: u.parentId,
        name: u.name,
        kind: u.kind,
        division_code: u.divisionCode,
        phone: u.phone,
        sort: u.sort ?? 0,
        active: u.active ? 1 : 0,
        created_at: createdAt,
        version: 1,
      })
      .execute();
  },

  async updateUnit(db: Db, jurisdictionId: string, u: Unit, expectedVersion: number) {
    const r = await db
      .updateTable('units')
      .set({
        parent_id: u.parentId,
        name: u.name,
        kind: u.kind,
        division_code: u.divisionCode,
        phone: u.phone,
        active: u.active ? 1 : 0,
        version: expectedVersion + 1,
      })
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('id', '=', u.id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  async upsertCategory(
    db: Db,
    jurisdictionId: string,
    c: Omit<Category, 'domainName' | 'version'>,
    sort: number,
  ) {
    await db
      .insertInto('categories')
      .values({
        jurisdiction_id: jurisdictionId,
        code: c.code,
        name: c.name,
        name_en: c.nameEn,
        kind: c.kind,
        domain: c.domain,
        description: c.description,
        fields: JSON.stringify(c.fields),
        keywords: c.keywords,
        open311_type: c.open311Type,
        active: c.active ? 1 : 0,
        sort,
        version: 1,
      })
      .onConflict((oc) =>
        oc.columns(['jurisdiction_id', 'code']).doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          name_en: eb.ref('excluded.name_en'),
          kind: eb.ref('excluded.kind'),
          domain: eb.ref('excluded.domain'),
          description: eb.ref('excluded.description'),
          fields: eb.ref('excluded.fields'),
          keywords: eb.ref('excluded.keywords'),
          open311_type: eb.ref('excluded.open311_type'),
          active: eb.ref('excluded.active'),
          version: eb('categories.version', '+', 1),
        })),
      )
      .execute();
  },

  async upsertTimeRule(db: Db, jurisdictionId: string, r: TimeRule) {
    await db
      .insertInto('time_rules')
      .values({
        jurisdiction_id: jurisdictionId,
        id: r.id,
        category_code: r.categoryCode,
        urgency: r.urgency,
        respond_hours: r.respondHours,
        close_days: r.closeDays,
        version: 1,
      })
      .onConflict((oc) =>
        oc.columns(['jurisdiction_id', 'id']).doUpdateSet((eb) => ({
          category_code: eb.ref('excluded.category_code'),
          urgency: eb.ref('excluded.urgency'),
          respond_hours: eb.ref('excluded.respond_hours'),
          close_days: eb.ref('excluded.close_days'),
          version: eb('time_rules.version', '+', 1),
        })),
      )
      .execute();
  },

  async upsertCalendarDay(db: Db, jurisdictionId: string, d: CalendarDay) {
    await db
      .insertInto('calendar_days')
      .values({
        jurisdiction_id: jurisdictionId,
        date: d.date,
        is_workday: d.isWorkday ? 1 : 0,
        name: d.name,
      })
      .onConflict((oc) =>
        oc.columns(['jurisdiction_id', 'date']).doUpdateSet((eb) => ({
          is_workday: eb.ref('excluded.is_workday'),
          name: eb.ref('excluded.name'),
        })),
      )
      .execute();
  },

  /** Replaces the days of a year (those dated in it) with the given ones. */
  async replaceCalendarYear(db: Db, jurisdictionId: string, year: number, days: CalendarDay[]) {
    await db
      .deleteFrom('calendar_days')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('date', '>=', `${year}-01-01`)
      .where('date', '<=', `${year}-12-31`)
      .execute();
    // A notice's first block may start in December of the year before (元旦): written over what is there.
    for (const d of days) await this.upsertCalendarDay(db, jurisdictionId, d);
  },

  async deleteCalendarDay(db: Db, jurisdictionId: string, date: string) {
    const r = await db
      .deleteFrom('calendar_days')
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('date', '=', date)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  },
};
