/** Request and response schemas of the city view (市级: the districts side by side, issue 22). */
import { z } from 'zod';
import { Kpis } from '../stats/index.ts';

/** GET /api/city/districts: the month of the unit scores and the month's figures (the latest with data when absent). */
export const CityQuery = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month: 请用 YYYY-MM 格式 / a month as YYYY-MM')
    .optional(),
});
export type CityQuery = z.infer<typeof CityQuery>;

/** A unit's line in a district's ranking of the month (counts and rates only). */
export const DistrictUnitScore = z.object({
  rank: z.number().nullable(),
  unitId: z.string(),
  name: z.string(),
  score: z.number().nullable(),
  received: z.number(),
  closed: z.number(),
});

/** One district: its figures overall and in the month, and its units' scores of the month. */
export const District = z.object({
  jurisdictionId: z.string(),
  divisionCode: z.string(),
  name: z.string(),
  totals: Kpis,
  month: Kpis,
  units: z.array(DistrictUnitScore),
});
export type District = z.infer<typeof District>;

/** The city's view of its districts. */
export const CityView = z.object({
  city: z.object({ divisionCode: z.string(), name: z.string() }),
  month: z.string(),
  districts: z.array(District),
});
export type CityView = z.infer<typeof CityView>;
