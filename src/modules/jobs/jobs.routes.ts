import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { requireAuth, requireRole } from '../../platform/guards.ts';
import { listAnswer, listOf } from '../../platform/lists.ts';
import { sendAnswer } from '../../platform/sendAnswer.ts';
import type { App } from '../../platform/types.ts';
import {
  actOnApplication,
  getApplication,
  listApplications,
  matchesForPosting,
  matchesForWorker,
  propose,
} from './jobs.applications.ts';
import { createEmployer, getEmployer, listEmployers, reviewEmployer } from './jobs.employers.ts';
import { jobsKpis } from './jobs.kpis.ts';
import { isNearbySearch, listStations, nearbyAnswer, searchPostings } from './jobs.map.ts';
import { OCCUPATIONS } from './jobs.occupations.ts';
import { actOnPosting, createPosting, getPosting, reconfirmByToken } from './jobs.postings.ts';
import {
  Application,
  ApplicationInput,
  Employer,
  EmployerInput,
  JobsKpis,
  ListApplicationsQuery,
  ListEmployersQuery,
  Match,
  Posting,
  PostingInput,
  PostingSearchAnswer,
  RegisterAtStation,
  RegisterSelf,
  ReviewEmployer,
  SearchPostingsQuery,
  Station,
  StationVisitInput,
  Worker,
} from './jobs.schema.ts';
import { runJobsSweep } from './jobs.sweep.ts';
import {
  getWorker,
  listWorkers,
  myWorker,
  recordVisit,
  registerAtStation,
  registerSelf,
} from './jobs.workers.ts';

const tags = ['jobs'];
const idParam = z.object({ id: z.string().min(1).max(64) });
const actionParams = z.object({ id: z.string().min(1).max(64), action: z.string().max(40) });
const page = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(100).optional(),
});

