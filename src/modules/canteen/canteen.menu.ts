/**
 * What the canteen shows the public: canteens near a resident, the day's menu with diet tags and
 * allergens and the price for each diner category, an OpenMensa-style feed (JSON and the feed-v2 XML),
 * and the meals served today; and what its staff keep: dishes, menus and 留样 samples.
 */
import type { Selectable } from 'kysely';
import { create } from 'xmlbuilder2';
import type { CanteenDishTable } from '../../db/schema.residents.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest } from '../../platform/errors.ts';
import { listPlaces } from '../directory/index.ts';
import { canteenRepository as repo } from './canteen.repository.ts';
import { MEAL_CODES, MEALS, priceTable, SAMPLE_RULES, sittingOf, type Meal } from './canteen.rules.ts';
import type { Canteen, DayMenu, Dish, DishInput, MenuInput, SampleInput } from './canteen.schema.ts';
import { canteenPlace, relationsTo } from './canteen.service.ts';
import { forbidden } from '../../platform/errors.ts';

/** Maps a dish row. */
function dishFromRow(r: Selectable<CanteenDishTable>): Dish {
  return {
    id: r.id,
    name: r.name,
    course: r.course,
    dietTags: JSON.parse(r.diet_tags) as string[],
    allergens: JSON.parse(r.allergens) as string[],
  };
}

/** The price tables of the sittings. */
function prices() {
  return MEAL_CODES.map((meal) => ({ meal, label: MEALS[meal], lines: priceTable(meal) }));
}

/** Canteens, nearest first when a position is given. */
export async function listCanteens(
  ctx: AppContext,
  jid: string,
  q: { lat?: number; lng?: number; radius: number },
): Promise<Canteen[]> {
  const places = await listPlaces(ctx, jid, {
    kind: 'canteen',
    lat: q.lat,
    lng: q.lng,
    radius: q.radius,
    limit: 200,
  });
  return places.map((pl) => ({ ...pl, prices: prices(), sampleRules: { ...SAMPLE_RULES } }));
}

/** One canteen with its prices and sample rules. */
export async function getCanteen(ctx: AppContext, jid: string, id: string): Promise<Canteen> {
  return { ...(await canteenPlace(ctx, jid, id)), prices: prices(), sampleRules: { ...SAMPLE_RULES } };
}

/** 403 unless the principal works this canteen or supervises. */
async function requireStaff(ctx: AppContext, p: Principal, placeId: string) {
  const place = await canteenPlace(ctx, p.jurisdictionId, placeId);
  const rel = await relationsTo(ctx.db, p, place);
  if (!rel.has('counter') && !rel.has('supervisor'))
    throw forbidden('仅本食堂工作人员或督查人员可操作 / canteen staff only');
  return place;
}

/** Adds a dish to a canteen's catalogue. */
export async function addDish(
  ctx: AppContext,
  p: Principal,
  placeId: string,
  input: DishInput,
): Promise<Dish> {
  await requireStaff(ctx, p, placeId);
  const row: CanteenDishTable = {
    jurisdiction_id: p.jurisdictionId,
    id: uuidv7(),
    place_id: placeId,
    name: input.name,
    course: input.course,
    diet_tags: JSON.stringify(input.dietTags),
    allergens: JSON.stringify(input.allergens),
    active: 1,
    created_at: ctx.clock.now().toISOString(),
  };
  await ctx.database.write((trx) => repo.insertDish(trx, row));
  return dishFromRow(row);
}

/** A canteen's dishes. */
export async function listDishes(ctx: AppContext, jid: string, placeId: string): Promise<Dish[]> {
  await canteenPlace(ctx, jid, placeId);
  return (await repo.dishes(ctx.db, jid, placeId)).map(dishFromRow);
}

