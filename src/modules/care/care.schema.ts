import { z } from 'zod';
import { RatingInput } from '../ratings/index.ts';
import { CARE_KIND_CODES } from './care.kinds.ts';
import { CARE_STATUSES, FAILURE_REASONS } from './care.lifecycle.ts';

const photo = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 of the photo');
/** Photos of a visit uploaded through `/api/attachments`: the server hashes what it stored. */
const uploaded = z.array(z.string().min(1).max(64)).max(9).default([]);

/** POST /api/care/orders. `personId` orders for someone else (family, grid worker, station staff). */
export const CreateCareOrder = z
  .object({
    kind: z.enum(CARE_KIND_CODES as [string, ...string[]]),
    personId: z.string().max(64).optional(),
    scheduledAt: z.string().datetime({ offset: true }),
    address: z.string().max(200).optional(),
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
    note: z.string().max(500).optional(),
  })
  .strict();
export type CreateCareOrder = z.infer<typeof CreateCareOrder>;

/** The bodies of the actions. */
export const CareActionBodies = {
  accept: z.object({}).strict(),
  reject: z.object({ reason: z.string().min(1).max(200) }).strict(),
  time_out: z.object({}).strict(),
  forward: z.object({}).strict(),
  assign: z.object({ workerId: z.string().min(1).max(64) }).strict(),
  depart: z.object({}).strict(),
  check_in: z
    .object({
      lat: z.number().min(-90).max(90).optional(),
      lng: z.number().min(-180).max(180).optional(),
      attachmentIds: uploaded,
      photos: z.array(photo).max(9).default([]),
    })
    .strict(),
  check_out: z
    .object({
      lat: z.number().min(-90).max(90).optional(),
      lng: z.number().min(-180).max(180).optional(),
      attachmentIds: uploaded,
      photos: z.array(photo).max(9).default([]),
      checklist: z.array(z.string().max(50)).max(20).default([]),
    })
    .strict(),
  confirm: z
    .object({
      code: z
        .string()
        .regex(/^\d{6}$/)
        .optional(),
    })
    .strict(),
  rate: RatingInput,
  dispute: z.object({ reason: z.string().min(2).max(500) }).strict(),
  resolve: z.object({ note: z.string().min(1).max(500) }).strict(),
  fail: z
    .object({
      reason: z.enum(Object.keys(FAILURE_REASONS) as [string, ...string[]]),
      note: z.string().max(200).optional(),
    })
    .strict(),
  cancel: z.object({ reason: z.string().max(200).optional() }).strict(),
  clear_flags: z.object({ note: z.string().min(1).max(200) }).strict(),
  settle: z.object({}).strict(),
} as const;

export const ListCareOrdersQuery = z.object({
  status: z.enum(CARE_STATUSES).optional(),
  kind: z.enum(CARE_KIND_CODES as [string, ...string[]]).optional(),
  flagged: z.enum(['0', '1']).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListCareOrdersQuery = z.infer<typeof ListCareOrdersQuery>;

export const CareOrder = z.object({
  id: z.string(),
  kind: z.string(),
  kindName: z.string(),
  status: z.string(),
  statusLabel: z.string(),
  urgent: z.boolean(),
  personId: z.string(),
  elderName: z.string(),
  elderPhone: z.string().nullable(),
  placedAs: z.string(),
  providerId: z.string().nullable(),
  acceptDueAt: z.string().nullable(),
  workerId: z.string().nullable(),
  scheduledAt: z.string(),
  villageCode: z.string(),
  address: z.string().nullable(),
  priceFen: z.number(),
  subsidyFen: z.number(),
  copayFen: z.number(),
  checkinAt: z.string().nullable(),
  checkinDistanceM: z.number().nullable(),
  checkoutAt: z.string().nullable(),
  flags: z.array(z.string()),
  flagsCleared: z.boolean(),
  ratingLevel: z.string().nullable(),
  problemId: z.string().nullable(),
  escalatedAt: z.string().nullable(),
  escalationProblemId: z.string().nullable(),
  failureReason: z.string().nullable(),
  settlementMonth: z.string().nullable(),
  allowedActions: z.array(z.string()),
  actions: z
    .array(
      z.object({
        seq: z.number(),
        action: z.string(),
        fromStatus: z.string().nullable(),
        toStatus: z.string().nullable(),
        actorName: z.string(),
        at: z.string(),
        data: z.record(z.string(), z.unknown()),
      }),
    )
    .optional(),
  /** The visit's uploaded photos (the detail only), oldest first. */
  photoFiles: z
    .array(z.object({ id: z.string(), url: z.string(), size: z.number(), at: z.string() }))
    .optional(),
});
export type CareOrder = z.infer<typeof CareOrder>;

/** A page of the order list. */
export const CareOrderList = z.object({ items: z.array(CareOrder), total: z.number() });

/** A month's settlement: per provider what its verified orders drew and what was paid to it; the transfers. */
export const Settlement = z.object({
  month: z.string(),
  providers: z.array(
    z.object({
      providerId: z.string(),
      orders: z.number(),
      subsidyFen: z.number(),
      paidFen: z.number(),
    }),
  ),
  payouts: z.array(
    z.object({
      id: z.string(),
      providerId: z.string(),
      amountFen: z.number(),
      status: z.string(),
      statusLabel: z.string(),
      providerTxnId: z.string().nullable(),
      failureReason: z.string().nullable(),
      problemId: z.string().nullable(),
      at: z.string(),
    }),
  ),
  skipped: z.array(z.object({ orderId: z.string(), reason: z.string() })),
});
export type Settlement = z.infer<typeof Settlement>;
