import { z } from 'zod';
import { listOf } from '../../platform/lists.ts';
import { APPLICATION_STATUSES, POSTING_STATUSES } from './jobs.lifecycle.ts';
import { OCCUPATION_CODES } from './jobs.occupations.ts';
import { JOB_KIND_CODES, WAGE_UNIT_CODES } from './jobs.wages.ts';

const id = z.string().min(1).max(64);
const phone = z.string().regex(/^1[3-9]\d{9}$/, 'an 11-digit mobile number');
const villageCode = z.string().regex(/^\d{12}$/, 'a 12-digit village code');
const lat = z.coerce.number().min(-90).max(90);
const lng = z.coerce.number().min(-180).max(180);
const instant = z.string().datetime({ offset: true });

/** The priority groups of employment assistance (就业援助), kept only under a consent. */
export const PRIORITY_GROUPS = ['大龄', '就业困难', '残疾', '脱贫'] as const;

export const EmployerInput = z
  .object({
    name: z.string().trim().min(2).max(100),
    uscc: z.string().min(1).max(30),
    contactName: z.string().trim().min(1).max(30),
    contactPhone: phone,
    villageCode,
    address: z.string().max(200).optional(),
  })
  .strict();
export type EmployerInput = z.infer<typeof EmployerInput>;

export const Employer = z.object({
  id: z.string(),
  name: z.string(),
  uscc: z.string(),
  contactName: z.string(),
  contactPhone: z.string(),
  villageCode: z.string(),
  address: z.string().nullable(),
  status: z.string(),
  statusLabel: z.string(),
  reviewNote: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  mine: z.boolean(),
});
export type Employer = z.infer<typeof Employer>;

export const ReviewEmployer = z
  .object({ approve: z.boolean(), note: z.string().max(200).optional() })
  .strict();

