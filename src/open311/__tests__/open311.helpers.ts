/**
 * Helpers of the Open311 tests: the official JSON Schemas (copied verbatim from the Open311 project)
 * plus small schemas for the documents the project publishes none for, and an XML checker.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { expect } from 'vitest';
import type { App } from '../../platform/types.ts';
import type { Client } from '../../test/harness.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const official = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(here, 'schemas', name), 'utf8')) as Record<string, unknown>;

const ajv = new Ajv({ allErrors: true, strict: false });
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  a: Ajv,
) => void;
addFormats(ajv);
for (const name of [
  'request.json',
  'requests.json',
  'service.json',
  'services.json',
  'service-definition.json',
]) {
  ajv.addSchema({ ...official(name), $id: name });
}

const nullableString = { anyOf: [{ type: 'string' }, { type: 'null' }] };
const dateTime = { type: 'string', format: 'date-time' };
ajv.addSchema({
  $id: 'errors.json',
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    required: ['code', 'description'],
    additionalProperties: false,
    properties: { code: { type: 'integer' }, description: { type: 'string', minLength: 1 } },
  },
});
ajv.addSchema({
  $id: 'discovery.json',
  type: 'object',
  required: ['changeset', 'contact', 'key_service', 'endpoints'],
  properties: {
    changeset: { type: 'string' },
    contact: { type: 'string' },
    key_service: { type: 'string' },
    endpoints: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['specification', 'url', 'changeset', 'type', 'formats'],
        properties: {
          specification: { type: 'string' },
          url: { type: 'string', format: 'uri' },
          changeset: { type: 'string' },
          type: { enum: ['production', 'test'] },
          formats: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
});
ajv.addSchema({
  $id: 'post-response.json',
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    additionalProperties: false,
    properties: {
      service_request_id: { type: 'string' },
      token: { type: 'string' },
      service_notice: nullableString,
      account_id: nullableString,
    },
    oneOf: [{ required: ['service_request_id'] }, { required: ['token'] }],
  },
});
ajv.addSchema({
  $id: 'token.json',
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    required: ['token'],
    additionalProperties: false,
    properties: { service_request_id: { type: 'string' }, token: { type: 'string' } },
  },
});
ajv.addSchema({
  $id: 'updates.json',
  type: 'array',
  items: {
    type: 'object',
    required: ['update_id', 'service_request_id', 'status', 'updated_datetime', 'description'],
    additionalProperties: false,
    properties: {
      update_id: { type: 'string' },
      service_request_id: { type: 'string' },
      status: {
        enum: [
          'OPEN',
          'INVESTIGATING',
          'IN_PROGRESS',
          'ACTION_SCHEDULED',
          'FIXED',
          'CLOSED',
          'DUPLICATE',
          'NOT_COUNCILS_RESPONSIBILITY',
        ],
      },
      updated_datetime: dateTime,
      description: { type: 'string' },
      media_url: { anyOf: [{ type: 'string', format: 'uri' }, { type: 'null' }] },
    },
  },
});
ajv.addSchema({
  $id: 'update-response.json',
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    required: ['update_id'],
    additionalProperties: false,
    properties: { update_id: { type: 'string' } },
  },
});

/** The schemas a JSON response is checked against. */
export type SchemaName =
  | 'requests.json'
  | 'services.json'
  | 'service-definition.json'
  | 'errors.json'
  | 'discovery.json'
  | 'post-response.json'
  | 'token.json'
  | 'updates.json'
  | 'update-response.json';

/** Asserts that a body is valid against a schema, showing ajv's errors when not. */
export function expectValid(schema: SchemaName, body: unknown): void {
  const validate = ajv.getSchema(schema) as ValidateFunction;
  const ok = validate(body);
  expect(ok ? null : validate.errors, `${schema}: ${JSON.stringify(body).slice(0, 400)}`).toBeNull();
}

/** A response of the Open311 endpoint. */
export interface Open311Response {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
  json: unknown;
}

