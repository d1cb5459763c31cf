import { z } from 'zod';
import { CALENDAR_MODES } from './directory.hours.ts';

const code = z.string().regex(/^\d{9,12}$/, 'a township or village code');
const phone = z.string().regex(/^[\d-]{7,20}$/);

export const Qualification = z.object({
  name: z.string().min(1).max(50),
  number: z.string().max(50).optional(),
  expiresOn: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});

export const ProviderInput = z
  .object({
    name: z.string().trim().min(2).max(100),
    uscc: z.string().max(30),
    licenceNo: z.string().max(50).optional(),
    licenceExpiresOn: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    phone: phone.optional(),
    serviceArea: z.array(code).min(1).max(500),
    services: z.array(z.string().min(1).max(20)).min(1).max(50),
  })
  .strict();
export type ProviderInput = z.infer<typeof ProviderInput>;

export const WorkerInput = z
  .object({
    name: z.string().trim().min(1).max(50),
    phone: z
      .string()
      .regex(/^1[3-9]\d{9}$/)
      .optional(),
    userId: z.string().max(64).optional(),
    qualifications: z.array(Qualification).max(20).default([]),
  })
  .strict();
export type WorkerInput = z.infer<typeof WorkerInput>;

export const OpeningRuleInput = z.object({
  rrule: z.string().min(6).max(200),
  opens: z.string(),
  closes: z.string(),
  calendar: z.enum(CALENDAR_MODES).default('rrule_except_holidays'),
  label: z.string().max(20).optional(),
});

export const PLACE_KINDS = ['canteen', 'station', 'hall', 'counter'] as const;
export const PLACE_KIND_LABELS: Record<(typeof PLACE_KINDS)[number], string> = {
  canteen: '食堂',
  station: '服务站',
  hall: '服务大厅',
  counter: '窗口',
};

export const PlaceInput = z
  .object({
    kind: z.enum(PLACE_KINDS),
    name: z.string().trim().min(2).max(100),
    providerId: z.string().max(64).optional(),
    villageCode: code,
    address: z.string().max(200).optional(),
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
    phone: phone.optional(),
    capacity: z.number().int().min(1).max(100_000).optional(),
    hours: z.array(OpeningRuleInput).max(20).default([]),
    description: z.string().max(500).optional(),
  })
  .strict();
export type PlaceInput = z.infer<typeof PlaceInput>;

export const Worker = z.object({
  id: z.string(),
  providerId: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  userId: z.string().nullable(),
  qualifications: z.array(Qualification),
  active: z.boolean(),
});
export type Worker = z.infer<typeof Worker>;

export const Provider = z.object({
  id: z.string(),
  name: z.string(),
  uscc: z.string(),
  licenceNo: z.string().nullable(),
  licenceExpiresOn: z.string().nullable(),
  phone: z.string().nullable(),
  serviceArea: z.array(z.string()),
  services: z.array(z.string()),
  active: z.boolean(),
});
export type Provider = z.infer<typeof Provider>;

export const Place = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  providerId: z.string().nullable(),
  villageCode: z.string(),
  villageName: z.string().nullable(),
  address: z.string().nullable(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  phone: z.string().nullable(),
  capacity: z.number().nullable(),
  hours: z.array(OpeningRuleInput),
  description: z.string().nullable(),
  openNow: z.boolean(),
  closesAt: z.string().nullable(),
  nextOpening: z.string().nullable(),
  distanceM: z.number().optional(),
});
export type Place = z.infer<typeof Place>;

/** The places list's answer. */
export const PlacesAnswer = z.object({ items: z.array(Place) });

export const ListPlacesQuery = z.object({
  kind: z.enum(PLACE_KINDS).optional(),
  lat: z.coerce.number().min(-90).max(90).optional(),
  lng: z.coerce.number().min(-180).max(180).optional(),
  radius: z.coerce.number().min(1).max(50_000).default(5000),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListPlacesQuery = z.infer<typeof ListPlacesQuery>;
