import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { requireAuth } from '../../platform/guards.ts';
import type { App } from '../../platform/types.ts';
import {
  AccessLogEntry,
  Consent,
  ConsentInput,
  Contact,
  ContactInput,
  CreatePerson,
  ListPersonsQuery,
  PersonDetail,
  PersonSummary,
  StatsQuery,
  UpdatePerson,
} from './registry.schema.ts';
import {
  accessLog,
  addConsent,
  addContact,
  createPerson,
  getPerson,
  listPersons,
  registryStats,
  updatePerson,
  withdrawConsent,
} from './registry.service.ts';

const tags = ['registry'];
const idParam = z.object({ id: z.string().min(1).max(64) });

/** The registry API: persons, contacts, consents, the access log and statistics. */
export async function registryRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    '/api/registry/persons',
    {
      schema: {
        tags,
        querystring: ListPersonsQuery,
        response: { 200: z.object({ items: z.array(PersonSummary), total: z.number() }) },
      },
    },
    async (req) => listPersons(ctx, requireAuth(req), req.query),
  );
  app.post(
    '/api/registry/persons',
    { schema: { tags, body: CreatePerson, response: { 201: PersonDetail } } },
    async (req, reply) => {
      const person = await createPerson(ctx, requireAuth(req), req.body);
      reply.status(201);
      return person;
    },
  );
  app.get(
    '/api/registry/persons/:id',
    {
      schema: {
        tags,
        params: idParam,
        querystring: z.object({
          purpose: z.string().max(100).default('查阅 / view'),
          reveal: z.enum(['0', '1']).default('0'),
        }),
        response: { 200: PersonDetail },
      },
    },
    async (req) =>
      getPerson(ctx, requireAuth(req), req.params.id, req.query.purpose, req.query.reveal === '1'),
  );
  app.patch(
    '/api/registry/persons/:id',
    { schema: { tags, params: idParam, body: UpdatePerson, response: { 200: PersonDetail } } },
    async (req) => updatePerson(ctx, requireAuth(req), req.params.id, req.body),
  );
  app.post(
    '/api/registry/persons/:id/contacts',
    { schema: { tags, params: idParam, body: ContactInput, response: { 201: Contact } } },
    async (req, reply) => {
      reply.status(201);
      return addContact(ctx, requireAuth(req), req.params.id, req.body);
    },
  );
  app.post(
    '/api/registry/persons/:id/consents',
    { schema: { tags, params: idParam, body: ConsentInput, response: { 201: Consent } } },
    async (req, reply) => {
      reply.status(201);
      return addConsent(ctx, requireAuth(req), req.params.id, req.body);
    },
  );
  app.post(
    '/api/registry/consents/:id/withdraw',
    {
      schema: {
        tags,
        params: idParam,
        body: z.object({ reason: z.string().min(1).max(200) }).strict(),
        response: { 200: Consent },
      },
    },
    async (req) => withdrawConsent(ctx, requireAuth(req), req.params.id, req.body.reason),
  );
  app.get(
    '/api/registry/access-log',
    {
      schema: {
        tags,
        querystring: z.object({ personId: z.string().max(64).optional() }),
        response: { 200: z.object({ items: z.array(AccessLogEntry) }) },
      },
    },
    async (req) => ({ items: await accessLog(ctx, requireAuth(req), req.query.personId) }),
  );
  app.get('/api/registry/stats', { schema: { tags, querystring: StatsQuery } }, async (req) =>
    registryStats(ctx, requireAuth(req), req.query.groupBy),
  );
}
