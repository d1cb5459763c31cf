import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { requireAuth, requireRole } from '../../platform/guards.ts';
import { sendAnswer } from '../../platform/sendAnswer.ts';
import type { App } from '../../platform/types.ts';
import { hsdsServicesPage } from './directory.hsds.ts';
import {
  ListPlacesQuery,
  Place,
  PlaceInput,
  PlacesAnswer,
  Provider,
  ProviderInput,
  Worker,
  WorkerInput,
} from './directory.schema.ts';
import {
  addWorker,
  createPlace,
  createProvider,
  getPlace,
  listPlaces,
  listProviders,
  listWorkers,
  placesAnswer,
} from './directory.service.ts';

const tags = ['directory'];
const idParam = z.object({ id: z.string().min(1).max(64) });

/** The service directory's API; places, providers and the HSDS export are public. */
export async function directoryRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    '/api/directory/providers',
    { schema: { tags, response: { 200: z.object({ items: z.array(Provider) }) } } },
    async (req) => ({
      items: await listProviders(ctx, req.jurisdictionId),
    }),
  );
  app.post(
    '/api/directory/providers',
    { schema: { tags, body: ProviderInput, response: { 201: Provider } } },
    async (req, reply) => {
      reply.status(201);
      return createProvider(ctx, requireAuth(req), req.body);
    },
  );
  app.get(
    '/api/directory/providers/:id/workers',
    { schema: { tags, params: idParam, response: { 200: z.object({ items: z.array(Worker) }) } } },
    async (req) => {
      const p = requireRole(req, 'admin', 'supervisor', 'unit_handler');
      return { items: await listWorkers(ctx, p.jurisdictionId, req.params.id) };
    },
  );
  app.post(
    '/api/directory/providers/:id/workers',
    { schema: { tags, params: idParam, body: WorkerInput, response: { 201: Worker } } },
    async (req, reply) => {
      reply.status(201);
      return addWorker(ctx, requireAuth(req), req.params.id, req.body);
    },
  );
  app.get(
    '/api/directory/places',
    {
      schema: { tags, querystring: ListPlacesQuery, response: { 200: PlacesAnswer } },
    },
    // The same for every reader: its bytes are kept (placesAnswer).
    async (req, reply) =>
      sendAnswer(req, reply, await placesAnswer(ctx, req.jurisdictionId, req.query)) as never,
  );
  app.get(
    '/api/directory/places/:id',
    { schema: { tags, params: idParam, response: { 200: Place } } },
    async (req) => getPlace(ctx, req.jurisdictionId, req.params.id),
  );
  app.post(
    '/api/directory/places',
    { schema: { tags, body: PlaceInput, response: { 201: Place } } },
    async (req, reply) => {
      reply.status(201);
      return createPlace(ctx, requireAuth(req), req.body);
    },
  );
  app.get('/api/directory/hsds', { schema: { tags } }, async (req) => {
    const jid = req.jurisdictionId;
    const ref = await ctx.reference.get(jid);
    const name = ctx.jurisdictions.find((j) => j.id === jid)?.name ?? jid;
    const places = await listPlaces(ctx, jid, { radius: 5000, limit: 200 });
    return hsdsServicesPage(await listProviders(ctx, jid), places, ref, name, ctx.clock.now().toISOString());
  });
}
