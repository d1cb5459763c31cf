/**
 * An urgent notice as an OASIS CAP 1.2 alert (DESIGN §3 open formats): one `info` block in Chinese and
 * one `area` named by its division code (GB/T 2260). A withdrawn notice is a `Cancel` that references
 * the alert it cancels. Times carry the +08:00 offset, as CAP requires an explicit one.
 */
import { create } from 'xmlbuilder2';

export const CAP_NS = 'urn:oasis:names:tc:emergency:cap:1.2';
export const CAP_CATEGORIES = [
  'Geo',
  'Met',
  'Safety',
  'Security',
  'Rescue',
  'Fire',
  'Health',
  'Env',
  'Transport',
  'Infra',
  'CBRNE',
  'Other',
] as const;
export const CAP_URGENCY = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const CAP_SEVERITY = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export const CAP_CERTAINTY = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;

/** The CAP fields an urgent notice carries. */
export interface CapFields {
  event: string;
  category: (typeof CAP_CATEGORIES)[number];
  urgency: (typeof CAP_URGENCY)[number];
  severity: (typeof CAP_SEVERITY)[number];
  certainty: (typeof CAP_CERTAINTY)[number];
  instruction?: string;
}

/** What the alert is made of. */
export interface CapNotice {
  id: string;
  title: string;
  body: string;
  issuingUnit: string | null;
  docNumber: string | null;
  status: string;
  publishedAt: string;
  expiresAt: string | null;
  endedAt: string | null;
  cap: CapFields;
  area: { name: string; code: string };
  web: string;
}

/** An instant as CAP writes it: seconds, and the +08:00 offset of China time. */
export function capTime(iso: string): string {
  const local = new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 19);
  return `${local}+08:00`;
}

/** The CAP 1.2 document of a notice, sent by `sender` (the jurisdiction's domain). */
export function capXml(n: CapNotice, sender: string): string {
  const identifier = `${sender}.notice.${n.id}`;
  const cancelled = n.status === 'withdrawn';
  const alert = create({ version: '1.0', encoding: 'UTF-8' }).ele(CAP_NS, 'alert');
  alert.ele('identifier').txt(cancelled ? `${identifier}.cancel` : identifier);
  alert.ele('sender').txt(sender);
  alert.ele('sent').txt(capTime(cancelled && n.endedAt ? n.endedAt : n.publishedAt));
  alert.ele('status').txt('Actual');
  alert.ele('msgType').txt(cancelled ? 'Cancel' : 'Alert');
  alert.ele('scope').txt('Public');
  if (n.docNumber) alert.ele('code').txt(n.docNumber);
  if (cancelled) alert.ele('references').txt(`${sender},${identifier},${capTime(n.publishedAt)}`);
  const info = alert.ele('info');
  info.ele('language').txt('zh-CN');
  info.ele('category').txt(n.cap.category);
  info.ele('event').txt(n.cap.event);
  info.ele('urgency').txt(n.cap.urgency);
  info.ele('severity').txt(n.cap.severity);
  info.ele('certainty').txt(n.cap.certainty);
  info.ele('effective').txt(capTime(n.publishedAt));
  if (n.expiresAt) info.ele('expires').txt(capTime(n.expiresAt));
  if (n.issuingUnit) info.ele('senderName').txt(n.issuingUnit);
  info.ele('headline').txt(n.title);
  info.ele('description').txt(n.body);
  if (n.cap.instruction) info.ele('instruction').txt(n.cap.instruction);
  info.ele('web').txt(n.web);
  const area = info.ele('area');
  area.ele('areaDesc').txt(n.area.name);
  const geocode = area.ele('geocode');
  geocode.ele('valueName').txt('GB/T 2260');
  geocode.ele('value').txt(n.area.code);
  return alert.end({ prettyPrint: true });
}
