import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { listAnswer, listOf } from '../../platform/lists.ts';
import { requireAuth } from '../../platform/guards.ts';
import type { App } from '../../platform/types.ts';
import {
  addDish,
  addSample,
  getCanteen,
  listCanteens,
  listDishes,
  listSamples,
  mealsServed,
  menusFor,
  openMensaJson,
  openMensaXml,
  setMenu,
} from './canteen.menu.ts';
import {
  Canteen,
  CanteenDay,
  CanteenMeal,
  CardInput,
  CheckinInput,
  DayMenu,
  Dish,
  DishInput,
  FeedQuery,
  ListCanteensQuery,
  MenuInput,
  MenuQuery,
  Sample,
  SampleInput,
  ServedToday,
} from './canteen.schema.ts';
import { sittingOf } from './canteen.rules.ts';
import { MyMeal, myMeals } from './canteen.mine.ts';
import { checkIn, dayAct, getDay, issueCard, listMeals, mealAct, sendPhoneCode } from './canteen.service.ts';

const tags = ['canteen'];
const id = z.string().min(1).max(64);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const byId = z.object({ id });

/** The public canteen (DESIGN §5 `/api/canteens`): public menus and feeds, the counter, the day's close, 留样. */
export async function canteenRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    '/api/canteens',
    { schema: { tags, querystring: ListCanteensQuery, response: { 200: listOf(Canteen) } } },
    async (req) => listAnswer(await listCanteens(ctx, req.jurisdictionId, req.query)),
  );
  app.get(
    '/api/canteens/served',
    { schema: { tags, querystring: z.object({ date: date.optional() }), response: { 200: ServedToday } } },
    async (req) => mealsServed(ctx, req.jurisdictionId, req.query.date),
  );
  app.get(
    '/api/canteens/my-meals',
    {
      schema: {
        tags,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(30) }),
        response: { 200: z.object({ items: z.array(MyMeal) }) },
      },
    },
    async (req) => ({ items: await myMeals(ctx, requireAuth(req), req.query.limit) }),
  );
  app.get('/api/canteens/:id', { schema: { tags, params: byId, response: { 200: Canteen } } }, async (req) =>
    getCanteen(ctx, req.jurisdictionId, req.params.id),
  );
  app.get(
    '/api/canteens/:id/menu',
    { schema: { tags, params: byId, querystring: MenuQuery, response: { 200: DayMenu } } },
    async (req) => (await menusFor(ctx, req.jurisdictionId, req.params.id, req.query.date, 1))[0]!,
  );
  app.put(
    '/api/canteens/:id/menu',
    { schema: { tags, params: byId, body: MenuInput, response: { 200: DayMenu } } },
    async (req) => setMenu(ctx, requireAuth(req), req.params.id, req.body),
  );
  app.get(
    '/api/canteens/:id/dishes',
    { schema: { tags, params: byId, response: { 200: listOf(Dish) } } },
    async (req) => listAnswer(await listDishes(ctx, req.jurisdictionId, req.params.id)),
  );
  app.post(
    '/api/canteens/:id/dishes',
    { schema: { tags, params: byId, body: DishInput, response: { 201: Dish } } },
    async (req, reply) => {
      const d = await addDish(ctx, requireAuth(req), req.params.id, req.body);
      reply.status(201);
      return d;
    },
  );
  const feed = async (jid: string, placeId: string, q: z.infer<typeof FeedQuery>) => {
    const from = q.from ?? sittingOf(ctx.clock.now()).date;
    return {
      place: await getCanteen(ctx, jid, placeId),
      days: await menusFor(ctx, jid, placeId, from, q.days),
    };
  };
  app.get(
    '/api/canteens/:id/feed.json',
    { schema: { tags, params: byId, querystring: FeedQuery } },
    async (req) => {
      const f = await feed(req.jurisdictionId, req.params.id, req.query);
      return {
        canteen: { id: f.place.id, name: f.place.name, address: f.place.address },
        days: openMensaJson(f.days),
      };
    },
  );
  app.get(
    '/api/canteens/:id/feed.xml',
    { schema: { tags, params: byId, querystring: FeedQuery } },
    async (req, reply) => {
      const f = await feed(req.jurisdictionId, req.params.id, req.query);
      reply.type('application/xml; charset=utf-8');
      return openMensaXml(f.place, f.days);
    },
  );
  app.post(
    '/api/canteens/:id/codes',
    {
      schema: {
        tags,
        params: byId,
        body: z.object({ phone: z.string().regex(/^1[3-9]\d{9}$/) }).strict(),
        response: { 200: z.object({ sent: z.boolean() }) },
      },
    },
    async (req) => sendPhoneCode(ctx, requireAuth(req), req.params.id, req.body.phone),
  );
  app.post(
    '/api/canteens/:id/cards',
    { schema: { tags, params: byId, body: CardInput, response: { 201: CardInput } } },
    async (req, reply) => {
      const c = await issueCard(ctx, requireAuth(req), req.params.id, req.body.cardNo, req.body.personId);
      reply.status(201);
      return c;
    },
  );
  app.get(
    '/api/canteens/:id/checkins',
    {
      schema: {
        tags,
        params: byId,
        querystring: z.object({
          date: date.optional(),
          page: z.coerce.number().int().min(1).max(10_000).default(1),
          pageSize: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: listOf(CanteenMeal) },
      },
    },
    async (req) => listMeals(ctx, requireAuth(req), req.params.id, req.query),
  );
  app.post(
    '/api/canteens/:id/checkins',
    { schema: { tags, params: byId, body: CheckinInput, response: { 201: CanteenMeal } } },
    async (req, reply) => {
      const m = await checkIn(ctx, requireAuth(req), req.params.id, req.body);
      reply.status(201);
      return m;
    },
  );
  app.post(
    '/api/canteens/:id/checkins/:mealId/actions/:action',
    {
      schema: {
        tags,
        params: z.object({ id, mealId: id, action: z.string().max(40) }),
        response: { 200: CanteenMeal },
      },
    },
    async (req) =>
      mealAct(ctx, requireAuth(req), req.params.id, req.params.mealId, req.params.action, req.body),
  );
  app.get(
    '/api/canteens/:id/days/:date',
    { schema: { tags, params: z.object({ id, date }), response: { 200: CanteenDay } } },
    async (req) => getDay(ctx, requireAuth(req), req.params.id, req.params.date),
  );
  app.post(
    '/api/canteens/:id/days/:date/actions/:action',
    {
      schema: {
        tags,
        params: z.object({ id, date, action: z.string().max(40) }),
        response: { 200: CanteenDay },
      },
    },
    async (req) => dayAct(ctx, requireAuth(req), req.params.id, req.params.date, req.params.action, req.body),
  );
  app.get(
    '/api/canteens/:id/samples',
    {
      schema: {
        tags,
        params: byId,
        querystring: z.object({ date: date.optional() }),
        response: { 200: listOf(Sample) },
      },
    },
    async (req) =>
      listAnswer(
        await listSamples(
          ctx,
          requireAuth(req),
          req.params.id,
          req.query.date ?? sittingOf(ctx.clock.now()).date,
        ),
      ),
  );
  app.post(
    '/api/canteens/:id/samples',
    { schema: { tags, params: byId, body: SampleInput, response: { 201: Sample } } },
    async (req, reply) => {
      const s = await addSample(ctx, requireAuth(req), req.params.id, req.body);
      reply.status(201);
      return s;
    },
  );
}
