import { z } from 'zod';

export const Campaign = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  startsOn: z.string(),
  endsOn: z.string().nullable(),
});
export type Campaign = z.infer<typeof Campaign>;
/** What the big screen (数据大屏) shows: the place, the campaign and the figures it headlines. */
export const ScreenSettings = z.object({
  place: z.string(),
  campaign: Campaign.nullable(),
  figures: z.array(z.string()),
});
export type ScreenSettings = z.infer<typeof ScreenSettings>;
export const CampaignInput = z.object({
  name: z.string().trim().min(2).max(100),
  description: z.string().max(2000).default(''),
  startsOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'startsOn: YYYY-MM-DD'),
  endsOn: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'endsOn: YYYY-MM-DD')
    .nullable()
    .default(null),
});

export const Topic = z.object({
  id: z.string(),
  campaignId: z.string(),
  title: z.string(),
  domain: z.string(),
  leadOfficialId: z.string().nullable(),
  leadOfficialName: z.string(),
  team: z.array(z.string()),
  report: z.string(),
  problemCount: z.number().optional(),
  resolvedCount: z.number().optional(),
  visitCount: z.number().optional(),
});
export type Topic = z.infer<typeof Topic>;
export const TopicInput = z.object({
  campaignId: z.string().min(1),
  title: z.string().trim().min(2).max(200),
  domain: z.string().min(1),
  leadOfficialId: z.string().nullable().default(null),
  leadOfficialName: z.string().trim().min(1).max(40),
  team: z.array(z.string().max(40)).max(30).default([]),
  report: z.string().max(20000).default(''),
});

export const Visit = z.object({
  id: z.string(),
  topicId: z.string(),
  visitedAt: z.string(),
  villageCode: z.string().nullable(),
  villageName: z.string().nullable(),
  place: z.string(),
  enterpriseName: z.string().nullable(),
  enterpriseUscc: z.string().nullable(),
  participants: z.string(),
  notes: z.string(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  createdAt: z.string(),
  problemCount: z.number().optional(),
});
export type Visit = z.infer<typeof Visit>;
export const VisitInput = z.object({
  topicId: z.string().min(1),
  visitedAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'visitedAt: a date-time'),
  villageCode: z
    .string()
    .regex(/^\d{9}(\d{3})?$/, 'villageCode: 9 or 12 digits')
    .optional(),
  place: z.string().trim().min(1).max(200),
  enterpriseName: z.string().trim().max(100).optional(),
  enterpriseUscc: z.string().trim().max(18).optional(),
  participants: z.string().max(500).default(''),
  notes: z.string().max(10000).default(''),
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
  attachmentIds: z.array(z.string()).max(9).optional(),
});
export type VisitInput = z.infer<typeof VisitInput>;
