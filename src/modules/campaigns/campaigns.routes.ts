import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { requireAuth, requireRole } from '../../platform/guards.ts';
import type { App } from '../../platform/types.ts';
import { listAnswer, listOf } from '../../platform/lists.ts';
import {
  Campaign,
  CampaignInput,
  ScreenSettings,
  Topic,
  TopicInput,
  Visit,
  VisitInput,
} from './campaigns.schema.ts';
import {
  createCampaign,
  createTopic,
  createVisit,
  getVisit,
  listCampaigns,
  listTopics,
  listVisits,
  screenSettings,
} from './campaigns.service.ts';

const tags = ['campaigns'];

/** Campaigns (活动), topics (调研课题) and visits (走访). */
export async function campaignsRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get('/api/campaigns', { schema: { tags, response: { 200: listOf(Campaign) } } }, async (req) =>
    listAnswer(await listCampaigns(ctx, req.jurisdictionId)),
  );
  app.get('/api/screen', { schema: { tags, response: { 200: ScreenSettings } } }, async (req) =>
    screenSettings(ctx, req.jurisdictionId),
  );
  app.post('/api/campaigns', { schema: { tags, body: CampaignInput } }, async (req, reply) => {
    const p = requireRole(req, 'supervisor', 'admin');
    reply.status(201);
    return createCampaign(ctx, p, req.body);
  });
  app.get(
    '/api/topics',
    {
      schema: {
        tags,
        querystring: z.object({ campaign: z.string().optional(), mine: z.string().optional() }),
        response: { 200: listOf(Topic) },
      },
    },
    async (req) =>
      listAnswer(
        await listTopics(ctx, req.principal, req.jurisdictionId, {
          campaignId: req.query.campaign,
          mine: !!req.query.mine,
        }),
      ),
  );
  app.post('/api/topics', { schema: { tags, body: TopicInput } }, async (req, reply) => {
    const p = requireRole(req, 'supervisor', 'admin');
    reply.status(201);
    return createTopic(ctx, p, req.body);
  });
  app.get(
    '/api/visits',
    {
      schema: {
        tags,
        querystring: z.object({ topic: z.string().optional() }),
        response: { 200: listOf(Visit) },
      },
    },
    async (req) =>
      listAnswer(
        await listVisits(ctx, requireRole(req, 'official', 'supervisor', 'leader', 'admin'), req.query.topic),
      ),
  );
  app.get('/api/visits/:id', { schema: { tags, params: z.object({ id: z.string() }) } }, async (req) =>
    getVisit(ctx, requireAuth(req), req.params.id),
  );
  app.post('/api/visits', { schema: { tags, body: VisitInput } }, async (req, reply) => {
    const p = requireAuth(req);
    reply.status(201);
    return createVisit(ctx, p, req.body);
  });
}
