import fs from 'node:fs';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { requireAuth } from '../../platform/guards.ts';
import type { App } from '../../platform/types.ts';
import { getProblem } from '../problems/index.ts';
import { readAttachment, storeAttachment } from './attachments.service.ts';

/** Upload and download of photos and documents. */
export async function attachmentsRoutes(app: App, ctx: AppContext): Promise<void> {
  app.post(
    '/api/attachments',
    {
      schema: { tags: ['attachments'], consumes: ['multipart/form-data'] },
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const p = requireAuth(req);
      if (!req.isMultipart()) throw badRequest('send the file as multipart/form-data in the field "file"');
      const file = await req.file();
      if (!file) throw badRequest('file: missing', [{ path: 'file', message: 'missing' }]);
      const data = await file.toBuffer();
      if (file.file.truncated) throw badRequest(`file: larger than ${ctx.config.maxUploadBytes} bytes`);
      reply.status(201);
      return storeAttachment(ctx, p, file.filename ?? 'file', data);
    },
  );

  app.get(
    '/api/attachments/:id',
    { schema: { tags: ['attachments'], params: z.object({ id: z.string().max(64) }) } },
    async (req, reply) => {
      const p = requireAuth(req);
      const found = await readAttachment(ctx, p.jurisdictionId, req.params.id);
      if (!found) throw notFound('attachment');
      const owner = p.userId ?? p.apiKeyId;
      if (found.row.created_by !== owner) {
        if (!found.row.problem_id) throw notFound('attachment');
        await getProblem(ctx, p, found.row.problem_id); // 404 unless the viewer may see the problem
      }
      if (!fs.existsSync(found.absPath)) throw notFound('attachment file');
      const inline = found.row.kind === 'image';
      reply
        .type(found.row.mime)
        .header(
          'content-disposition',
          `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(found.row.original_name)}`,
        )
        .header('cache-control', 'private, max-age=3600')
        .header(
          'content-security-policy',
          "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        );
      return reply.send(fs.createReadStream(found.absPath));
    },
  );
}
