import { z } from 'zod';
import { ProblemFilters } from '../problems/index.ts';

/**
 * The 台账 layout: one column per key, in this order, after the 序号 column. The same list drives the
 * export, the import's header check and the error messages (which name columns by their Chinese header).
 */
export const LEDGER_COLUMNS = [
  { key: 'number', header: '编号', width: 18 },
  { key: 'topic', header: '调研课题', width: 24 },
  { key: 'leadOfficial', header: '领题领导', width: 10 },
  { key: 'foundOn', header: '发现日期', width: 12 },
  { key: 'channel', header: '来源渠道', width: 11 },
  { key: 'kind', header: '类别', width: 8 },
  { key: 'domain', header: '领域', width: 10 },
  { key: 'category', header: '问题类别', width: 14 },
  { key: 'township', header: '乡镇街道', width: 12 },
  { key: 'village', header: '村社区', width: 16 },
  { key: 'address', header: '地址', width: 24 },
  { key: 'title', header: '问题标题', width: 28 },
  { key: 'description', header: '问题描述', width: 44 },
  { key: 'claimant', header: '诉求主体', width: 22 },
  { key: 'phone', header: '联系电话', width: 14 },
  { key: 'leadUnit', header: '牵头责任单位', width: 22 },
  { key: 'supportingUnits', header: '配合单位', width: 22 },
  { key: 'rectificationType', header: '整改类型', width: 10 },
  { key: 'closeDue', header: '完成时限', width: 12 },
  { key: 'status', header: '状态', width: 10 },
  { key: 'progress', header: '整改进展', width: 44 },
  { key: 'closedOn', header: '销号日期', width: 12 },
  { key: 'rating', header: '服务对象评价', width: 12 },
  { key: 'result', header: '成效描述', width: 36 },
  { key: 'indicators', header: '量化指标', width: 32 },
  { key: 'mechanism', header: '制度成果', width: 28 },
] as const;

/**
 * The export's own column after the ledger's: each problem's version when exported. A re-imported row that
 * adds progress must still be at it; not a column to fill in (the template has none).
 */
export const VERSION_COLUMN = { header: '版本', width: 6 } as const;

export type LedgerColumnKey = (typeof LEDGER_COLUMNS)[number]['key'];
/** The header of the running-number column that precedes the ledger columns. */
export const SERIAL_HEADER = '序号';
/** Rows of the sheet above the data: the title row and the header row. */
export const HEADER_ROWS = 2;
/** The most rows one export or import may hold. */
export const MAX_LEDGER_ROWS = 100_000;

/** One data row of a ledger as read from a sheet: trimmed cell texts by column, and its row number. */
export interface LedgerRecord {
  row: number;
  cells: Partial<Record<LedgerColumnKey, string>>;
  /** The 版本 cell of an exported ledger, if any. */
  version?: string;
}

/** One problem ready to be written by the bulk loader: every reference already resolved to codes and ids. */
export interface ImportProblem {
  number: string | null;
  kind: string;
  domain: string;
  categoryCode: string;
  channel: string;
  title: string;
  description: string;
  reporterName: string | null;
  reporterPhone: string | null;
  enterpriseName: string | null;
  townshipCode: string | null;
  villageCode: string | null;
  address: string | null;
  campaignId: string | null;
  topicId: string | null;
  leadUnitId: string | null;
  supportingUnitIds: string[];
  rectificationType: string | null;
  /** ISO timestamp. */
  closeDueAt: string | null;
  status: string;
  /** YYYY-MM-DD. */
  foundOn: string;
  /** ISO timestamp. */
  closedAt: string | null;
  rating: string | null;
  /** 整改进展: dated notes, oldest first. */
  progress: { date: string; note: string }[];
  result: { summary: string; mechanism: string | null; indicators: { code: string; value: number }[] } | null;
  /**
   * What a ledger cannot carry but a bulk load (the synthetic data generator, a migration from another
   * system) may know: exact times, the place, counters, and the log entries before the import.
   */
  extra?: {
    createdAt?: string;
    dispatchedAt?: string | null;
    respondDueAt?: string | null;
    respondedAt?: string | null;
    lat?: number | null;
    lng?: number | null;
    urgency?: string;
    bounceCount?: number;
    reopenCount?: number;
    pressCount?: number;
    history?: {
      action: string;
      from: string | null;
      to: string;
      at: string;
      unitId: string | null;
      note: string | null;
      public: boolean;
    }[];
  };
}

/** A rejected ledger cell: the sheet row, the column header and what is wrong. */
export interface LedgerIssue {
  row: number;
  column: string;
  message: string;
}

/** GET /api/problems/export.xlsx: the list's filters; rows come in number order. */
export const ExportQuery = ProblemFilters;
export type ExportQuery = z.infer<typeof ExportQuery>;

/** GET /api/briefing */
export const BriefingQuery = z.object({
  campaign: z.string().trim().min(1).max(100).optional(),
  township: ProblemFilters.shape.township,
  from: ProblemFilters.shape.from,
  to: ProblemFilters.shape.to,
  format: z.enum(['json', 'text']).optional(),
});
export type BriefingQuery = z.infer<typeof BriefingQuery>;

/** The briefing: its text and the figures it was written from. */
export const Briefing = z.object({
  text: z.string(),
  scope: z.object({
    jurisdiction: z.string(),
    campaignId: z.string().nullable(),
    campaignName: z.string().nullable(),
  }),
  figures: z.object({
    received: z.number(),
    resolved: z.number(),
    byDomain: z.array(z.object({ code: z.string().nullable(), name: z.string(), resolved: z.number() })),
    indicators: z.array(
      z.object({ code: z.string(), name: z.string(), unit: z.string(), value: z.number() }),
    ),
    resolutionRate: z.number().nullable(),
    satisfactionRate: z.number().nullable(),
    onTimeRate: z.number().nullable(),
  }),
});
export type Briefing = z.infer<typeof Briefing>;

/** One existing problem a ledger updates: the progress lines it adds, the changes it cannot make. */
export const LedgerUpdate = z.object({
  row: z.number(),
  number: z.string(),
  title: z.string(),
  progress: z.array(z.object({ date: z.string(), note: z.string() })),
  /** Column headers the row changes that a ledger does not update (changed in the console instead). */
  ignored: z.array(z.string()),
});
export type LedgerUpdate = z.infer<typeof LedgerUpdate>;

/**
 * The body of an import and of its preview: `imported` new problems; where the ledger names existing
 * problems, `updated` ones (listed in `updates`) and `unchanged` rows that add nothing.
 */
export const ImportResult = z.object({
  imported: z.number(),
  updated: z.number().optional(),
  unchanged: z.number().optional(),
  updates: z.array(LedgerUpdate).optional(),
});
export type ImportResult = z.infer<typeof ImportResult>;
