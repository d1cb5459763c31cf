import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { ProblemFilters } from '../problems/index.ts';
import { briefing } from './briefing.ts';
import { BriefingQuery, type LedgerIssue } from './ledger.schema.ts';
import { exportLedger, importLedger } from './ledger.service.ts';

type WithContext = <T>(fn: (ctx: AppContext) => Promise<T>, opts?: { migrate?: boolean }) => Promise<T>;
type JurisdictionOf = (ctx: AppContext, given?: string) => string;

/** The command line acts as an administrator of the whole jurisdiction. */
function cliPrincipal(jurisdictionId: string): Principal {
  return {
    jurisdictionId,
    userId: null,
    username: 'cli',
    displayName: '命令行',
    roles: ['admin'],
    unitId: null,
    unitIds: [],
    scope: { kind: 'jurisdiction', ref: null },
    via: 'api_key',
  };
}

/** Parses options through a schema, turning its issues into one readable error. */
function parseOptions<T>(
  schema: {
    safeParse: (
      v: unknown,
    ) =>
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  value: unknown,
): T {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new Error(r.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
  return r.data;
}

const FILTER_OPTIONS = [
  'status',
  'kind',
  'domain',
  'category',
  'channel',
  'township',
  'village',
  'unit',
  'campaign',
  'topic',
  'q',
  'from',
  'to',
] as const;

/** Adds `qingdan export`, `qingdan import` and `qingdan briefing`. */
export function registerLedgerCommands(
  program: Command,
  withContext: WithContext,
  jurisdictionOf: JurisdictionOf,
): void {
  const exportCmd = program
    .command('export')
    .description('export problems to an .xlsx ledger (台账), with the filters of GET /api/problems')
    .requiredOption('--out <file>', 'the .xlsx file to write')
    .option('--jurisdiction <id>');
  for (const f of FILTER_OPTIONS) exportCmd.option(`--${f} <value>`, `filter: ${f}`);
  exportCmd.action((o: Record<string, string | undefined>) =>
    withContext(async (ctx) => {
      const filters = parseOptions(
        ProblemFilters,
        Object.fromEntries(FILTER_OPTIONS.filter((f) => o[f] !== undefined).map((f) => [f, o[f]])),
      );
      const out = await exportLedger(ctx, cliPrincipal(jurisdictionOf(ctx, o.jurisdiction)), filters);
      await pipeline(out.stream, fs.createWriteStream(o.out!));
      console.log(`exported ${out.rows} problems to ${o.out}`);
    }),
  );

  program
    .command('import <file>')
    .description('import a filled .xlsx ledger (台账): every row is checked, then all are imported or none')
    .option('--jurisdiction <id>')
    .action((file: string, o: { jurisdiction?: string }) =>
      withContext(async (ctx) => {
        try {
          const r = await importLedger(
            ctx,
            cliPrincipal(jurisdictionOf(ctx, o.jurisdiction)),
            fs.readFileSync(file),
          );
          console.log(`imported ${r.imported} problems from ${file}`);
        } catch (err) {
          if (err instanceof AppError && Array.isArray(err.details)) {
            for (const i of err.details as LedgerIssue[])
              console.error(`  row ${i.row}, ${i.column}: ${i.message}`);
          }
          throw err;
        }
      }),
    );

  program
    .command('briefing')
    .description('write the campaign figures as a briefing paragraph (工作简报)')
    .option('--campaign <id>', 'a campaign id or name; without it, the whole jurisdiction')
    .option('--township <code>')
    .option('--from <date>')
    .option('--to <date>')
    .option('--json', 'print the figures as JSON too')
    .option('--jurisdiction <id>')
    .action(
      (o: {
        campaign?: string;
        township?: string;
        from?: string;
        to?: string;
        json?: boolean;
        jurisdiction?: string;
      }) =>
        withContext(async (ctx) => {
          const jid = jurisdictionOf(ctx, o.jurisdiction);
          const q = parseOptions(BriefingQuery, {
            campaign: o.campaign,
            township: o.township,
            from: o.from,
            to: o.to,
          });
          const b = await briefing(ctx, cliPrincipal(jid), jid, q);
          console.log(o.json ? JSON.stringify(b, null, 2) : b.text);
        }),
    );
}
