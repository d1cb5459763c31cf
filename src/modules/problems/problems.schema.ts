import { z } from 'zod';
import { KINDS } from '../reference/index.ts';
import { URGENCIES } from '../reference/index.ts';
import { ACTIONS, DELEGATION_STATES, RATINGS, STATUSES } from './problems.lifecycle.ts';

/** Where a problem came from. */
export const CHANNELS = [
  'visit',
  'forum',
  'hotline',
  'online',
  'resident',
  'enterprise',
  'open311',
  'operator',
  'import',
] as const;
export const CHANNEL_LABELS: Record<(typeof CHANNELS)[number], string> = {
  visit: '走访',
  forum: '座谈',
  hotline: '12345热线',
  online: '网络问政',
  resident: '群众反映',
  enterprise: '企业反映',
  open311: 'Open311',
  operator: '工作人员录入',
  import: '台账导入',
};
/** 整改类型: at once, by a deadline, long-term. */
export const RECTIFICATION_TYPES = ['immediate', 'deadline', 'long_term'] as const;
export const RECTIFICATION_LABELS: Record<(typeof RECTIFICATION_TYPES)[number], string> = {
  immediate: '立行立改',
  deadline: '限期整改',
  long_term: '长期坚持',
};

const id = z.string().min(1).max(64);
const text = (max: number) => z.string().trim().min(1).max(max);
const divisionCode = z.string().regex(/^\d{9}(\d{3})?$/, 'a 9-digit township or 12-digit village code');