/** Sets the dishes of a sitting (every dish must be the canteen's own). */
export async function setMenu(
  ctx: AppContext,
  p: Principal,
  placeId: string,
  input: MenuInput,
): Promise<DayMenu> {
  await requireStaff(ctx, p, placeId);
  const known = new Set((await repo.dishes(ctx.db, p.jurisdictionId, placeId)).map((d) => d.id));
  const unknown = input.dishIds.filter((id) => !known.has(id));
  if (unknown.length)
    throw badRequest(`不是本食堂的菜品：${unknown.join(', ')} / unknown dishes`, [
      { path: 'dishIds', message: 'unknown dish' },
    ]);
  await ctx.database.write((trx) =>
    repo.upsertMenu(
      trx,
      p.jurisdictionId,
      placeId,
      input.date,
      input.meal,
      [...new Set(input.dishIds)],
      p.userId,
      ctx.clock.now().toISOString(),
    ),
  );
  return (await menusFor(ctx, p.jurisdictionId, placeId, input.date, 1))[0]!;
}

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The menus of `days` days from `from`, every sitting with its dishes and prices. */
export async function menusFor(
  ctx: AppContext,
  jid: string,
  placeId: string,
  from: string,
  days: number,
): Promise<DayMenu[]> {
  const place = await canteenPlace(ctx, jid, placeId);
  const to = addDays(from, days - 1);
  const dishes = new Map((await repo.dishes(ctx.db, jid, placeId)).map((d) => [d.id, dishFromRow(d)]));
  const rows = await repo.menus(ctx.db, jid, placeId, from, to);
  const out: DayMenu[] = [];
  for (let i = 0; i < days; i++) {
    const date = addDays(from, i);
    const meals = MEAL_CODES.flatMap((meal) => {
      const r = rows.find((x) => x.date === date && x.meal === meal);
      if (!r) return [];
      const list = (JSON.parse(r.dish_ids) as string[]).flatMap((id) =>
        dishes.has(id) ? [dishes.get(id)!] : [],
      );
      return [{ meal, label: MEALS[meal], dishes: list, prices: priceTable(meal) }];
    });
    out.push({ canteenId: place.id, canteenName: place.name, date, meals });
  }
  return out;
}

/** The feed in OpenMensa's JSON shape: days with meals, each with a category, notes and prices in yuan. */
export function openMensaJson(days: DayMenu[]) {
  return days.map((d) => ({
    date: d.date,
    closed: d.meals.length === 0,
    meals: d.meals.flatMap((m) =>
      m.dishes.map((dish) => ({
        name: dish.name,
        category: `${m.label}·${dish.course}`,
        notes: [...dish.dietTags, ...dish.allergens.map((a) => `含${a}`)],
        prices: Object.fromEntries(m.prices.map((p) => [p.category, p.copayFen / 100])),
      })),
    ),
  }));
}

/**
 * The feed as OpenMensa feed v2 XML (openmensa version 2.1): a day per date (or `<closed/>`), a category
 * per sitting and course, a meal per dish with its tags and allergens as notes. OpenMensa's price roles
 * are fixed (student, employee, pupil, other); the sitting's full price goes under `other`, and the
 * subsidised prices per diner category are in the JSON feed.
 */
export function openMensaXml(
  place: {
    name: string;
    address: string | null;
    phone: string | null;
    lat: number | null;
    lng: number | null;
  },
  days: DayMenu[],
): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('openmensa', {
    version: '2.1',
    xmlns: 'http://openmensa.org/open-mensa-v2',
    'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
    'xsi:schemaLocation': 'http://openmensa.org/open-mensa-v2 http://openmensa.org/open-mensa-v2.xsd',
  });
  root.ele('version').txt('1.0');
  const canteen = root.ele('canteen');
  canteen.ele('name').txt(place.name);
  if (place.address) canteen.ele('address').txt(place.address);
  canteen.ele('city').txt('株洲市');
  if (place.phone) canteen.ele('phone').txt(place.phone);
  if (place.lat !== null && place.lng !== null)
    canteen.ele('location', { latitude: String(place.lat), longitude: String(place.lng) });
  for (const d of days) {
    const day = canteen.ele('day', { date: d.date });
    if (d.meals.length === 0) {
      day.ele('closed');
      continue;
    }
    for (const m of d.meals) {
      const courses = [...new Set(m.dishes.map((x) => x.course))];
      for (const course of courses) {
        const cat = day.ele('category', { name: `${m.label}·${course}` });
        for (const dish of m.dishes.filter((x) => x.course === course)) {
          const meal = cat.ele('meal');
          meal.ele('name').txt(dish.name);
          for (const n of [...dish.dietTags, ...dish.allergens.map((a) => `含${a}`)]) meal.ele('note').txt(n);
          const base = m.prices[0]?.baseFen ?? 0;
          meal.ele('price', { role: 'other' }).txt((base / 100).toFixed(2));
        }
      }
    }
  }
  return root.end({ prettyPrint: true });
}

