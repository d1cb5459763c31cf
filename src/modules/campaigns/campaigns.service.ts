import type { Selectable } from 'kysely';
import type { TopicTable, VisitTable } from '../../db/schema.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { hasRole, type Principal } from '../../kernel/roles.ts';
import { validateUscc } from '../../kernel/identifiers.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, forbidden, notFound } from '../../platform/errors.ts';
import { linkAttachments } from '../attachments/index.ts';
import type { ReferenceData } from '../reference/index.ts';
import type { Campaign, ScreenSettings, Topic, Visit, VisitInput } from './campaigns.schema.ts';
import { canReadVisit, seesAllVisits } from './campaigns.policy.ts';
import { campaignsRepository } from './campaigns.repository.ts';
import type { z } from 'zod';
import type { CampaignInput, TopicInput } from './campaigns.schema.ts';

/** Maps a topic row. */
export function topicFromRow(
  r: Selectable<TopicTable> & {
    problem_count?: number | null;
    resolved_count?: number | null;
    visit_count?: number | null;
  },
): Topic {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    title: r.title,
    domain: r.domain,
    leadOfficialId: r.lead_official_id,
    leadOfficialName: r.lead_official_name,
    team: JSON.parse(r.team) as string[],
    report: r.report,
    problemCount: r.problem_count === undefined ? undefined : Number(r.problem_count ?? 0),
    resolvedCount: r.resolved_count === undefined ? undefined : Number(r.resolved_count ?? 0),
    visitCount: r.visit_count === undefined ? undefined : Number(r.visit_count ?? 0),
  };
}

/** Maps a visit row. */
export function visitFromRow(
  r: Selectable<VisitTable> & { problem_count?: number | null },
  ref: ReferenceData,
): Visit {
  return {
    id: r.id,
    topicId: r.topic_id,
    visitedAt: r.visited_at,
    villageCode: r.village_code,
    villageName: ref.divisionName(r.village_code),
    place: r.place,
    enterpriseName: r.enterprise_name,
    enterpriseUscc: r.enterprise_uscc,
    participants: r.participants,
    notes: r.notes,
    lat: r.lat,
    lng: r.lng,
    createdAt: r.created_at,
    problemCount: r.problem_count === undefined ? undefined : Number(r.problem_count ?? 0),
  };
}

/** All campaigns. */
export async function listCampaigns(ctx: AppContext, jid: string): Promise<Campaign[]> {
  const rows = await campaignsRepository.campaigns(ctx.db, jid);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
  }));
}

/**
 * What the big screen shows, from the configuration and the data (never from names written into the
 * page): the configured campaign, else the one running today, else the newest.
 */
export async function screenSettings(ctx: AppContext, jid: string): Promise<ScreenSettings> {
  const campaigns = await listCampaigns(ctx, jid); // newest first
  const today = ctx.clock.now().toISOString().slice(0, 10);
  const running = (c: Campaign) => c.startsOn <= today && (c.endsOn === null || c.endsOn >= today);
  const campaign =
    campaigns.find((c) => c.id === ctx.config.screenCampaignId) ??
    campaigns.find(running) ??
    campaigns[0] ??
    null;
  return {
    place: ctx.jurisdictions.find((j) => j.id === jid)?.name ?? '',
    campaign,
    figures: ctx.config.screenFigures,
  };
}

/** Creates a campaign (supervisor or admin). */
export async function createCampaign(
  ctx: AppContext,
  p: Principal,
  input: z.infer<typeof CampaignInput>,
): Promise<Campaign> {
  const row = {
    jurisdiction_id: p.jurisdictionId,
    id: uuidv7(),
    name: input.name,
    description: input.description,
    starts_on: input.startsOn,
    ends_on: input.endsOn,
    created_at: ctx.clock.now().toISOString(),
  };
  await campaignsRepository.insertCampaign(ctx.db, row);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
  };
}

/** Topics, with counts; `mine` limits them to the official's own. */
export async function listTopics(
  ctx: AppContext,
  p: Principal | null,
  jid: string,
  f: { campaignId?: string; mine?: boolean },
): Promise<Topic[]> {
  const rows = await campaignsRepository.topics(ctx.db, jid, {
    campaignId: f.campaignId,
    leadOfficialId: f.mine ? (p?.userId ?? '-') : undefined,
  });
  return rows.map(topicFromRow);
}

