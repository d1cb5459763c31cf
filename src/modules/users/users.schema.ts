import { z } from 'zod';
import { ROLES } from '../../kernel/roles.ts';

export const Role = z.enum(ROLES);
export const Scope = z.object({
  kind: z.enum(['jurisdiction', 'township', 'unit', 'own']),
  ref: z.string().nullable(),
});

/** A user as the API shows it (phone and ID number masked unless the viewer may see them). */
export const User = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  phone: z.string().nullable(),
  idNumber: z.string().nullable(),
  unitId: z.string().nullable(),
  unitName: z.string().nullable().optional(),
  roles: z.array(Role),
  scope: Scope,
  active: z.boolean(),
  locked: z.boolean(),
  createdAt: z.string(),
  version: z.number(),
});
export type User = z.infer<typeof User>;

/** Password policy: at least 10 characters with letters and digits. */
export const Password = z
  .string()
  .min(10, 'password: at least 10 characters')
  .max(200)
  .refine((p) => /[A-Za-z]/.test(p) && /\d/.test(p), 'password: needs letters and digits');

export const UserInput = z.object({
  username: z.string().regex(/^[a-zA-Z0-9_.-]{3,40}$/, 'username: 3-40 letters, digits, _ . -'),
  displayName: z.string().min(1).max(40),
  password: Password.optional(),
  phone: z
    .string()
    .regex(/^1[3-9]\d{9}$/, 'phone: an 11-digit mobile number')
    .nullable()
    .optional(),
  idNumber: z.string().nullable().optional(),
  unitId: z.string().nullable().optional(),
  roles: z.array(Role).min(1),
  scope: Scope.optional(),
  active: z.boolean().default(true),
});
export type UserInput = z.infer<typeof UserInput>;
