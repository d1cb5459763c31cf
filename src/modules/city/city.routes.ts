import type { AppContext } from '../../platform/context.ts';
import { requireAuth } from '../../platform/guards.ts';
import type { App } from '../../platform/types.ts';
import { CityQuery, CityView } from './city.schema.ts';
import { cityView } from './city.service.ts';

const tags = ['city'];

/** The city's view of its districts (市级督查). */
export async function cityRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    '/api/city/districts',
    { schema: { tags, querystring: CityQuery, response: { 200: CityView } } },
    async (req) => cityView(ctx, requireAuth(req), req.query),
  );
}
