import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
/**
 * Output of the Open311 GeoReport v2 adapter: one document tree, written as XML (the required format,
 * no namespace, UTF-8 declaration) or as JSON by the spec's Spark mapping (lists become arrays, the
 * wrapper element names disappear, absent optional values are `null`).
 */
const gzipAsync = promisify(gzip);

/** The two formats the endpoint serves (Service Discovery lists both). */
export type Format = 'xml' | 'json';

/** Content types of the spec's "Format Support". */
export const CONTENT_TYPES: Record<Format, string> = {
  xml: 'text/xml; charset=utf-8',
  // RFC 8259 defines no charset parameter for JSON (always UTF-8); some clients compare the type exactly.
  json: 'application/json',
};

/** A value in an Open311 document. */
export type Node = string | number | boolean | null | Node[] | { [key: string]: Node | undefined };

/** A document: the XML root element name and the tree below it. */
export interface Document {
  root: string;
  body: Node;
}

/** The element name of one member of each list, as the spec's XML examples write them. */
const ITEM_NAMES: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  service_request_updates: 'request_update',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

// Characters XML 1.0 cannot carry at all; they are dropped rather than failing the whole response.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

function escapeText(s: string): string {
  return s.replace(NOT_XML, '').replace(/[&<>]/g, (c) => XML_ESCAPES[c]!);
}

/**
 * Appends one element and its content, two spaces of indentation per level: an element holding text is
 * one line, an element without content (null, empty list, empty text) is `<name/>`.
 */
function write(out: string[], name: string, value: Node | undefined, indent: string): void {
  if (value === undefined || value === null) {
    out.push(`${indent}<${name}/>`);
    return;
  }
  if (typeof value === 'object') {
    const inner = `${indent}  `;
    const start = out.length;
    out.push(`${indent}<${name}>`);
    if (Array.isArray(value)) {
      const child = ITEM_NAMES[name] ?? 'item';
      for (const v of value) write(out, child, v, inner);
    } else {
      for (const k in value) {
        const v = value[k];
        if (v !== undefined) write(out, k, v, inner);
      }
    }
    if (out.length === start + 1) out[start] = `${indent}<${name}/>`;
    else out.push(`${indent}</${name}>`);
    return;
  }
  const text = escapeText(String(value));
  out.push(text === '' ? `${indent}<${name}/>` : `${indent}<${name}>${text}</${name}>`);
}

/** Writes a document as XML with the declaration; a null value is an empty element. */
export function toXml(doc: Document): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  write(out, doc.root, doc.body, '');
  return out.join('\n');
}

/** Writes a document as JSON (Spark convention: the root's content, without the wrapper names). */
export function toJson(doc: Document): string {
  return JSON.stringify(doc.body);
}

/** Writes a document in a format. */
export function render(doc: Document, format: Format): string {
  return format === 'xml' ? toXml(doc) : toJson(doc);
}

/**
 * A document already written in both formats, as bytes: an answer that is the same for many callers is
 * kept this way and sent as is.
 */
export class Rendered {
  private readonly gzipped: Partial<Record<Format, Promise<Buffer>>> = {};
  constructor(
    readonly json: Buffer,
    readonly xml: Buffer,
  ) {}

  static of(doc: Document): Rendered {
    return new Rendered(Buffer.from(toJson(doc)), Buffer.from(toXml(doc)));
  }

  /** The answer in a format, gzip-compressed (made once per format, on the thread pool). */
  gzip(format: Format): Promise<Buffer> {
    this.gzipped[format] ??= gzipAsync(this[format], { level: 6 });
    return this.gzipped[format];
  }

  /** What it holds, in bytes. */
  get bytes(): number {
    return this.json.length + this.xml.length;
  }
}

/** The body of an answer in a format: a document is written now, a rendered answer is sent as kept. */
export function payloadOf(doc: Document | Rendered, format: Format): string | Buffer {
  return doc instanceof Rendered ? doc[format] : render(doc, format);
}

/** The format a URL asks for by its extension; XML (the required format) otherwise. */
export function formatOfUrl(url: string): Format {
  const path = url.split('?')[0] ?? '';
  return path.endsWith('.json') ? 'json' : 'xml';
}

/** Splits `name.ext` into the name and a supported format, or null. */
export function splitFormat(file: string): { name: string; format: Format } | null {
  const m = /^(.+)\.(xml|json)$/.exec(file);
  return m ? { name: m[1]!, format: m[2] as Format } : null;
}

const OFFSET_MS = 8 * 3600_000;

/** A stored instant as a W3C date-time in China Standard Time, e.g. 2024-03-04T09:00:00+08:00. */
export function w3c(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  return `${new Date(t + OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

const W3C_PATTERN =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/;

/**
 * Parses a W3C date-time (any of the note's granularities). A time must carry its zone (the note requires
 * one; guessing it would shift a client's instant by hours), so a time without one is refused; a date alone
 * is a day in China Standard Time. A `+` that a client forgot to encode arrives as a space and is put back.
 * Returns the instant and whether only a date (no time) was given, or null when it is not a valid date.
 */
export function parseW3c(input: string): { at: Date; dateOnly: boolean } | null {
  const s = input.trim().replace(/ (\d{2}:?\d{2})$/, '+$1');
  const m = W3C_PATTERN.exec(s);
  if (!m) return null;
  const [, y, mo = '01', d = '01', h, mi, sec = '00', frac = '', tz] = m;
  if (h !== undefined && tz === undefined) return null;
  const zone =
    tz === undefined
      ? '+08:00'
      : tz === 'Z'
        ? 'Z'
        : tz.includes(':')
          ? tz
          : `${tz.slice(0, 3)}:${tz.slice(3)}`;
  const iso = `${y}-${mo}-${d}T${h ?? '00'}:${mi ?? '00'}:${sec}${frac}${zone}`;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return null;
  // Reject calendar overflow such as 2024-02-31 that Date would roll over.
  const local = new Date(at.getTime() + (zone === 'Z' ? 0 : zoneMinutes(zone) * 60_000)).toISOString();
  if (local.slice(0, 10) !== `${y}-${mo}-${d}`) return null;
  return { at, dateOnly: h === undefined };
}

function zoneMinutes(zone: string): number {
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
}
