import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Answer } from '../kernel/versionedCache.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Answers smaller than this go out as they are: compressing them would save less than it costs. */
export const COMPRESS_MIN_BYTES = 1024;

/**
 * Whether an Accept-Encoding header admits gzip: named (or `*`) without `q=0`, and not refused by name when
 * `*` admits it (RFC 9110 §12.5.3). Malformed parts are ignored.
 */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (!header) return false;
  return readAcceptEncoding(Array.isArray(header) ? header.join(',') : header);
}

function readAcceptEncoding(text: string): boolean {
  let named: boolean | undefined;
  let any: boolean | undefined;
  for (const part of text.split(',')) {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    let q = 1;
    for (const p of params) {
      // A malformed weight counts as a refusal: sending the bytes as they are is always safe.
      if (p.startsWith('q=')) q = /^q=(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(p) ? Number(p.slice(2)) : 0;
    }
    const ok = Number.isFinite(q) && q > 0;
    if (coding === 'gzip' || coding === 'x-gzip') named = ok;
    else if (coding === '*') any = ok;
  }
  return named ?? any ?? false;
}

/**
 * Sends a serialised answer: gzip-compressed (made once per answer and kept with it) when the client
 * accepts it and the answer is large enough to gain from it, otherwise its bytes as they are.
 */
export async function sendAnswer(
  req: FastifyRequest,
  reply: FastifyReply,
  answer: Answer,
): Promise<FastifyReply> {
  reply.type(JSON_TYPE).header('vary', 'accept-encoding');
  if (answer.body.length >= COMPRESS_MIN_BYTES && acceptsGzip(req.headers['accept-encoding'])) {
    const gz = await answer.gzip();
    return reply.header('content-encoding', 'gzip').send(gz);
  }
  return reply.send(answer.body);
}
