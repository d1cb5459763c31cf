import { z } from 'zod';
import { ELIGIBILITY_TAGS, LAWFUL_BASIS_NAMES, PERSON_FIELD_NAMES } from './registry.fields.ts';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const iso = z.string().datetime({ offset: true });

/** A consent or other lawful basis, recorded with a purpose and the fields it covers. */
export const ConsentInput = z.object({
  purpose: z.string().min(2).max(200),
  lawfulBasis: z.enum(LAWFUL_BASIS_NAMES as [string, ...string[]]),
  scope: z.array(z.union([z.enum(PERSON_FIELD_NAMES as [string, ...string[]]), z.literal('*')])).min(1),
  grantedBy: z.string().min(1).max(100),
  expiresAt: iso.optional(),
});
export type ConsentInput = z.infer<typeof ConsentInput>;

/** The fields of a person that may be written. */
const PersonFields = z.object({
  name: z.string().trim().min(1).max(50),
  gender: z.enum(['male', 'female']).optional(),
  birthDate: date.optional(),
  phone: z
    .string()
    .regex(/^1[3-9]\d{9}$/, '11位手机号 / a mobile number')
    .optional(),
  idNumber: z.string().max(30).optional(),
  villageCode: z.string().regex(/^\d{9,12}$/),
  address: z.string().max(200).optional(),
  householdId: z.string().max(64).optional(),
  tags: z.array(z.enum(ELIGIBILITY_TAGS)).max(ELIGIBILITY_TAGS.length).optional(),
  livingAlone: z.boolean().optional(),
  disabilityLevel: z.number().int().min(0).max(4).optional(),
  ethnicity: z.string().max(20).optional(),
  userId: z.string().max(64).optional(),
});

/** POST /api/registry/persons. */
export const CreatePerson = PersonFields.extend({ consent: ConsentInput.optional() }).strict();
export type CreatePerson = z.infer<typeof CreatePerson>;

/** PATCH /api/registry/persons/:id: the fields to change. */
export const UpdatePerson = PersonFields.partial().extend({ consent: ConsentInput.optional() }).strict();
export type UpdatePerson = z.infer<typeof UpdatePerson>;

/** An emergency contact or a guardian; `userId` lets that account order for the person. */
export const ContactInput = z
  .object({
    kind: z.enum(['emergency', 'guardian', 'family']),
    name: z.string().trim().min(1).max(50),
    relation: z.string().trim().min(1).max(20),
    phone: z
      .string()
      .regex(/^1[3-9]\d{9}$/)
      .optional(),
    userId: z.string().max(64).optional(),
  })
  .strict();
export type ContactInput = z.infer<typeof ContactInput>;

export const Contact = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  relation: z.string(),
  phone: z.string().nullable(),
  userId: z.string().nullable(),
});
export type Contact = z.infer<typeof Contact>;

export const Consent = z.object({
  id: z.string(),
  personId: z.string(),
  purpose: z.string(),
  lawfulBasis: z.string(),
  scope: z.array(z.string()),
  grantedBy: z.string(),
  grantedAt: z.string(),
  expiresAt: z.string().nullable(),
  withdrawnAt: z.string().nullable(),
  withdrawnReason: z.string().nullable(),
  active: z.boolean(),
});
export type Consent = z.infer<typeof Consent>;

/** A person as lists show it: phone and ID masked, no sensitive field. */
export const PersonSummary = z.object({
  id: z.string(),
  name: z.string(),
  gender: z.string().nullable(),
  age: z.number().nullable(),
  phone: z.string().nullable(),
  idNumber: z.string().nullable(),
  villageCode: z.string(),
  villageName: z.string().nullable(),
  address: z.string().nullable(),
  tags: z.array(z.string()),
  livingAlone: z.boolean(),
  householdId: z.string().nullable(),
});
export type PersonSummary = z.infer<typeof PersonSummary>;

/** A person's record: the summary plus what its consents allow, contacts and consents. */
export const PersonDetail = PersonSummary.extend({
  birthDate: z.string().nullable(),
  disabilityLevel: z.number().nullable(),
  ethnicity: z.string().nullable(),
  /** Sensitive fields held but not shown to this reader. */
  withheld: z.array(z.string()),
  userId: z.string().nullable(),
  contacts: z.array(Contact),
  consents: z.array(Consent),
  version: z.number(),
});
export type PersonDetail = z.infer<typeof PersonDetail>;

export const AccessLogEntry = z.object({
  id: z.string(),
  personId: z.string(),
  actorUserId: z.string().nullable(),
  actorName: z.string(),
  purpose: z.string(),
  fields: z.array(z.string()),
  at: z.string(),
});
export type AccessLogEntry = z.infer<typeof AccessLogEntry>;

export const ListPersonsQuery = z.object({
  village: z.string().max(12).optional(),
  tag: z.enum(ELIGIBILITY_TAGS).optional(),
  q: z.string().max(50).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListPersonsQuery = z.infer<typeof ListPersonsQuery>;

export const StatsQuery = z.object({ groupBy: z.enum(['township', 'tag', 'ethnicity', 'age_band']) });
