import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { badRequest } from '../../platform/errors.ts';
import { requireAuth, requireRole } from '../../platform/guards.ts';
import type { App } from '../../platform/types.ts';
import { briefing } from './briefing.ts';
import { Briefing, BriefingQuery, ExportQuery, ImportResult } from './ledger.schema.ts';
import { exportLedger, importLedger, XLSX_MIME } from './ledger.service.ts';

const tags = ['ledger'];

/** Ledger export and import (台账) and the briefing. */
export async function ledgerRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    '/api/problems/export.xlsx',
    {
      schema: {
        tags,
        querystring: ExportQuery,
        description: 'The filtered problems the caller may see, as an .xlsx ledger (台账).',
      },
    },
    async (req, reply) => {
      const out = await exportLedger(ctx, requireAuth(req), req.query);
      return reply
        .type(XLSX_MIME)
        .header(
          'content-disposition',
          `attachment; filename="ledger.xlsx"; filename*=UTF-8''${encodeURIComponent(out.filename)}`,
        )
        .header('x-total-count', String(out.rows))
        .header('cache-control', 'no-store')
        .send(out.stream);
    },
  );

  app.post(
    '/api/problems/import',
    {
      schema: {
        tags,
        consumes: ['multipart/form-data'],
        description: 'Imports a filled ledger (.xlsx, field `file`): all rows or none.',
        response: { 201: ImportResult },
      },
    },
    async (req, reply) => {
      const p = requireRole(req, 'supervisor', 'admin');
      if (!req.isMultipart())
        throw badRequest('file: send multipart/form-data with the ledger in the field "file"');
      const part = await req.file();
      if (!part || part.fieldname !== 'file')
        throw badRequest('file: the ledger must be sent in the field "file"');
      const data = await part.toBuffer();
      const result = await importLedger(ctx, p, data);
      reply.status(201);
      return result;
    },
  );

  app.get(
    '/api/briefing',
    {
      schema: {
        tags: ['stats'],
        querystring: BriefingQuery,
        response: { 200: z.union([Briefing, z.string()]) },
      },
    },
    async (req, reply) => {
      const b = await briefing(ctx, req.principal, req.jurisdictionId, req.query);
      const accept = String(req.headers.accept ?? '');
      if (req.query.format === 'text' || (req.query.format !== 'json' && accept.startsWith('text/plain'))) {
        return reply.type('text/plain; charset=utf-8').send(b.text);
      }
      return b;
    },
  );
}
