/** Request and response schemas of the 12345 hotline centre (issue 22). */
import { z } from 'zod';
import { URGENCIES } from '../reference/index.ts';
import { ProblemDetail, RATINGS } from '../problems/index.ts';

const id = z.string().min(1).max(64);
const text = (max: number) => z.string().trim().min(1).max(max);
/** A mainland mobile number, or a landline with its area code (0731-22334455). */
export const CALLER_PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;
const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO date-time');

/** POST /api/hotline/calls: a call taken into a problem (工单). */
export const TakeCall = z.object({
  caller: z.object({
    phone: z
      .string()
      .trim()
      .regex(CALLER_PHONE, 'caller.phone: 手机号或带区号的固定电话 / a mobile or landline'),
    name: z.string().trim().max(40).optional(),
  }),
  callbackConsent: z.boolean(),
  calledAt: isoTime.optional(),
  cityOrderNumber: z
    .string()
    .trim()
    .regex(
      /^[A-Za-z0-9-]{4,40}$/,
      'cityOrderNumber: 市12345平台工单编号 / the city platform work-order number',
    )
    .optional(),
  addressSaid: text(200),
  villageCode: z.string().regex(/^\d{9}(\d{3})?$/, 'a 9-digit township or 12-digit village code'),
  categoryCode: z.string().min(1).max(40),
  urgency: z.enum(URGENCIES).optional(),
  title: text(100),
  description: text(5000),
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
  fields: z
    .record(z.string(), z.union([z.string().max(2000), z.number(), z.array(z.string().max(200)).max(50)]))
    .optional(),
});
export type TakeCall = z.infer<typeof TakeCall>;

/** A call as the API returns it; the caller's number masked for those who need not see it. */
export const Call = z.object({
  id: z.string(),
  problemId: z.string(),
  problemNumber: z.string(),
  problemTitle: z.string(),
  problemStatus: z.string(),
  callerPhone: z.string(),
  callerName: z.string().nullable(),
  callbackConsent: z.boolean(),
  calledAt: z.string(),
  cityOrderNumber: z.string().nullable(),
  addressSaid: z.string(),
});
export type Call = z.infer<typeof Call>;

/** The answer to a call taken: the problem made and the call's record. */
export const TakenCall = z.object({ problem: ProblemDetail, call: Call });

/** GET /api/hotline/calls: the earlier calls from one number. */
export const CallsQuery = z.object({
  phone: z.string().trim().regex(CALLER_PHONE, 'phone: 手机号或固定电话 / a mobile or landline'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** GET /api/hotline/place: the readings of an address said on the phone. */
export const PlaceQuery = z.object({ address: text(200) });
export const PlaceCandidate = z.object({
  townshipCode: z.string(),
  townshipName: z.string(),
  villageCode: z.string().nullable(),
  villageName: z.string().nullable(),
  matched: z.array(z.string()),
  score: z.number(),
});

/** Outcomes of a follow-up call. */
export const FOLLOW_UP_OUTCOMES = ['reached', 'no_answer', 'declined'] as const;
export const FOLLOW_UP_LABELS: Record<(typeof FOLLOW_UP_OUTCOMES)[number], string> = {
  reached: '已接通',
  no_answer: '未接通',
  declined: '拒绝回访',
};

/** POST /api/hotline/follow-ups/:id/calls: one follow-up call (回访) made. */
export const FollowUpCallInput = z
  .object({
    outcome: z.enum(FOLLOW_UP_OUTCOMES),
    rating: z.enum(RATINGS).optional(),
    note: z.string().trim().max(2000).optional(),
  })
  .refine((b) => b.outcome !== 'reached' || b.rating !== undefined, {
    path: ['rating'],
    message: '接通后须记录评价 / a reached call records the rating',
  })
  .refine((b) => b.outcome === 'reached' || b.rating === undefined, {
    path: ['rating'],
    message: '未接通不能记录评价 / only a reached call records a rating',
  });
export type FollowUpCallInput = z.infer<typeof FollowUpCallInput>;

/** A closed problem waiting for its follow-up call. */
export const FollowUpItem = z.object({
  problemId: z.string(),
  number: z.string(),
  title: z.string(),
  channel: z.string(),
  closedAt: z.string().nullable(),
  reporterName: z.string().nullable(),
  reporterPhone: z.string(),
  leadUnitName: z.string().nullable(),
  attempts: z.number(),
  lastOutcome: z.string().nullable(),
  lastCalledAt: z.string().nullable(),
});
export type FollowUpItem = z.infer<typeof FollowUpItem>;

export const FollowUpQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

/** A follow-up call as recorded. */
export const FollowUpCall = z.object({
  id: z.string(),
  problemId: z.string(),
  operatorName: z.string(),
  outcome: z.string(),
  outcomeLabel: z.string(),
  rating: z.string().nullable(),
  note: z.string().nullable(),
  calledAt: z.string(),
});
export type FollowUpCall = z.infer<typeof FollowUpCall>;
export { id as IdSchema };
