import { isCalendarDate } from '../../kernel/workdays.ts';
import { z } from 'zod';

export const KINDS = ['enterprise', 'resident', 'other'] as const;
/** 企需 / 民呼 / 其他. */
export const Kind = z.enum(KINDS);
export type Kind = z.infer<typeof Kind>;

export const FIELD_TYPES = ['string', 'number', 'datetime', 'text', 'single', 'multi'] as const;

/** One extra field of a category's form. */
export const CategoryField = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'code: lower-case letters, digits and _'),
  label: z.string().min(1).max(60),
  labelEn: z.string().max(80).optional(),
  type: z.enum(FIELD_TYPES),
  required: z.boolean().default(false),
  description: z.string().max(200).optional(),
  options: z
    .array(z.object({ value: z.string().min(1).max(60), label: z.string().min(1).max(60) }))
    .optional(),
});
export type CategoryField = z.infer<typeof CategoryField>;

export const Category = z.object({
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  kind: Kind,
  domain: z.string(),
  domainName: z.string(),
  description: z.string(),
  keywords: z.string(),
  open311Type: z.enum(['realtime', 'batch']),
  active: z.boolean(),
  fields: z.array(CategoryField),
  version: z.number(),
});
export type Category = z.infer<typeof Category>;

export const CategoryInput = z
  .object({
    code: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'code: lower-case letters, digits and _'),
    name: z.string().min(1).max(40),
    nameEn: z.string().min(1).max(80),
    kind: Kind,
    domain: z.string().min(1),
    description: z.string().max(500).default(''),
    keywords: z.string().max(500).default(''),
    open311Type: z.enum(['realtime', 'batch']).default('realtime'),
    active: z.boolean().default(true),
    fields: z.array(CategoryField).max(30).default([]),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.fields.forEach((f, i) => {
      if (seen.has(f.code))
        ctx.addIssue({
          code: 'custom',
          path: ['fields', i, 'code'],
          message: `duplicate field code ${f.code}`,
        });
      seen.add(f.code);
      if ((f.type === 'single' || f.type === 'multi') && !f.options?.length)
        ctx.addIssue({
          code: 'custom',
          path: ['fields', i, 'options'],
          message: 'a choice field needs options',
        });
    });
  });
export type CategoryInput = z.infer<typeof CategoryInput>;

export const Domain = z.object({ code: z.string(), name: z.string(), nameEn: z.string(), kind: Kind });
export type Domain = z.infer<typeof Domain>;

export const Indicator = z.object({
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  unit: z.string(),
  scale: z.number(),
  domain: z.string().nullable(),
  /** A value outside [minValue, maxValue] is refused (null: no bound). */
  minValue: z.number().nullable(),
  maxValue: z.number().nullable(),
  /** A value outside [plausibleMin, plausibleMax] needs `confirmed: true` and is flagged to the supervisor. */
  plausibleMin: z.number().nullable(),
  plausibleMax: z.number().nullable(),
  /** Counted in whole numbers. */
  whole: z.boolean(),
});
export type Indicator = z.infer<typeof Indicator>;

export const Division = z.object({
  code: z.string(),
  name: z.string(),
  level: z.string(),
  parentCode: z.string().nullable(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
});
export type Division = z.infer<typeof Division>;

export const UNIT_KINDS = ['department', 'township', 'village', 'office'] as const;
export const Unit = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  name: z.string(),
  kind: z.enum(UNIT_KINDS),
  divisionCode: z.string().nullable(),
  phone: z.string().nullable(),
  active: z.boolean(),
  version: z.number(),
});
export type Unit = z.infer<typeof Unit>;

export const UnitInput = z.object({
  parentId: z.string().nullable().default(null),
  name: z.string().min(2).max(60),
  kind: z.enum(UNIT_KINDS),
  divisionCode: z
    .string()
    .regex(/^\d{6}(\d{3}){0,2}$/, 'divisionCode: 6, 9 or 12 digits')
    .nullable()
    .default(null),
  phone: z.string().max(30).nullable().default(null),
  active: z.boolean().default(true),
});
export type UnitInput = z.infer<typeof UnitInput>;

export const URGENCIES = ['normal', 'urgent', 'critical'] as const;
export const TimeRule = z.object({
  id: z.string(),
  categoryCode: z.string().nullable(),
  urgency: z.enum(URGENCIES),
  respondHours: z.number().positive().max(720),
  closeDays: z.number().int().min(0).max(365),
  version: z.number(),
});
export type TimeRule = z.infer<typeof TimeRule>;
export const TimeRuleInput = TimeRule.omit({ id: true, version: true });

export const CalendarDay = z.object({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'date: YYYY-MM-DD')
    .refine(isCalendarDate, '日期不存在 / not a real date'),
  isWorkday: z.boolean(),
  name: z.string().min(1).max(40),
});
export type CalendarDay = z.infer<typeof CalendarDay>;

/** What an import of the State Council's holiday notice wrote: its year, replaced by the notice's days. */
export const CalendarImportResult = z.object({
  year: z.number(),
  holidays: z.number(),
  workdays: z.number(),
  days: z.array(CalendarDay),
});
