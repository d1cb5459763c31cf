import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { requireAuth } from '../../platform/guards.ts';
import { listAnswer, listOf } from '../../platform/lists.ts';
import type { App } from '../../platform/types.ts';
import { ProblemDetail } from '../problems/index.ts';
import {
  Call,
  CallsQuery,
  FollowUpCall,
  FollowUpCallInput,
  FollowUpItem,
  FollowUpQuery,
  PlaceCandidate,
  PlaceQuery,
  TakeCall,
  TakenCall,
} from './hotline.schema.ts';
import { callsFrom, followUpQueue, placeOf, recordFollowUp, takeCall } from './hotline.service.ts';

const tags = ['hotline'];

/** The 12345 centre: call intake, the caller's history, addresses in words, the follow-up queue. */
export async function hotlineRoutes(app: App, ctx: AppContext): Promise<void> {
  app.post(
    '/api/hotline/calls',
    { schema: { tags, body: TakeCall, response: { 201: TakenCall } } },
    async (req, reply) => {
      const taken = await takeCall(ctx, requireAuth(req), req.body);
      reply.status(201);
      return taken;
    },
  );
  app.get(
    '/api/hotline/calls',
    { schema: { tags, querystring: CallsQuery, response: { 200: listOf(Call) } } },
    async (req) => callsFrom(ctx, requireAuth(req), req.query.phone, req.query.limit),
  );
  app.get(
    '/api/hotline/place',
    { schema: { tags, querystring: PlaceQuery, response: { 200: listOf(PlaceCandidate) } } },
    async (req) => listAnswer(await placeOf(ctx, requireAuth(req), req.query.address)),
  );
  app.get(
    '/api/hotline/follow-ups',
    { schema: { tags, querystring: FollowUpQuery, response: { 200: listOf(FollowUpItem) } } },
    async (req) => followUpQueue(ctx, requireAuth(req), req.query.page, req.query.pageSize),
  );
  app.post(
    '/api/hotline/follow-ups/:id/calls',
    {
      schema: {
        tags,
        params: z.object({ id: z.string().min(1).max(64) }),
        body: FollowUpCallInput,
        response: { 201: z.object({ call: FollowUpCall, problem: ProblemDetail }) },
      },
    },
    async (req, reply) => {
      const r = await recordFollowUp(ctx, requireAuth(req), req.params.id, req.body);
      reply.status(201);
      return r;
    },
  );
}