/** Creates a topic with its lead official. */
export async function createTopic(
  ctx: AppContext,
  p: Principal,
  input: z.infer<typeof TopicInput>,
): Promise<Topic> {
  const ref = await ctx.reference.get(p.jurisdictionId);
  if (!(await campaignsRepository.campaign(ctx.db, p.jurisdictionId, input.campaignId)))
    throw badRequest('campaignId: unknown campaign', [{ path: 'campaignId', message: 'unknown campaign' }]);
  if (!ref.domains.has(input.domain))
    throw badRequest('domain: unknown domain', [{ path: 'domain', message: 'unknown domain' }]);
  const row = {
    jurisdiction_id: p.jurisdictionId,
    id: uuidv7(),
    campaign_id: input.campaignId,
    title: input.title,
    domain: input.domain,
    lead_official_id: input.leadOfficialId,
    lead_official_name: input.leadOfficialName,
    team: JSON.stringify(input.team),
    report: input.report,
    created_at: ctx.clock.now().toISOString(),
  };
  await campaignsRepository.insertTopic(ctx.db, row);
  return topicFromRow(row);
}

/** Visits of a topic (or all, for staff). */
export async function listVisits(
  ctx: AppContext,
  p: Principal,
  topicId: string | undefined,
): Promise<Visit[]> {
  const ref = await ctx.reference.get(p.jurisdictionId);
  const rows = await campaignsRepository.visits(
    ctx.db,
    p.jurisdictionId,
    topicId,
    500,
    seesAllVisits(p) ? null : p.userId,
  );
  return rows.map((r) => visitFromRow(r, ref));
}

/** Logs a field visit (走访): the topic's lead official, a team member, or a supervisor. */
export async function createVisit(ctx: AppContext, p: Principal, input: VisitInput): Promise<Visit> {
  const jid = p.jurisdictionId;
  const ref = await ctx.reference.get(jid);
  const topic = await campaignsRepository.topic(ctx.db, jid, input.topicId);
  if (!topic) throw badRequest('topicId: unknown topic', [{ path: 'topicId', message: 'unknown topic' }]);
  if (
    !hasRole(p, 'supervisor', 'admin') &&
    !(hasRole(p, 'official') && topic.lead_official_id === p.userId)
  ) {
    throw forbidden('只有领题领导或督查室可以登记走访 / only the topic lead or a supervisor may log visits');
  }
  const errors: { path: string; message: string }[] = [];
  if (input.villageCode && !ref.divisions.has(input.villageCode))
    errors.push({ path: 'villageCode', message: 'unknown division code' });
  if (input.enterpriseUscc && !validateUscc(input.enterpriseUscc).valid)
    errors.push({ path: 'enterpriseUscc', message: validateUscc(input.enterpriseUscc).message ?? 'invalid' });
  if ((input.lat === undefined) !== (input.lng === undefined))
    errors.push({ path: 'lat', message: 'lat and lng go together' });
  if (errors.length) throw badRequest(errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  const row = {
    jurisdiction_id: jid,
    id: uuidv7(),
    topic_id: input.topicId,
    visited_at: new Date(input.visitedAt).toISOString(),
    village_code: input.villageCode ?? null,
    place: input.place,
    enterprise_name: input.enterpriseName ?? null,
    enterprise_uscc: input.enterpriseUscc ?? null,
    participants: input.participants,
    notes: input.notes,
    lat: input.lat ?? null,
    lng: input.lng ?? null,
    created_by: p.userId,
    created_at: ctx.clock.now().toISOString(),
  };
  await ctx.db.transaction().execute(async (trx) => {
    await campaignsRepository.insertVisit(trx, row);
    if (input.attachmentIds?.length)
      await linkAttachments(ctx, trx, p, input.attachmentIds, { visitId: row.id });
  });
  return visitFromRow(row, ref);
}

/** One visit. */
export async function getVisit(ctx: AppContext, p: Principal, id: string): Promise<Visit> {
  const ref = await ctx.reference.get(p.jurisdictionId);
  const row = await campaignsRepository.visit(ctx.db, p.jurisdictionId, id);
  // Outside the caller's work a visit does not exist for him (404, as problems), so ids do not leak.
  const topic = row ? await campaignsRepository.topic(ctx.db, p.jurisdictionId, row.topic_id) : undefined;
  if (!row || !canReadVisit(p, row, topic)) throw notFound('visit');
  return visitFromRow(row, ref);
}
