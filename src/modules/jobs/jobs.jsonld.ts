/**
 * A posting as schema.org JobPosting (the open format of DESIGN §3), with the fields search engines
 * require (title, description, datePosted, validThrough, hiringOrganization, jobLocation) and the
 * recommended baseSalary and employmentType.
 */
import type { JobKind, WageUnit } from './jobs.wages.ts';

const EMPLOYMENT_TYPE: Record<JobKind, string[]> = {
  full_time: ['FULL_TIME'],
  part_time: ['PART_TIME'],
  gig_day: ['TEMPORARY', 'PER_DIEM'],
  piece: ['CONTRACTOR'],
};

// schema.org unitText: HOUR, DAY, WEEK, MONTH, YEAR; a piece rate has no unit of time.
const UNIT_TEXT: Record<WageUnit, string> = { hour: 'HOUR', day: 'DAY', month: 'MONTH', piece: 'PIECE' };

/** What the JSON-LD is made from. */
export interface JsonLdSource {
  id: string;
  title: string;
  description: string;
  kind: JobKind;
  occupationCode: string;
  occupationName: string;
  headcount: number;
  wageFen: number;
  wageUnit: WageUnit;
  validFrom: string;
  validThrough: string;
  datePosted: string;
  employer: { name: string; uscc: string };
  place: {
    address: string | null;
    villageName: string | null;
    townshipName: string | null;
    lat: number;
    lng: number;
  };
  url: string;
}

/** The JobPosting object. */
export function jobPostingJsonLd(s: JsonLdSource): Record<string, unknown> {
  return {
    '@context': 'https://schema.org/',
    '@type': 'JobPosting',
    identifier: { '@type': 'PropertyValue', name: '荷塘大就业', value: s.id },
    url: s.url,
    title: s.title,
    description: s.description,
    datePosted: s.datePosted,
    validThrough: s.validThrough,
    employmentType: EMPLOYMENT_TYPE[s.kind],
    occupationalCategory: `${s.occupationCode} ${s.occupationName}`,
    totalJobOpenings: s.headcount,
    hiringOrganization: {
      '@type': 'Organization',
      name: s.employer.name,
      identifier: { '@type': 'PropertyValue', propertyID: 'USCC', value: s.employer.uscc },
    },
    jobLocation: {
      '@type': 'Place',
      address: {
        '@type': 'PostalAddress',
        streetAddress: s.place.address ?? s.place.villageName ?? '',
        addressLocality: s.place.townshipName ?? '荷塘区',
        addressRegion: '湖南省',
        addressCountry: 'CN',
      },
      geo: { '@type': 'GeoCoordinates', latitude: s.place.lat, longitude: s.place.lng },
    },
    baseSalary: {
      '@type': 'MonetaryAmount',
      currency: 'CNY',
      value: { '@type': 'QuantitativeValue', value: s.wageFen / 100, unitText: UNIT_TEXT[s.wageUnit] },
    },
  };
}

/** The fields search engines require of a JobPosting (Google's structured-data guidelines). */
export const REQUIRED_JOBPOSTING_FIELDS = [
  'title',
  'description',
  'datePosted',
  'validThrough',
  'hiringOrganization',
  'jobLocation',
  'baseSalary',
] as const;