/** 荷塘大就业 (DESIGN §5 `/api/jobs/...`): employers, postings and the doorstep map, workers, applications. */
export async function jobsRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    '/api/jobs/occupations',
    { schema: { tags, response: { 200: listOf(z.object({ code: z.string(), name: z.string() })) } } },
    async () => listAnswer([...OCCUPATIONS]),
  );
  app.get('/api/jobs/stations', { schema: { tags, response: { 200: listOf(Station) } } }, async (req) =>
    listAnswer(await listStations(ctx, req.jurisdictionId)),
  );
  app.post(
    '/api/jobs/stations/:id/visits',
    {
      schema: {
        tags,
        params: idParam,
        body: StationVisitInput,
        response: { 201: z.object({ id: z.string() }) },
      },
    },
    async (req, reply) => {
      reply.status(201);
      return recordVisit(ctx, requireAuth(req), req.params.id, req.body);
    },
  );

  app.post(
    '/api/jobs/employers',
    { schema: { tags, body: EmployerInput, response: { 201: Employer } } },
    async (req, reply) => {
      reply.status(201);
      return createEmployer(ctx, requireAuth(req), req.body);
    },
  );
  app.get(
    '/api/jobs/employers',
    { schema: { tags, querystring: ListEmployersQuery, response: { 200: listOf(Employer) } } },
    async (req) => listEmployers(ctx, requireAuth(req), req.query),
  );
  app.get(
    '/api/jobs/employers/:id',
    { schema: { tags, params: idParam, response: { 200: Employer } } },
    async (req) => getEmployer(ctx, req.jurisdictionId, req.principal, req.params.id),
  );
  app.post(
    '/api/jobs/employers/:id/review',
    { schema: { tags, params: idParam, body: ReviewEmployer, response: { 200: Employer } } },
    async (req) => reviewEmployer(ctx, requireAuth(req), req.params.id, req.body.approve, req.body.note),
  );

  app.get(
    '/api/jobs/postings',
    { schema: { tags, querystring: SearchPostingsQuery, response: { 200: PostingSearchAnswer } } },
    async (req, reply) =>
      // The map is the same for every reader: its bytes are kept.
      isNearbySearch(req.query)
        ? (sendAnswer(req, reply, await nearbyAnswer(ctx, req.jurisdictionId, req.query)) as never)
        : searchPostings(ctx, req.jurisdictionId, req.principal, req.query),
  );
  app.post(
    '/api/jobs/postings',
    { schema: { tags, body: PostingInput, response: { 201: Posting } } },
    async (req, reply) => {
      reply.status(201);
      return createPosting(ctx, requireAuth(req), req.body);
    },
  );
  app.post(
    '/api/jobs/postings/reconfirm',
    {
      schema: {
        tags,
        body: z.object({ token: z.string().min(8).max(64) }).strict(),
        response: { 200: Posting },
      },
    },
    async (req) => reconfirmByToken(ctx, req.jurisdictionId, req.body.token),
  );
  app.get(
    '/api/jobs/postings/:id',
    { schema: { tags, params: idParam, response: { 200: Posting } } },
    async (req) => getPosting(ctx, req.jurisdictionId, req.principal, req.params.id),
  );
  app.post(
    '/api/jobs/postings/:id/actions/:action',
    { schema: { tags, params: actionParams, response: { 200: Posting } } },
    async (req) => actOnPosting(ctx, requireAuth(req), req.params.id, req.params.action, req.body),
  );
  app.get(
    '/api/jobs/postings/:id/matches',
    { schema: { tags, params: idParam, response: { 200: listOf(Match) } } },
    async (req) => matchesForPosting(ctx, requireAuth(req), req.params.id),
  );

  app.post(
    '/api/jobs/workers/me',
    { schema: { tags, body: RegisterSelf, response: { 201: Worker } } },
    async (req, reply) => {
      reply.status(201);
      return registerSelf(ctx, requireAuth(req), req.body);
    },
  );
  app.get('/api/jobs/workers/me', { schema: { tags, response: { 200: Worker } } }, async (req) =>
    myWorker(ctx, requireAuth(req)),
  );
  app.get(
    '/api/jobs/workers/me/matches',
    { schema: { tags, response: { 200: listOf(Match) } } },
    async (req) => matchesForWorker(ctx, requireAuth(req)),
  );
  app.post(
    '/api/jobs/workers',
    { schema: { tags, body: RegisterAtStation, response: { 201: Worker } } },
    async (req, reply) => {
      reply.status(201);
      return registerAtStation(ctx, requireAuth(req), req.body);
    },
  );
  app.get(
    '/api/jobs/workers',
    { schema: { tags, querystring: page, response: { 200: listOf(Worker) } } },
    async (req) => listWorkers(ctx, requireAuth(req), req.query),
  );
  app.get(
    '/api/jobs/workers/:id',
    { schema: { tags, params: idParam, response: { 200: Worker } } },
    async (req) => getWorker(ctx, requireAuth(req), req.params.id),
  );
  app.get(
    '/api/jobs/workers/:id/matches',
    { schema: { tags, params: idParam, response: { 200: listOf(Match) } } },
    async (req) => matchesForWorker(ctx, requireAuth(req), req.params.id),
  );

  app.post(
    '/api/jobs/applications',
    { schema: { tags, body: ApplicationInput, response: { 201: Application } } },
    async (req, reply) => {
      reply.status(201);
      return propose(ctx, requireAuth(req), req.body);
    },
  );
  app.get(
    '/api/jobs/applications',
    { schema: { tags, querystring: ListApplicationsQuery, response: { 200: listOf(Application) } } },
    async (req) => listApplications(ctx, requireAuth(req), req.query),
  );
  app.get(
    '/api/jobs/applications/:id',
    { schema: { tags, params: idParam, response: { 200: Application } } },
    async (req) => getApplication(ctx, requireAuth(req), req.params.id),
  );
  app.post(
    '/api/jobs/applications/:id/actions/:action',
    { schema: { tags, params: actionParams, response: { 200: Application } } },
    async (req) => actOnApplication(ctx, requireAuth(req), req.params.id, req.params.action, req.body),
  );

  app.get('/api/jobs/kpis', { schema: { tags, response: { 200: JobsKpis } } }, async (req) =>
    jobsKpis(ctx, requireAuth(req)),
  );
  app.post(
    '/api/jobs/sweep',
    {
      schema: {
        tags,
        body: z.object({}).strict().optional(),
        response: { 200: z.object({ expired: z.number(), reminded: z.number(), escalated: z.number() }) },
      },
    },
    async (req) => runJobsSweep(ctx, requireRole(req, 'admin', 'supervisor').jurisdictionId),
  );
}