/** Records a 留样 sample: at least the configured grams of a dish on the sitting's menu, kept the configured hours. */
export async function addSample(ctx: AppContext, p: Principal, placeId: string, input: SampleInput) {
  await requireStaff(ctx, p, placeId);
  const jid = p.jurisdictionId;
  const date = input.date ?? sittingOf(ctx.clock.now()).date;
  if (input.grams < SAMPLE_RULES.minGrams)
    throw badRequest(`留样不少于 ${SAMPLE_RULES.minGrams} 克 / at least ${SAMPLE_RULES.minGrams} g`, [
      { path: 'grams', message: `min ${SAMPLE_RULES.minGrams}` },
    ]);
  const menu = (await repo.menus(ctx.db, jid, placeId, date, date)).find((m) => m.meal === input.meal);
  if (!menu || !(JSON.parse(menu.dish_ids) as string[]).includes(input.dishId))
    throw badRequest('该菜品不在本餐菜单上 / the dish is not on this sitting’s menu', [
      { path: 'dishId', message: 'not on the menu' },
    ]);
  const now = ctx.clock.now();
  const row = {
    jurisdiction_id: jid,
    id: uuidv7(),
    place_id: placeId,
    date,
    meal: input.meal,
    dish_id: input.dishId,
    grams: input.grams,
    kept_until: new Date(now.getTime() + SAMPLE_RULES.keepHours * 3_600_000).toISOString(),
    taken_by: p.displayName,
    created_at: now.toISOString(),
  };
  await ctx.database.write((trx) => repo.insertSample(trx, row));
  return (await listSamples(ctx, p, placeId, date)).find((s) => s.id === row.id)!;
}

/** The samples of a day. */
export async function listSamples(ctx: AppContext, p: Principal, placeId: string, date: string) {
  await requireStaff(ctx, p, placeId);
  const names = new Map((await repo.dishes(ctx.db, p.jurisdictionId, placeId)).map((d) => [d.id, d.name]));
  return (await repo.samples(ctx.db, p.jurisdictionId, placeId, date)).map((s) => ({
    id: s.id,
    date: s.date,
    meal: s.meal,
    dishId: s.dish_id,
    dishName: names.get(s.dish_id) ?? '',
    grams: Number(s.grams),
    keptUntil: s.kept_until,
    takenBy: s.taken_by,
    createdAt: s.created_at,
  }));
}

/** Meals served on a day (today by default) at every canteen, and the last day that had any. */
export async function mealsServed(ctx: AppContext, jid: string, date?: string) {
  const day = date ?? sittingOf(ctx.clock.now()).date;
  const canteens = await listPlaces(ctx, jid, { kind: 'canteen', radius: 5000, limit: 200 });
  const count = async (d: string) => {
    const rows = await repo.dayTotals(ctx.db, jid, d);
    return canteens.map((c) => {
      const of = (meal: Meal) => Number(rows.find((r) => r.place_id === c.id && r.meal === meal)?.n ?? 0);
      return {
        id: c.id,
        name: c.name,
        lunch: of('lunch'),
        supper: of('supper'),
        total: of('lunch') + of('supper'),
      };
    });
  };
  const today = await count(day);
  const total = today.reduce((s, c) => s + c.total, 0);
  const latestDate = total > 0 ? day : await repo.latestDay(ctx.db, jid, day);
  const latestTotal =
    total > 0 || !latestDate ? total : (await count(latestDate)).reduce((s, c) => s + c.total, 0);
  return { date: day, total, canteens: today, latestDate, latestTotal };
}
