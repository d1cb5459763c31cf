import { z } from 'zod';
import { CAP_CATEGORIES, CAP_CERTAINTY, CAP_SEVERITY, CAP_URGENCY } from './notices.cap.ts';
import { NOTICE_STATUSES } from './notices.lifecycle.ts';

const iso = z.string().datetime({ offset: true });
export const NOTICE_KINDS = ['general', 'urgent'] as const;
export const AUDIENCE_KINDS = ['jurisdiction', 'township', 'village', 'group'] as const;
export const CHANNELS = ['phone', 'sms', 'screen'] as const;
export const CHANNEL_LABELS = { phone: '我的荷塘', sms: '短信', screen: '大屏' } as const;

export const CapInput = z
  .object({
    event: z.string().trim().min(2).max(50),
    category: z.enum(CAP_CATEGORIES),
    urgency: z.enum(CAP_URGENCY),
    severity: z.enum(CAP_SEVERITY),
    certainty: z.enum(CAP_CERTAINTY),
    instruction: z.string().trim().max(1000).optional(),
  })
  .strict();

export const Audience = z
  .object({ kind: z.enum(AUDIENCE_KINDS), ref: z.string().trim().min(1).max(30).optional() })
  .strict();

/** A notice's fields as given, without defaults (a revision changes only what it names). */
const NoticeFields = z
  .object({
    title: z.string().trim().min(2).max(100),
    body: z.string().trim().min(1).max(20000),
    docNumber: z.string().trim().min(2).max(50),
    issuingUnit: z.string().trim().min(2).max(50),
    kind: z.enum(NOTICE_KINDS),
    audience: Audience,
    channels: z.array(z.enum(CHANNELS)).min(1).max(3),
    publishAt: iso,
    expiresAt: iso,
    cap: CapInput,
  })
  .strict();

/** POST /api/notices: a draft. An urgent notice needs its CAP fields. */
export const CreateNotice = NoticeFields.partial({
  docNumber: true,
  issuingUnit: true,
  publishAt: true,
  expiresAt: true,
  cap: true,
})
  .extend({
    kind: z.enum(NOTICE_KINDS).default('general'),
    audience: Audience.default({ kind: 'jurisdiction' }),
    channels: z.array(z.enum(CHANNELS)).min(1).max(3).default(['phone']),
  })
  .strict();
export type CreateNotice = z.infer<typeof CreateNotice>;

export const NoticeActionBodies = {
  revise: NoticeFields.partial().strict(),
  publish: z.object({}).strict(),
  withdraw: z.object({ reason: z.string().trim().min(2).max(200) }).strict(),
  expire: z.object({}).strict(),
} as const;

export const ListNoticesQuery = z.object({
  township: z
    .string()
    .regex(/^\d{9}$/)
    .optional(),
  village: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  group: z.string().trim().min(1).max(20).optional(),
  kind: z.enum(NOTICE_KINDS).optional(),
  channel: z.enum(CHANNELS).optional(),
  status: z.enum(NOTICE_STATUSES).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(50),
});
export type ListNoticesQuery = z.infer<typeof ListNoticesQuery>;

export const Notice = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  publishedAt: z.string(),
  docNumber: z.string().nullable(),
  issuingUnit: z.string().nullable(),
  kind: z.string(),
  status: z.string(),
  statusLabel: z.string(),
  audience: z.object({ kind: z.string(), ref: z.string().nullable(), name: z.string() }),
  channels: z.array(z.string()),
  expiresAt: z.string().nullable(),
  cap: CapInput.nullable(),
  capUrl: z.string().nullable(),
  allowedActions: z.array(z.string()),
});
export type Notice = z.infer<typeof Notice>;

export const NoticeDetail = Notice.extend({
  actions: z.array(
    z.object({
      action: z.string(),
      fromStatus: z.string().nullable(),
      toStatus: z.string().nullable(),
      actorName: z.string(),
      at: z.string(),
      data: z.record(z.string(), z.unknown()),
    }),
  ),
});