export const ListEmployersQuery = z.object({
  status: z.enum(['pending', 'verified', 'rejected']).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const PostingInput = z
  .object({
    employerId: id,
    title: z.string().trim().min(2).max(60),
    description: z.string().trim().min(5).max(2000),
    kind: z.enum(JOB_KIND_CODES),
    occupationCode: z.enum(OCCUPATION_CODES),
    headcount: z.number().int().min(1).max(500),
    wageFen: z.number().int().min(1).max(100_000_000),
    wageUnit: z.enum(WAGE_UNIT_CODES),
    piecesPerHour: z.number().positive().max(10_000).optional(),
    villageCode,
    address: z.string().max(200).optional(),
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    stationId: id.optional(),
    validFrom: instant,
    validThrough: instant,
    /** Send to review at once (station staff's 即时快招 publishes at once). */
    submit: z.boolean().default(false),
  })
  .strict();
export type PostingInput = z.infer<typeof PostingInput>;

export const PostingActionBodies = {
  submit: z.object({}).strict(),
  approve: z.object({ note: z.string().max(200).optional() }).strict(),
  reject: z.object({ reason: z.string().min(1).max(200) }).strict(),
  reconfirm: z.object({}).strict(),
  fill: z.object({}).strict(),
  expire: z.object({}).strict(),
  withdraw: z.object({ reason: z.string().max(200).optional() }).strict(),
  take_down: z.object({ reason: z.string().min(1).max(200) }).strict(),
} as const;

const logEntry = z.object({
  seq: z.number(),
  action: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  actorName: z.string(),
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const Posting = z.object({
  id: z.string(),
  employerId: z.string(),
  employerName: z.string(),
  title: z.string(),
  description: z.string(),
  kind: z.string(),
  kindLabel: z.string(),
  occupationCode: z.string(),
  occupationName: z.string(),
  headcount: z.number(),
  filled: z.number(),
  wageFen: z.number(),
  wageUnit: z.string(),
  wageLabel: z.string(),
  villageCode: z.string(),
  villageName: z.string().nullable(),
  address: z.string().nullable(),
  lat: z.number(),
  lng: z.number(),
  stationId: z.string().nullable(),
  validFrom: z.string(),
  validThrough: z.string(),
  reconfirmDueAt: z.string().nullable(),
  status: z.string(),
  statusLabel: z.string(),
  expired: z.boolean(),
  applicable: z.boolean(),
  postedVia: z.string(),
  datePosted: z.string().nullable(),
  distanceM: z.number().optional(),
  allowedActions: z.array(z.string()),
  jsonLd: z.record(z.string(), z.unknown()).optional(),
  actions: z.array(logEntry).optional(),
});
export type Posting = z.infer<typeof Posting>;

export const SearchPostingsQuery = z.object({
  lat: lat.optional(),
  lng: lng.optional(),
  radius: z.coerce.number().int().min(100).max(30_000).default(3000),
  kind: z.enum(JOB_KIND_CODES).optional(),
  occupation: z.enum(OCCUPATION_CODES).optional(),
  /** Staff and employers: other states than open (comma list). */
  status: z.string().max(100).optional(),
  /** `1`: the caller's own employers' postings. */
  mine: z.enum(['0', '1']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(100).optional(),
});
export type SearchPostingsQuery = z.infer<typeof SearchPostingsQuery>;

export const UncoveredVillage = z.object({
  code: z.string(),
  name: z.string(),
  lat: z.number(),
  lng: z.number(),
  /** Metres to the nearest station, or null when there is none. */
  nearestM: z.number().nullable(),
});

/**
 * A posting as the doorstep map and its list show it: what a reader needs to choose one, and where it is.
 * The posting itself (its description, state, actions and JobPosting) is one tap away at
 * `/api/jobs/postings/{id}`.
 */
export const MapPosting = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.string(),
  kindLabel: z.string(),
  occupationCode: z.string(),
  occupationName: z.string(),
  wageFen: z.number(),
  wageUnit: z.string(),
  wageLabel: z.string(),
  employerName: z.string(),
  villageCode: z.string(),
  villageName: z.string().nullable(),
  lat: z.number(),
  lng: z.number(),
  validThrough: z.string(),
  /** Metres from the point asked about, rounded. */
  distanceM: z.number(),
});
export type MapPosting = z.infer<typeof MapPosting>;

/** Map postings when a point is asked about (open ones, nearest first), else whole postings (a list by status). */
export const PostingSearchAnswer = listOf(z.union([MapPosting, Posting])).extend({
  /** Villages within the search radius with no open posting and no station within 1.5 km. */
  uncoveredVillages: z.array(UncoveredVillage),
});

const availability = z
  .object({
    days: z.array(z.number().int().min(1).max(7)).max(7).default([1, 2, 3, 4, 5, 6, 7]),
    kinds: z.array(z.enum(JOB_KIND_CODES)).min(1).max(4).default(['gig_day', 'part_time']),
  })
  .strict();

const consent = z
  .object({
    grantedBy: z.string().min(1).max(30),
    lawfulBasis: z.enum(['separate_consent', 'consent']).default('separate_consent'),
    expiresAt: instant.optional(),
  })
  .strict();

const workerProfile = {
  villageCode,
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
  occupations: z.array(z.enum(OCCUPATION_CODES)).max(10).default([]),
  skills: z.array(z.string().trim().min(1).max(30)).max(20).default([]),
  availability: availability.default({ days: [1, 2, 3, 4, 5, 6, 7], kinds: ['gig_day', 'part_time'] }),
  radiusM: z.number().int().min(500).max(50_000).default(5000),
  minDailyFen: z.number().int().min(0).max(10_000_000).default(0),
  hasSmartphone: z.boolean().default(true),
  priorityGroups: z.array(z.enum(PRIORITY_GROUPS)).max(4).default([]),
  /** The worker's consent to keep his priority groups (PIPL: 残疾 is health data). */
  consent: consent.optional(),
};

/** A resident signed in by phone code registers himself. */
export const RegisterSelf = z.object({ name: z.string().trim().min(1).max(30), ...workerProfile }).strict();
export type RegisterSelf = z.infer<typeof RegisterSelf>;

/** Station staff register a worker from the ID card on the station's reader. */
export const RegisterAtStation = z
  .object({ stationId: id, phone: phone.optional(), ...workerProfile })
  .strict();
export type RegisterAtStation = z.infer<typeof RegisterAtStation>;

export const Worker = z.object({
  id: z.string(),
  personId: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  idNumber: z.string().nullable(),
  villageCode: z.string(),
  villageName: z.string().nullable(),
  occupations: z.array(z.object({ code: z.string(), name: z.string() })),
  skills: z.array(z.string()),
  availability: z.object({ days: z.array(z.number()), kinds: z.array(z.string()) }),
  radiusM: z.number(),
  minDailyFen: z.number(),
  hasSmartphone: z.boolean(),
  /** Shown to the worker and to supervisors only; null to others. */
  priorityGroups: z.array(z.string()).nullable(),
  registeredVia: z.string(),
  stationId: z.string().nullable(),
  registeredAt: z.string(),
});
export type Worker = z.infer<typeof Worker>;

export const ScorePartSchema = z.object({
  factor: z.string(),
  points: z.number(),
  max: z.number(),
  reason: z.string(),
});

export const Match = z.object({
  score: z.number(),
  distanceM: z.number().nullable(),
  explanation: z.array(ScorePartSchema),
  posting: Posting.optional(),
  worker: Worker.optional(),
});

export const ApplicationInput = z
  .object({
    postingId: id,
    /** Employers and station staff invite a worker; a worker applying leaves it out. */
    workerId: id.optional(),
  })
  .strict();

const hoursAmount = z
  .object({
    hours: z.number().positive().max(744),
    amountFen: z.number().int().min(0).max(100_000_000),
  })
  .strict();

export const ApplicationActionBodies = {
  contact: z.object({ note: z.string().max(200).optional() }).strict(),
  accept: z.object({}).strict(),
  decline: z.object({ reason: z.string().max(200).optional() }).strict(),
  check_in: z
    .object({ lat: z.number().min(-90).max(90).optional(), lng: z.number().min(-180).max(180).optional() })
    .strict(),
  no_show: z.object({}).strict(),
  complete: hoursAmount,
  confirm_wage: hoursAmount,
  confirm_paid: z.object({}).strict(),
  dispute: z.object({ reason: z.string().min(2).max(500) }).strict(),
  resolve: hoursAmount.extend({ note: z.string().min(1).max(500) }).strict(),
  escalate_unpaid: z.object({}).strict(),
} as const;

export const Application = z.object({
  id: z.string(),
  postingId: z.string(),
  postingTitle: z.string(),
  employerName: z.string(),
  workerId: z.string(),
  workerName: z.string(),
  workerPhone: z.string().nullable(),
  status: z.string(),
  statusLabel: z.string(),
  proposedBy: z.string(),
  score: z.number(),
  explanation: z.array(ScorePartSchema),
  workerHours: z.number().nullable(),
  workerAmountFen: z.number().nullable(),
  employerHours: z.number().nullable(),
  employerAmountFen: z.number().nullable(),
  wageAgreed: z.boolean(),
  payDueAt: z.string().nullable(),
  paidAt: z.string().nullable(),
  problemId: z.string().nullable(),
  allowedActions: z.array(z.string()),
  actions: z.array(logEntry).optional(),
});
export type Application = z.infer<typeof Application>;

export const ListApplicationsQuery = z.object({
  status: z.enum(APPLICATION_STATUSES).optional(),
  postingId: id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(100).optional(),
});
export type ListApplicationsQuery = z.infer<typeof ListApplicationsQuery>;

export const Station = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string(),
  townshipCode: z.string(),
  villageCode: z.string(),
  villageName: z.string().nullable(),
  address: z.string().nullable(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  phone: z.string().nullable(),
  capacity: z.number().nullable(),
  hours: z.array(z.record(z.string(), z.unknown())),
  openNow: z.boolean(),
  nextOpening: z.string().nullable(),
});

export const StationVisitInput = z
  .object({ workerId: id.optional(), purpose: z.string().min(1).max(100) })
  .strict();

export const PostingStatusEnum = z.enum(POSTING_STATUSES);

/** GET /api/jobs/kpis: the jobs figures of the dashboard and the screen, counted from the records. */
export const JobsKpis = z.object({
  workers: z.object({
    registered: z.number(),
    atStations: z.number(),
    byPriorityGroup: z.array(
      z.object({ group: z.string(), count: z.number().nullable(), suppressed: z.boolean() }),
    ),
  }),
  employers: z.object({ registered: z.number(), verified: z.number() }),
  postings: z.object({
    byStatus: z.record(z.string(), z.number()),
    open: z.number(),
    openPositions: z.number(),
    fillRate: z.number().nullable(),
    expiryRate: z.number().nullable(),
  }),
  matches: z.number(),
  /** Workers on site or past it: what adds to the campaign's 新增就业. */
  placements: z.number(),
  medianHoursToFirstMatch: z.number().nullable(),
  wages: z.object({
    completed: z.number(),
    confirmedPaid: z.number(),
    paidFen: z.number(),
    unpaidRaised: z.number(),
  }),
  disputes: z.object({
    total: z.number(),
    resolved: z.number(),
    medianDaysToResolve: z.number().nullable(),
  }),
  stationVisits: z.object({
    total: z.number(),
    byStation: z.array(z.object({ stationId: z.string(), visits: z.number() })),
  }),
});
