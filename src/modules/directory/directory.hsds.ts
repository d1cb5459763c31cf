/**
 * The directory as Open Referral HSDS 3 (the `/services` answer of its API): every provider's service
 * kinds as services, with the provider as organization, its places as locations (addresses, phones and
 * opening schedules), and its service area. Ids are UUIDs; the ones HSDS needs for sub-records are
 * derived from the record and its role, so the same directory always exports the same ids.
 */
import crypto from 'node:crypto';
import type { ReferenceData } from '../reference/index.ts';
import { hsdsScheduleParts, type OpeningRule } from './directory.hours.ts';
import type { Place, Provider } from './directory.schema.ts';

/** A stable UUID (version 8, RFC 9562 "custom") of a name. */
export function stableUuid(name: string): string {
  const h = crypto.createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type Json = Record<string, unknown>;

function schedules(place: Place, serviceAtLocationId: string): Json[] {
  return (place.hours as OpeningRule[]).map((h, i) => ({
    id: stableUuid(`${place.id}:schedule:${i}`),
    service_at_location_id: serviceAtLocationId,
    ...hsdsScheduleParts(h.rrule),
    opens_at: h.opens,
    closes_at: h.closes,
    timezone: 8,
    description: h.label ?? null,
    notes:
      h.calendar === 'rrule'
        ? '节假日照常 / open on public holidays'
        : h.calendar === 'workdays'
          ? '按法定工作日（含调休） / on official working days'
          : '法定节假日休息 / closed on public holidays',
  }));
}

function location(place: Place, orgId: string, ref: ReferenceData, jurisdictionName: string): Json {
  const township = ref.townshipOf(place.villageCode);
  return {
    id: place.id,
    location_type: 'physical',
    organization_id: orgId,
    name: place.name,
    description: place.description,
    latitude: place.lat,
    longitude: place.lng,
    external_identifier: place.villageCode,
    external_identifier_type: 'GB/T 2260 + village code',
    addresses: [
      {
        id: stableUuid(`${place.id}:address`),
        location_id: place.id,
        address_1: place.address ?? place.name,
        address_2: township ? (ref.divisions.get(township)?.name ?? null) : null,
        city: jurisdictionName,
        state_province: '湖南省',
        postal_code: '412000',
        country: 'CN',
        address_type: 'physical',
      },
    ],
    phones: place.phone
      ? [{ id: stableUuid(`${place.id}:phone`), location_id: place.id, number: place.phone }]
      : [],
  };
}

/** The HSDS `/services` page of a jurisdiction's directory (one page holding every service). */
export function hsdsServicesPage(
  providers: Provider[],
  places: Place[],
  ref: ReferenceData,
  jurisdictionName: string,
  updatedAt: string,
): Json {
  const contents: Json[] = [];
  for (const pr of providers.filter((x) => x.active)) {
    const org: Json = {
      id: pr.id,
      name: pr.name,
      description: `${pr.name}：${pr.services.join('、')}`,
      tax_id: pr.uscc,
      legal_status: '民办非企业单位或企业 / registered provider',
      phones: pr.phone
        ? [{ id: stableUuid(`${pr.id}:phone`), organization_id: pr.id, number: pr.phone }]
        : [],
      organization_identifiers: [
        {
          id: stableUuid(`${pr.id}:uscc`),
          organization_id: pr.id,
          identifier_scheme: 'CN-USCC',
          identifier_type: '统一社会信用代码',
          identifier: pr.uscc,
        },
      ],
    };
    const own = places.filter((pl) => pl.providerId === pr.id);
    for (const kind of pr.services) {
      const serviceId = stableUuid(`${pr.id}:service:${kind}`);
      contents.push({
        id: serviceId,
        organization_id: pr.id,
        name: `${kind}（${pr.name}）`,
        alternate_name: kind,
        description: `${pr.name}提供的${kind}服务${pr.licenceNo ? `（许可证 ${pr.licenceNo}）` : ''}`,
        status: 'active',
        last_modified: updatedAt,
        organization: org,
        phones: [],
        service_areas: pr.serviceArea.map((code) => ({
          id: stableUuid(`${serviceId}:area:${code}`),
          service_id: serviceId,
          name: ref.divisions.get(code)?.name ?? code,
          extent_type: 'division_code',
          extent: code,
        })),
        service_at_locations: own.map((pl) => {
          const salId = stableUuid(`${serviceId}:at:${pl.id}`);
          return {
            id: salId,
            service_id: serviceId,
            location_id: pl.id,
            location: location(pl, pr.id, ref, jurisdictionName),
            schedules: schedules(pl, salId),
          };
        }),
      });
    }
  }
  return withoutNulls({
    total_items: contents.length,
    total_pages: 1,
    page_number: 1,
    size: contents.length,
    first_page: true,
    last_page: true,
    empty: contents.length === 0,
    contents,
  }) as Json;
}

/** HSDS's JSON Schemas type optional fields as plain strings or numbers: an absent value is left out. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== null && x !== undefined)
        .map(([k, x]) => [k, withoutNulls(x)]),
    );
  return v;
}
