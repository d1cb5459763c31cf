import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { badRequest } from '../../platform/errors.ts';
import { requireAuth, requireRole } from '../../platform/guards.ts';
import type { App } from '../../platform/types.ts';
import { briefing } from './briefing.ts';
import { Briefing, BriefingQuery, ExportQuery, ImportResult } from './ledger.schema.ts';
import { exportLedger, importLedger, XLSX_MIME } from './ledger.service.ts';
import { ledgerTemplate } from './ledger.template.ts';

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

  /** The ledger of a multipart request's field `file`. */
  const ledgerFile = async (req: FastifyRequest): Promise<Buffer> => {
    if (!req.isMultipart())
      throw badRequest('file: send multipart/form-data with the ledger in the field "file"');
    const part = await req.file();
    if (!part || part.fieldname !== 'file')
      throw badRequest('file: the ledger must be sent in the field "file"');
    return part.toBuffer();
  };

  app.post(
    '/api/problems/import',
    {
      schema: {
        tags,
        consumes: ['multipart/form-data'],
        description:
          'Imports a filled ledger (.xlsx, field `file`): all rows or none. Rows naming an existing problem add their new progress to it.',
        response: { 201: ImportResult },
      },
    },
    async (req, reply) => {
      const p = requireRole(req, 'supervisor', 'admin');
      const result = await importLedger(ctx, p, await ledgerFile(req));
      reply.status(201);
      return result;
    },
  );

  app.post(
    '/api/problems/import/preview',
    {
      schema: {
        tags,
        consumes: ['multipart/form-data'],
        description:
          'What importing this ledger would create and update (nothing is written); 422 as the import.',
        response: { 200: ImportResult },
      },
    },
    async (req) => {
      const p = requireRole(req, 'supervisor', 'admin');
      return importLedger(ctx, p, await ledgerFile(req), { dryRun: true });
    },
  );

  app.get(
    '/api/problems/ledger-template.xlsx',
    {
      schema: {
        tags,
        description: 'An empty ledger (台账) to fill in: the header row with a note on each column.',
      },
    },
    async (req, reply) => {
      const p = requireRole(req, 'supervisor', 'admin');
      const out = await ledgerTemplate(ctx, p);
      return reply
        .type(XLSX_MIME)
        .header(
          'content-disposition',
          `attachment; filename="ledger-template.xlsx"; filename*=UTF-8''${encodeURIComponent(out.filename)}`,
        )
        .header('cache-control', 'no-store')
        .send(out.data);
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
