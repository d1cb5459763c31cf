import { z } from 'zod';
import { ProblemFilters, Result } from '../problems/index.ts';
import { listOf } from '../../platform/lists.ts';

export const GROUP_BY = [
  'domain',
  'kind',
  'channel',
  'township',
  'unit',
  'topic',
  'month',
  'category',
  'official',
] as const;
/** The groupings the rollup keeps (by official is by topic, added up per official). */
export const ROLLUP_GROUP_BY = GROUP_BY.filter((g) => g !== 'official');
export const SummaryQuery = ProblemFilters.extend({ groupBy: z.enum(GROUP_BY).optional() });
export type SummaryQuery = z.infer<typeof SummaryQuery>;

/** The KPIs of a set of problems (definitions: docs/kpi-definitions.md). */
export const Kpis = z.object({
  /** Problems received, a merged group counted once. */
  received: z.number(),
  /** Problems merged into another (counted in nothing else). */
  merged: z.number(),
  accepted: z.number(),
  resolved: z.number(),
  closed: z.number(),
  rated: z.number(),
  /** 重复诉求: reports repeating an earlier one. */
  repeated: z.number(),
  /** Problems reopened (重办) at least once. */
  reopened: z.number(),
  /** 督办: how many times the problems were pressed. */
  presses: z.number(),
  /** Problems overdue now (as the deadline scan marked them). */
  overdue: z.number(),
  responseRate: z.number().nullable(),
  onTimeRate: z.number().nullable(),
  resolutionRate: z.number().nullable(),
  satisfactionRate: z.number().nullable(),
  bounceRate: z.number().nullable(),
  repeatRate: z.number().nullable(),
  reopenRate: z.number().nullable(),
  avgHoursToClose: z.number().nullable(),
  medianHoursToClose: z.number().nullable().optional(),
  indicators: z.array(z.object({ code: z.string(), name: z.string(), unit: z.string(), value: z.number() })),
});
export type Kpis = z.infer<typeof Kpis>;

export const Summary = z.object({
  totals: Kpis,
  groupBy: z.string().nullable(),
  groups: z.array(Kpis.extend({ key: z.string().nullable(), label: z.string() })),
});
export type Summary = z.infer<typeof Summary>;

export const ResultsQuery = z.object({
  q: z.string().trim().max(100).optional(),
  domain: z.string().max(100).optional(),
  township: z
    .string()
    .regex(/^\d{9}$/)
    .optional(),
  campaign: z.string().max(64).optional(),
  category: z.string().max(100).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

/** A closed problem on the public results list (成效清单): personal numbers masked. */
export const PublicResult = z.object({
  id: z.string(),
  number: z.string(),
  title: z.string(),
  description: z.string(),
  kind: z.string(),
  domain: z.string(),
  domainName: z.string(),
  categoryName: z.string(),
  townshipName: z.string().nullable(),
  villageName: z.string().nullable(),
  leadUnit: z.string().nullable(),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
  rating: z.string().nullable(),
  result: Result.nullable(),
});
/** The public results list: a page of results. */
export const PublicResults = listOf(PublicResult).extend({ page: z.number(), pageSize: z.number() });

/** One public step on the big screen's live feed. */
export const RecentAction = z.object({
  id: z.string(),
  action: z.string(),
  problemId: z.string(),
  number: z.string(),
  title: z.string(),
  toStatus: z.string(),
  townshipName: z.string().nullable(),
  unitName: z.string().nullable(),
  createdAt: z.string(),
});