/** POST /api/problems */
export const CreateProblem = z.object({
  kind: z.enum(KINDS).optional(),
  categoryCode: z.string().min(1).max(40),
  title: text(100),
  description: text(5000),
  villageCode: divisionCode,
  address: z.string().trim().max(200).optional(),
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
  channel: z.enum(CHANNELS).optional(),
  topicId: id.optional(),
  visitId: id.optional(),
  urgency: z.enum(URGENCIES).optional(),
  fields: z
    .record(z.string(), z.union([z.string().max(2000), z.number(), z.array(z.string().max(200)).max(50)]))
    .optional(),
  attachmentIds: z.array(id).max(9).optional(),
  reporter: z
    .object({
      name: z.string().trim().max(40).optional(),
      phone: z
        .string()
        .regex(/^1[3-9]\d{9}$/, 'reporter.phone: an 11-digit mobile number')
        .optional(),
    })
    .optional(),
  enterprise: z.object({ name: text(100), uscc: z.string().trim().max(18).optional() }).optional(),
  foundOn: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'foundOn: YYYY-MM-DD')
    .optional(),
});
export type CreateProblem = z.infer<typeof CreateProblem>;

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(values)));
const dateOrTime = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'a date (YYYY-MM-DD) or ISO date-time')
  .transform((s) => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00+08:00` : s))
  .transform((s) => new Date(s).toISOString());

/** The filters shared by the list, the export, the map and the statistics. */
/** A decimal number as coordinates are written (`27.86`, `-113`); `.` or `1.2.3` are not numbers. */
const DECIMAL = String.raw`-?\d{1,3}(?:\.\d{1,12})?`;
/** Whether a finite number lies within ±limit. */
const inRange = (x: number, limit: number) => Number.isFinite(x) && Math.abs(x) <= limit;

export const ProblemFilters = z.object({
  status: csv(STATUSES).optional(),
  kind: csv(KINDS).optional(),
  domain: z.string().max(200).optional(),
  category: z.string().max(400).optional(),
  channel: csv(CHANNELS).optional(),
  township: z
    .string()
    .regex(/^\d{9}$/, 'township: a 9-digit code')
    .optional(),
  village: z
    .string()
    .regex(/^\d{12}$/, 'village: a 12-digit code')
    .optional(),
  unit: id.optional(),
  campaign: id.optional(),
  topic: id.optional(),
  visit: id.optional(),
  q: z.string().trim().max(100).optional(),
  overdue: z.enum(['1', '0', 'true', 'false']).optional(),
  dueState: z.enum(['normal', 'due_soon', 'overdue']).optional(),
  from: dateOrTime.optional(),
  to: dateOrTime.optional(),
  updatedAfter: dateOrTime.optional(),
  updatedBefore: dateOrTime.optional(),
  bbox: z
    .string()
    .regex(new RegExp(`^${DECIMAL}(,${DECIMAL}){3}$`), 'bbox: minLng,minLat,maxLng,maxLat')
    .refine((v) => {
      const [minLng, minLat, maxLng, maxLat] = v.split(',').map(Number) as [number, number, number, number];
      return inRange(minLat, 90) && inRange(maxLat, 90) && inRange(minLng, 180) && inRange(maxLng, 180);
    }, 'bbox: 经纬度超出范围 / coordinates out of range')
    .optional(),
  near: z
    .string()
    .regex(new RegExp(`^${DECIMAL},${DECIMAL}$`), 'near: lat,lng')
    .refine((v) => {
      const [lat, lng] = v.split(',').map(Number) as [number, number];
      return inRange(lat, 90) && inRange(lng, 180);
    }, 'near: 经纬度超出范围 / coordinates out of range')
    .optional(),
  radius: z.coerce.number().positive().max(50_000).optional(),
  mine: z.enum(['1', 'true']).optional(),
  ids: z.string().max(10_000).optional(),
});
export type ProblemFilters = z.infer<typeof ProblemFilters>;

export const SORTS = [
  'createdAt',
  '-createdAt',
  'updatedAt',
  '-updatedAt',
  'closeDueAt',
  '-closeDueAt',
  'number',
  '-number',
] as const;
export const ListProblemsQuery = ProblemFilters.extend({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(20),
  sort: z
    .enum([...SORTS, 'relevance'])
    .optional()
    .describe('the order; by default the best match first when searching (`q`), else the newest first'),
  cursor: z
    .string()
    .max(400)
    .optional()
    .describe(
      "the previous page's nextCursor: the page right after it in the same order (no page number with it)",
    ),
});
export type ListProblemsQuery = z.infer<typeof ListProblemsQuery>;

/** Bodies of the actions, exactly as DESIGN §5 names them. */
export const ActionBodies = {
  resubmit: z.object({
    title: text(100).optional(),
    description: text(5000).optional(),
    note: z.string().max(2000).optional(),
  }),
  return: z.object({ reason: text(2000) }),
  reject: z.object({ reason: text(2000) }),
  dispatch: z.object({
    leadUnitId: id,
    supportingUnitIds: z.array(id).max(20).optional(),
    note: z.string().max(2000).optional(),
    rectificationType: z.enum(RECTIFICATION_TYPES).optional(),
    urgency: z.enum(URGENCIES).optional(),
  }),
  sign: z.object({ note: z.string().max(2000).optional() }),
  bounce: z.object({ reason: text(2000) }),
  progress: z.object({ note: text(5000), attachments: z.array(id).max(9).optional() }),
  request_extension: z.object({
    until: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'until: a date or date-time'),
    reason: text(2000),
  }),
  decide_extension: z.object({
    approve: z.boolean(),
    until: z
      .string()
      .refine((s) => !Number.isNaN(Date.parse(s)), 'until: a date or date-time')
      .optional(),
    note: z.string().max(2000).optional(),
  }),
  request_closure: z.object({
    summary: text(5000),
    indicators: z
      .array(
        z.object({
          code: z.string().min(1).max(40),
          value: z.number().min(0).max(1e13),
          /** The unit confirms a value outside the indicator's usual range (it is flagged to the supervisor). */
          confirmed: z.boolean().optional(),
        }),
      )
      .max(20)
      .default([]),
    mechanism: z.string().trim().max(2000).optional(),
    attachments: z.array(id).max(9).optional(),
  }),
  send_back: z.object({ reason: text(2000) }),
  verify: z.object({ note: z.string().max(2000).optional() }),
  rate: z.object({ rating: z.enum(RATINGS), comment: z.string().max(2000).optional() }),
  reopen: z.object({ reason: text(2000) }),
  merge: z.object({ intoId: id }),
  press: z.object({ note: text(2000) }),
  reassign: z.object({
    leadUnitId: id,
    supportingUnitIds: z.array(id).max(20).optional(),
    reason: text(2000),
  }),
  recategorize: z.object({ categoryCode: z.string().min(1).max(40), reason: text(2000) }),
  change_deadline: z.object({
    until: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'until: a date or date-time'),
    reason: text(2000),
  }),
  delegate: z.object({
    unitId: id,
    until: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'until: a date or date-time'),
    note: z.string().max(2000).optional(),
  }),
  redelegate: z.object({
    unitId: id,
    until: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'until: a date or date-time'),
    reason: text(2000),
  }),
  delegate_sign: z.object({ note: z.string().max(2000).optional() }),
  delegate_report: z.object({ summary: text(5000), attachments: z.array(id).max(9).optional() }),
  delegate_send_back: z.object({ reason: text(2000) }),
  delegate_accept: z.object({ note: z.string().max(2000).optional() }),
} satisfies Record<(typeof ACTIONS)[number], z.ZodType>;

/** The parsed body of an action, as its handler receives it. */
export type ActionBody<A extends (typeof ACTIONS)[number]> = z.infer<(typeof ActionBodies)[A]>;

/** A reference to a unit, with its name. */
export const UnitRef = z.object({ id: z.string(), name: z.string() });

/** A problem as the API returns it. */
export const Problem = z.object({
  id: z.string(),
  number: z.string(),
  kind: z.string(),
  domain: z.string(),
  domainName: z.string(),
  categoryCode: z.string(),
  categoryName: z.string(),
  channel: z.string(),
  title: z.string(),
  description: z.string(),
  status: z.enum(STATUSES),
  statusLabel: z.string(),
  dueState: z.string(),
  urgency: z.string(),
  rectificationType: z.string().nullable(),
  reporter: z.object({ name: z.string().nullable(), phone: z.string().nullable() }).nullable(),
  enterprise: z.object({ name: z.string(), uscc: z.string().nullable() }).nullable(),
  townshipCode: z.string().nullable(),
  townshipName: z.string().nullable(),
  villageCode: z.string().nullable(),
  villageName: z.string().nullable(),
  address: z.string().nullable(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  campaignId: z.string().nullable(),
  topicId: z.string().nullable(),
  visitId: z.string().nullable(),
  leadUnit: UnitRef.nullable(),
  supportingUnits: z.array(UnitRef),
  /** 二次交办: the village the lead township passed the problem to, where its part stands, its deadline. */
  delegation: z
    .object({
      unit: UnitRef,
      state: z.enum(DELEGATION_STATES),
      stateLabel: z.string(),
      dueAt: z.string().nullable(),
      /** Whether the deadline scan found the village's own deadline passed before it reported back. */
      dueState: z.enum(['normal', 'overdue']),
    })
    .nullable(),
  respondDueAt: z.string().nullable(),
  closeDueAt: z.string().nullable(),
  dispatchedAt: z.string().nullable(),
  respondedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  resolved: z.boolean(),
  rating: z.string().nullable(),
  mergedIntoId: z.string().nullable(),
  pendingExtension: z.object({ until: z.string(), reason: z.string() }).nullable(),
  pressCount: z.number(),
  reopenCount: z.number(),
  bounceCount: z.number(),
  fields: z.record(z.string(), z.unknown()),
  foundOn: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type Problem = z.infer<typeof Problem>;

/** A marker on the map of problems. */
export const MapPoint = z.object({
  id: z.string(),
  number: z.string(),
  title: z.string(),
  lat: z.number(),
  lng: z.number(),
  status: z.string(),
});

export const Action = z.object({
  id: z.string(),
  seq: z.number(),
  action: z.string(),
  label: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string(),
  actor: z.object({
    id: z.string().nullable(),
    name: z.string(),
    unitId: z.string().nullable(),
    unitName: z.string().nullable(),
  }),
  note: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  public: z.boolean(),
  createdAt: z.string(),
});
export type Action = z.infer<typeof Action>;

export const ResultIndicatorValue = z.object({
  code: z.string(),
  name: z.string(),
  unit: z.string(),
  value: z.number(),
});
export const Result = z.object({
  summary: z.string(),
  mechanism: z.string().nullable(),
  indicators: z.array(ResultIndicatorValue),
  createdAt: z.string(),
});
export type Result = z.infer<typeof Result>;

export const AttachmentRef = z.object({
  id: z.string(),
  name: z.string(),
  mime: z.string(),
  size: z.number(),
  url: z.string(),
  kind: z.string(),
  /** The log entry that brought the file (a progress report, a closure request), if any. */
  actionId: z.string().nullable(),
});
export type AttachmentRef = z.infer<typeof AttachmentRef>;

/** A merge candidate: the problem and how alike it is (problemMatcher.ts: text, distance, age; metres apart). */
export const SimilarProblem = Problem.extend({
  similarity: z.object({ score: z.number(), distanceM: z.number().nullable() }),
});

export const ProblemDetail = Problem.extend({
  actions: z.array(Action),
  result: Result.nullable(),
  attachments: z.array(AttachmentRef),
  allowedActions: z.array(z.string()),
  mergedProblems: z.array(
    z.object({ id: z.string(), number: z.string(), title: z.string(), status: z.string() }),
  ),
});
export type ProblemDetail = z.infer<typeof ProblemDetail>;

/** GET /api/problems/suggest: a report being taken or triaged. */
export const SuggestQuery = z.object({
  text: text(5000),
  lat: z.coerce.number().min(-90).max(90).optional(),
  lng: z.coerce.number().min(-180).max(180).optional(),
  categoryCode: z.string().min(1).max(40).optional(),
  villageCode: divisionCode.optional(),
  excludeId: id.optional(),
});

/** The units suggested to lead and the open problems that may be the same. */
export const Suggestion = z.object({
  units: z.array(
    z.object({ unitId: z.string(), name: z.string(), score: z.number(), reasons: z.array(z.string()) }),
  ),
  similar: z.array(
    z.object({
      id: z.string(),
      number: z.string(),
      title: z.string(),
      status: z.string(),
      categoryCode: z.string(),
      distanceM: z.number().nullable(),
      score: z.number(),
    }),
  ),
});