/** Calls the endpoint: GET with a query, or POST with a form body (`application/x-www-form-urlencoded`). */
export async function call(
  app: App,
  method: 'GET' | 'POST',
  url: string,
  form?: string,
  headers: Record<string, string> = {},
): Promise<Open311Response> {
  const r = await app.inject({
    method,
    url,
    payload: form,
    headers:
      form !== undefined
        ? { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers }
        : headers,
  });
  let json: unknown = undefined;
  if (String(r.headers['content-type']).startsWith('application/json')) json = JSON.parse(r.body);
  return { status: r.statusCode, headers: r.headers, text: r.body, json };
}

/** A JSON response: checks the content type and the schema, returns the body. */
export function jsonOf<T = unknown>(r: Open311Response, schema: SchemaName): T {
  expect(r.headers['content-type']).toBe('application/json');
  expectValid(schema, r.json);
  return r.json as T;
}

const LISTS = new Set([
  'service',
  'request',
  'error',
  'request_update',
  'attribute',
  'value',
  'endpoint',
  'format',
]);
const parser = new XMLParser({
  ignoreDeclaration: false,
  parseTagValue: false,
  isArray: (name) => LISTS.has(name),
});

/**
 * An XML response: checks content type, the declaration with UTF-8, well-formedness, a single root of
 * the expected name and no namespace; returns the parsed root element.
 */
export function xmlOf<T = Record<string, unknown>>(r: Open311Response, root: string): T {
  expect(r.headers['content-type']).toBe('text/xml; charset=utf-8');
  expect(r.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  expect(XMLValidator.validate(r.text)).toBe(true);
  expect(r.text).not.toMatch(/xmlns/);
  const doc = parser.parse(r.text) as Record<string, unknown>;
  const roots = Object.keys(doc).filter((k) => k !== '?xml');
  expect(roots).toEqual([root]);
  const body = doc[root];
  return (body === '' ? {} : body) as T;
}

/** The `errors` of an XML response as {code, description} with the code as a number. */
export function xmlErrors(r: Open311Response): { code: number; description: string }[] {
  const body = xmlOf<{ error: { code: string; description: string }[] }>(r, 'errors');
  expect(body.error.length).toBeGreaterThan(0);
  return body.error.map((e) => ({ code: Number(e.code), description: String(e.description) }));
}

/** A form body from pairs (repeated keys allowed), encoded as a browser would. */
export function form(pairs: [string, string | number][]): string {
  return pairs
    .map(
      ([k, v]) =>
        `${encodeURIComponent(k).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${encodeURIComponent(String(v))}`,
    )
    .join('&');
}

/** Accepts (dispatches) every report still 待审核, as the supervisor does: only then is it public. */
export async function acceptPending(supervisor: Client): Promise<void> {
  const unitId = (await supervisor.get('/api/units')).body.items[0].id as string;
  const pending = await supervisor.get('/api/problems?status=submitted&pageSize=500');
  for (const p of pending.body.items as { id: string }[]) {
    const r = await supervisor.post(`/api/problems/${p.id}/actions/dispatch`, { leadUnitId: unitId });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
}

/** A file part of a multipart body. */
export interface FilePart {
  field: string;
  filename: string;
  content: Buffer;
  type: string;
}

/**
 * POSTs a multipart/form-data body, fields first and files after, as an HTTP client library sends a
 * form with photos (FixMyStreet's Open311 client sends its `media` this way, the key among the fields).
 */
export async function callMultipart(
  app: App,
  url: string,
  fields: [string, string | number][],
  files: FilePart[],
): Promise<Open311Response> {
  const boundary = `----open311${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of fields)
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  for (const f of files)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.filename}"\r\nContent-Type: ${f.type}\r\n\r\n`,
      ),
      f.content,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const r = await app.inject({
    method: 'POST',
    url,
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
  let json: unknown = undefined;
  if (String(r.headers['content-type']).startsWith('application/json')) json = JSON.parse(r.body);
  return { status: r.statusCode, headers: r.headers, text: r.body, json };
}

/** A small JPEG photo (a plain colour), as a phone camera would send one. */
export async function jpegPhoto(width = 64, height = 48): Promise<Buffer> {
  const sharp = (await import('sharp')).default;
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .jpeg()
    .toBuffer();
}
