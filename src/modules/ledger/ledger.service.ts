/**
 * The problem ledger (台账) in and out: export of any filtered list to .xlsx in the ledger layout,
 * and import of a filled ledger, validated row by row and written all-or-nothing.
 *
 * Over 500 lines, to be split (issue 19): export, workbook reading, the row validator and the bulk-load
 * engine each belong in a file of their own; they are kept together until the ledger's round trip (issue 21)
 * settles which of them the import needs.
 */
import { PassThrough, type Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { nextCounter } from '../../db/counters.ts';
import { addToRollup, rebuildRollups, runBulkRollup } from '../stats/index.ts';
import { GENESIS_HASH } from '../../kernel/chain.ts';
import { maskPhone } from '../../kernel/mask.ts';
import { redactFields } from '../../kernel/redact.ts';
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, badRequest } from '../../platform/errors.ts';
import {
  CHANNEL_LABELS,
  checkIndicators,
  CHANNELS,
  actionHashAt,
  countProblems,
  filterContext,
  problemsByNumber,
  problemsByNumberOrId,
  addLedgerProgress,
  ConcurrentChange,
  RATINGS,
  RECTIFICATION_LABELS,
  RECTIFICATION_TYPES,
  resultOf,
  resultsOf,
  seesPersonalData,
  STATUS_LABELS,
  STATUSES,
  supportingUnitsOf,
  type ProblemFilters,
  type ProblemRecord,
  type Status,
} from '../problems/index.ts';
import type { ReferenceData } from '../reference/index.ts';
import {
  ChunkPreparer,
  localInstant,
  yearsOf,
  type ImportActor,
  type LoadPlan,
  type PreparedChunk,
} from './bulk.prepare.ts';
import { ledgerRepository } from './ledger.repository.ts';
import { planUpdates } from './ledger.update.ts';
import {
  HEADER_ROWS,
  LEDGER_COLUMNS,
  MAX_LEDGER_ROWS,
  SERIAL_HEADER,
  VERSION_COLUMN,
  type ImportProblem,
  type ImportResult,
  type LedgerColumnKey,
  type LedgerIssue,
  type LedgerRecord,
} from './ledger.schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The media type of .xlsx files. */
export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const KIND_LABELS: Record<string, string> = { enterprise: '企需', resident: '民呼', other: '其他' };
const RATING_LABELS: Record<(typeof RATINGS)[number], string> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
};
const HEADER_OF = new Map<LedgerColumnKey, string>(LEDGER_COLUMNS.map((c) => [c.key, c.header]));
/** Rows read per page while exporting. */
const EXPORT_PAGE = 1000;
const TZ_OFFSET_MS = 8 * 3600_000;

/** 'YYYY-MM-DD' of an ISO timestamp in the jurisdiction's time zone (+08:00). */
function localDate(iso: string | null): string {
  if (!iso) return '';
  return new Date(Date.parse(iso) + TZ_OFFSET_MS).toISOString().slice(0, 10);
}

/** A number without exponent or float noise, as a ledger shows it. */
function plainNumber(v: number): string {
  return String(Math.round(v * 10000) / 10000);
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

/** What the export of one page needs besides the problem rows. */
interface PageContext {
  ref: ReferenceData;
  topics: Map<string, { title: string; lead: string }>;
  /** The exporter may read personal numbers in free text; else they are masked. */
  personalData: boolean;
}

/** The columns of free text, where a personal number may have been typed. */
const FREE_TEXT_COLUMNS = ['title', 'description', 'address', 'progress', 'result', 'mechanism'] as const;

/** Turns one problem into the cells of its ledger row (phone numbers masked; free text unless allowed). */
async function ledgerRowsOf(ctx: AppContext, jid: string, rows: ProblemRecord[], pc: PageContext) {
  const ids = rows.map((r) => r.id);
  const [supporting, results, actions] = await Promise.all([
    supportingUnitsOf(ctx.db, jid, ids),
    resultsOf(ctx.db, jid, ids),
    ledgerRepository.progressActions(ctx.db, jid, ids),
  ]);
  const progressOf = new Map<string, string[]>();
  for (const a of actions) {
    const lines = progressOf.get(a.problem_id) ?? [];
    if (a.action === 'progress') lines.push(`${localDate(a.created_at)} ${a.note ?? ''}`.trim());
    else {
      const data = JSON.parse(a.data) as { progress?: { date: string; note: string }[] };
      for (const p of data.progress ?? []) lines.push(`${p.date} ${p.note}`);
    }
    progressOf.set(a.problem_id, lines);
  }
  const unitName = (id: string) => pc.ref.units.get(id)?.name ?? id;
  return rows.map((r): Record<LedgerColumnKey, string> => {
    const cells = ledgerCellsOf(r);
    return pc.personalData ? cells : redactFields(cells, FREE_TEXT_COLUMNS)!;
  });

  function ledgerCellsOf(r: ProblemRecord): Record<LedgerColumnKey, string> {
    const topic = r.topic_id ? pc.topics.get(r.topic_id) : undefined;
    const res = resultOf(
      pc.ref,
      results.results.find((x) => x.problem_id === r.id),
      results.indicators.filter((x) => x.problem_id === r.id),
    );
    return {
      number: r.number,
      topic: topic?.title ?? '',
      leadOfficial: topic?.lead ?? '',
      foundOn: r.found_on ?? localDate(r.created_at),
      channel: CHANNEL_LABELS[r.channel as (typeof CHANNELS)[number]] ?? r.channel,
      kind: KIND_LABELS[r.kind] ?? r.kind,
      domain: pc.ref.domains.get(r.domain)?.name ?? r.domain,
      category: pc.ref.categories.get(r.category_code)?.name ?? r.category_code,
      township: pc.ref.divisionName(r.township_code) ?? '',
      village: pc.ref.divisionName(r.village_code) ?? '',
      address: r.address ?? '',
      title: r.title,
      description: r.description,
      claimant: r.enterprise_name ?? r.reporter_name ?? '',
      phone: maskPhone(r.reporter_phone) ?? '',
      leadUnit: r.lead_unit_id ? unitName(r.lead_unit_id) : '',
      supportingUnits: (supporting.get(r.id) ?? []).map(unitName).join('、'),
      rectificationType: r.rectification_type
        ? (RECTIFICATION_LABELS[r.rectification_type as (typeof RECTIFICATION_TYPES)[number]] ??
          r.rectification_type)
        : '',
      closeDue: localDate(r.close_due_at),
      status: STATUS_LABELS[r.status as Status] ?? r.status,
      progress: (progressOf.get(r.id) ?? []).join('\n'),
      closedOn: localDate(r.closed_at),
      rating: r.rating ? (RATING_LABELS[r.rating as (typeof RATINGS)[number]] ?? r.rating) : '',
      result: res?.summary ?? '',
      indicators: (res?.indicators ?? []).map((i) => `${i.name}:${plainNumber(i.value)}${i.unit}`).join('; '),
      mechanism: res?.mechanism ?? '',
    };
  }
}

/** The ledger cells of these problems as the principal's export writes them now. */
async function currentLedgerCells(
  ctx: AppContext,
  p: Principal,
  rows: ProblemRecord[],
): Promise<Record<LedgerColumnKey, string>[]> {
  const jid = p.jurisdictionId;
  const topics = new Map(
    (await ledgerRepository.topics(ctx.db, jid)).map((t) => [
      t.id,
      { title: t.title, lead: t.lead_official_name },
    ]),
  );
  const pc = { ref: await ctx.reference.get(jid), topics, personalData: seesPersonalData(p) };
  const out: Record<LedgerColumnKey, string>[] = [];
  for (let i = 0; i < rows.length; i += EXPORT_PAGE)
    out.push(...(await ledgerRowsOf(ctx, jid, rows.slice(i, i + EXPORT_PAGE), pc)));
  return out;
}

/**
 * Exports the problems the principal may see, filtered as the list is, as a ledger workbook written
 * page by page into a stream. Refuses (400) more than MAX_LEDGER_ROWS rows before writing anything.
 */
export async function exportLedger(
  ctx: AppContext,
  p: Principal,
  filters: ProblemFilters,
  opts: { maxRows?: number } = {},
): Promise<{ filename: string; rows: number; stream: Readable }> {
  const jid = p.jurisdictionId;
  const fc = await filterContext(ctx, p, filters);
  const total = await countProblems(ctx.db, fc);
  const max = opts.maxRows ?? MAX_LEDGER_ROWS;
  if (total > max) {
    throw badRequest(
      `导出 ${total} 条，超过上限 ${max} 条，请缩小筛选范围 / ${total} rows exceed the limit of ${max}; narrow the filters`,
      [{ path: 'filters', message: `at most ${max} rows per export` }],
    );
  }
  const ref = await ctx.reference.get(jid);
  const topics = new Map(
    (await ledgerRepository.topics(ctx.db, jid)).map((t) => [
      t.id,
      { title: t.title, lead: t.lead_official_name },
    ]),
  );
  const now = ctx.clock.now();
  const stamp = new Date(now.getTime() + TZ_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
  const name = ctx.jurisdictions.find((j) => j.id === jid)?.name ?? '';
  const stream = new PassThrough();
  const pc = { ref, topics, personalData: seesPersonalData(p) };
  void writeWorkbook(ctx, jid, fc, pc, `${name}问题清单台账（导出时间 ${stamp}）`, stream).catch(
    (err: unknown) => {
      ctx.log.error({ err }, 'ledger export failed');
      stream.destroy(err as Error);
    },
  );
  return { filename: `${name}问题清单台账-${stamp.slice(0, 10)}.xlsx`, rows: total, stream };
}

/** The spreadsheet library, loaded on the first export or import: the server need not hold it before. */
const loadExcel = () => import('exceljs');

async function writeWorkbook(
  ctx: AppContext,
  jid: string,
  fc: Awaited<ReturnType<typeof filterContext>>,
  pc: PageContext,
  title: string,
  out: PassThrough,
): Promise<void> {
  const { default: Excel } = await loadExcel();
  const wb = new Excel.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = 'Qingdan';
  const ws = wb.addWorksheet('问题清单台账', {
    views: [{ state: 'frozen', xSplit: 2, ySplit: HEADER_ROWS }],
  });
  ws.columns = [
    { key: 'serial', width: 6 },
    ...LEDGER_COLUMNS.map((c) => ({ key: c.key, width: c.width })),
    { key: 'version', width: VERSION_COLUMN.width },
  ];
  const lastColumn = LEDGER_COLUMNS.length + 2;

  const titleRow = ws.addRow([title]);
  titleRow.height = 28;
  titleRow.getCell(1).font = { bold: true, size: 16 };
  titleRow.getCell(1).alignment = { horizontal: 'center', vertical: 'middle' };
  ws.mergeCells(1, 1, 1, lastColumn);
  titleRow.commit();

  const header = ws.addRow([SERIAL_HEADER, ...LEDGER_COLUMNS.map((c) => c.header), VERSION_COLUMN.header]);
  header.height = 22;
  header.eachCell((cell) => {
    cell.font = { bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    cell.border = { bottom: { style: 'thin' } };
  });
  header.commit();

  let serial = 0;
  let after: string | null = null;
  for (;;) {
    const rows = await problemsByNumber(ctx.db, fc, after, EXPORT_PAGE);
    if (rows.length === 0) break;
    const cellsOf = await ledgerRowsOf(ctx, jid, rows, pc);
    for (const [i, cells] of cellsOf.entries()) {
      const version = String(rows[i]!.version);
      const row = ws.addRow([++serial, ...LEDGER_COLUMNS.map((c) => cells[c.key]), version]);
      row.alignment = { vertical: 'top', wrapText: true };
      row.commit();
    }
    after = rows[rows.length - 1]!.number;
    if (rows.length < EXPORT_PAGE) break;
  }
  ws.commit();
  await wb.commit();
}

// ---------------------------------------------------------------------------------------------
// Reading a workbook
// ---------------------------------------------------------------------------------------------

/** The text of a cell, whatever Excel stored in it (rich text, formulas, dates, numbers). */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v)
      return v.richText
        .map((t) => t.text)
        .join('')
        .trim();
    if ('text' in v && typeof v.text === 'string') return v.text.trim();
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    return '';
  }
  return String(v).trim();
}

/** Reads the first sheet of a ledger workbook into records; a header problem is one issue on its row. */
export async function readLedger(
  data: Buffer,
): Promise<{ records: LedgerRecord[]; issues: LedgerIssue[]; columns: Set<LedgerColumnKey> }> {
  if (data.length < 4 || data.readUInt32LE(0) !== 0x04034b50) {
    throw new AppError(400, 'ledger_unreadable', 'file: 不是 .xlsx 文件 / not an .xlsx workbook');
  }
  const { default: Excel } = await loadExcel();
  const wb = new Excel.Workbook();
  try {
    await wb.xlsx.load(data as unknown as Parameters<typeof wb.xlsx.load>[0]);
  } catch (err) {
    throw new AppError(
      400,
      'ledger_unreadable',
      `file: 无法读取该 .xlsx 文件 / unreadable workbook (${(err as Error).message})`,
    );
  }
  const ws = wb.worksheets[0];
  if (!ws)
    throw new AppError(400, 'ledger_unreadable', 'file: 工作簿中没有工作表 / the workbook has no sheet');

  // The header row is the first of the top rows that names the ledger's columns.
  const byHeader = new Map<string, LedgerColumnKey>(LEDGER_COLUMNS.map((c) => [c.header, c.key]));
  let headerRow = 0;
  let versionColumn = 0;
  const columnOf = new Map<LedgerColumnKey, number>();
  for (let r = 1; r <= Math.min(5, ws.rowCount) && headerRow === 0; r++) {
    const found = new Map<LedgerColumnKey, number>();
    let version = 0;
    ws.getRow(r).eachCell((cell, col) => {
      const text = cellText(cell.value).replace(/\s+/g, '');
      const key = byHeader.get(text);
      if (key && !found.has(key)) found.set(key, col);
      else if (text === VERSION_COLUMN.header && !version) version = col;
    });
    if (found.has('number') && found.has('title')) {
      headerRow = r;
      versionColumn = version;
      for (const [k, v] of found) columnOf.set(k, v);
    }
  }
  if (headerRow === 0) {
    return {
      columns: new Set(),
      records: [],
      issues: [
        {
          row: HEADER_ROWS,
          column: '表头',
          message: '未找到台账表头（编号、问题标题……）/ no ledger header row found',
        },
      ],
    };
  }
  const issues: LedgerIssue[] = [];
  for (const key of ['category', 'title', 'description', 'status'] as const) {
    if (!columnOf.has(key))
      issues.push({ row: headerRow, column: HEADER_OF.get(key)!, message: '缺少此列 / column missing' });
  }
  if (!columnOf.has('township') && !columnOf.has('village')) {
    issues.push({
      row: headerRow,
      column: '乡镇街道',
      message: '缺少乡镇街道或村社区列 / a township or village column is needed',
    });
  }
  const records: LedgerRecord[] = [];
  for (let r = headerRow + 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const cells: LedgerRecord['cells'] = {};
    let any = false;
    for (const [key, col] of columnOf) {
      const t = cellText(row.getCell(col).value);
      if (t !== '') {
        cells[key] = t;
        any = true;
      }
    }
    const version = versionColumn ? cellText(row.getCell(versionColumn).value) : '';
    if (any) records.push({ row: r, cells, ...(version ? { version } : {}) });
  }
  if (records.length > MAX_LEDGER_ROWS) {
    issues.push({
      row: headerRow + MAX_LEDGER_ROWS + 1,
      column: SERIAL_HEADER,
      message: `超过 ${MAX_LEDGER_ROWS} 行上限 / more than ${MAX_LEDGER_ROWS} rows`,
    });
  }
  return { records, issues, columns: new Set(columnOf.keys()) };
}

// ---------------------------------------------------------------------------------------------
// Validation: ledger records → problems ready to load
// ---------------------------------------------------------------------------------------------

/** Parses the dates people type into a ledger: 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日. */
export function parseLedgerDate(s: string): string | null {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$/.exec(s.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** Looks a value up by code or by (unique) name; 'ambiguous' when several names match. */
function lookup<T>(
  items: Iterable<T>,
  value: string,
  code: (t: T) => string,
  name: (t: T) => string,
): T | 'ambiguous' | undefined {
  const all = [...items];
  const byCode = all.find((t) => code(t) === value);
  if (byCode) return byCode;
  const byName = all.filter((t) => name(t) === value);
  if (byName.length > 1) return 'ambiguous';
  return byName[0];
}

/** What validation needs to know about the target database. */
export interface LedgerTargets {
  ref: ReferenceData;
  topics: { id: string; title: string; campaign_id: string; lead_official_name: string }[];
  existingNumbers: Set<string>;
  today: string;
}

/** Validates ledger records against the reference data; every bad cell becomes an issue. */
export function validateLedger(
  records: LedgerRecord[],
  t: LedgerTargets,
): { problems: ImportProblem[]; issues: LedgerIssue[] } {
  const issues: LedgerIssue[] = [];
  const problems: ImportProblem[] = [];
  const seenNumbers = new Map<string, number>();
  const { ref } = t;
  const divisions = [...ref.divisions.values()];
  const units = [...ref.units.values()];

  for (const rec of records) {
    const c = rec.cells;
    const before = issues.length;
    const bad = (key: LedgerColumnKey, message: string) =>
      issues.push({ row: rec.row, column: HEADER_OF.get(key)!, message });
    const tooLong = (key: LedgerColumnKey, max: number) => {
      const v = c[key];
      if (v && [...v].length > max) bad(key, `不能超过 ${max} 个字 / at most ${max} characters`);
    };

    // 编号
    const number = c.number ?? null;
    if (number !== null) {
      if (!/^[\w-]{1,40}$/.test(number))
        bad('number', `编号「${number}」格式不正确 / letters, digits and - only`);
      else if (t.existingNumbers.has(number))
        bad('number', `编号「${number}」已存在 / number exists already`);
      else if (seenNumbers.has(number))
        bad(
          'number',
          `编号「${number}」与第 ${seenNumbers.get(number)} 行重复 / duplicate of row ${seenNumbers.get(number)}`,
        );
      else seenNumbers.set(number, rec.row);
    }

    // 问题类别, 类别, 领域
    const cat = c.category
      ? lookup(
          ref.categories.values(),
          c.category,
          (x) => x.code,
          (x) => x.name,
        )
      : undefined;
    if (!c.category) bad('category', '必填 / required');
    else if (cat === undefined || cat === 'ambiguous' || !cat.active)
      bad('category', `未知的问题类别「${c.category}」/ unknown category`);
    const category = cat && cat !== 'ambiguous' && cat.active ? cat : null;
    if (c.kind) {
      const kind = Object.entries(KIND_LABELS).find(
        ([code, label]) => c.kind === code || c.kind === label,
      )?.[0];
      if (!kind) bad('kind', `类别应为 企需 / 民呼 / 其他，而不是「${c.kind}」/ unknown kind`);
      else if (category && kind !== category.kind)
        bad(
          'kind',
          `问题类别「${category.name}」属于${KIND_LABELS[category.kind]} / the category is of another kind`,
        );
    }
    if (c.domain) {
      const domain = lookup(
        ref.domains.values(),
        c.domain,
        (x) => x.code,
        (x) => x.name,
      );
      if (!domain || domain === 'ambiguous') bad('domain', `未知的领域「${c.domain}」/ unknown domain`);
      else if (category && domain.code !== category.domain)
        bad(
          'domain',
          `问题类别「${category.name}」属于领域「${ref.domains.get(category.domain)?.name ?? category.domain}」/ the category is of another domain`,
        );
    }

    // 调研课题, 领题领导
    let topic: LedgerTargets['topics'][number] | null = null;
    if (c.topic) {
      const found = lookup(
        t.topics,
        c.topic,
        (x) => x.id,
        (x) => x.title,
      );
      if (!found || found === 'ambiguous') bad('topic', `未知的调研课题「${c.topic}」/ unknown topic`);
      else topic = found;
    }
    if (c.leadOfficial && topic && c.leadOfficial !== topic.lead_official_name) {
      bad(
        'leadOfficial',
        `课题「${topic.title}」的领题领导是${topic.lead_official_name}，不是「${c.leadOfficial}」/ not the topic's lead official`,
      );
    } else if (c.leadOfficial && !c.topic) {
      bad('leadOfficial', '填写领题领导时须填写调研课题 / a lead official needs a topic');
    }

    // 发现日期
    let foundOn = t.today;
    if (c.foundOn) {
      const d = parseLedgerDate(c.foundOn);
      if (!d) bad('foundOn', `日期「${c.foundOn}」无效，应为 YYYY-MM-DD / not a date`);
      else if (d > t.today) bad('foundOn', '发现日期不能晚于今天 / in the future');
      else foundOn = d;
    }

    // 来源渠道
    let channel = 'import';
    if (c.channel) {
      const ch = CHANNELS.find((x) => x === c.channel || CHANNEL_LABELS[x] === c.channel);
      if (!ch)
        bad(
          'channel',
          `未知的来源渠道「${c.channel}」，应为 ${CHANNELS.map((x) => CHANNEL_LABELS[x]).join(' / ')}`,
        );
      else channel = ch;
    }

    // 乡镇街道, 村社区
    let townshipCode: string | null = null;
    let villageCode: string | null = null;
    if (c.township) {
      const tw = lookup(
        divisions.filter((d) => d.level === 'township'),
        c.township,
        (x) => x.code,
        (x) => x.name,
      );
      if (!tw || tw === 'ambiguous') bad('township', `未知的乡镇街道「${c.township}」/ unknown township`);
      else townshipCode = tw.code;
    }
    if (c.village) {
      const candidates = divisions.filter(
        (d) => d.level === 'village' && (!townshipCode || d.parentCode === townshipCode),
      );
      const v = lookup(
        candidates,
        c.village,
        (x) => x.code,
        (x) => x.name,
      );
      if (!v)
        bad(
          'village',
          townshipCode
            ? `「${c.village}」不是${c.township}的村（社区）/ not a village of the township`
            : `未知的村社区「${c.village}」/ unknown village`,
        );
      else if (v === 'ambiguous')
        bad('village', `村社区「${c.village}」重名，请填写乡镇街道 / ambiguous; give the township`);
      else {
        villageCode = v.code;
        townshipCode = v.parentCode;
      }
    }
    if (!c.township && !c.village)
      bad('township', '乡镇街道和村社区至少填写一项 / a township or village is required');

    // 问题标题, 问题描述, 地址, 诉求主体, 联系电话
    if (!c.title) bad('title', '必填 / required');
    if (!c.description) bad('description', '必填 / required');
    tooLong('title', 100);
    tooLong('description', 5000);
    tooLong('address', 200);
    const enterprise = category?.kind === 'enterprise';
    tooLong('claimant', enterprise ? 100 : 40);
    let phone: string | null = null;
    if (c.phone && !c.phone.includes('*')) {
      if (!/^1[3-9]\d{9}$/.test(c.phone))
        bad('phone', `「${c.phone}」不是 11 位手机号码 / not a mobile number`);
      else phone = c.phone;
    }

    // 状态
    const status = c.status
      ? STATUSES.find((s) => s === c.status || STATUS_LABELS[s] === c.status)
      : undefined;
    if (!c.status) bad('status', '必填 / required');
    else if (!status)
      bad('status', `未知的状态「${c.status}」，应为 ${STATUSES.map((s) => STATUS_LABELS[s]).join(' / ')}`);
    const dispatched =
      !!status && ['assigned', 'bounced', 'in_progress', 'closure_requested', 'closed'].includes(status);

    // 牵头责任单位, 配合单位
    let leadUnitId: string | null = null;
    if (c.leadUnit) {
      const u = lookup(
        units,
        c.leadUnit,
        (x) => x.id,
        (x) => x.name,
      );
      if (!u || u === 'ambiguous' || !u.active) bad('leadUnit', `未知的单位「${c.leadUnit}」/ unknown unit`);
      else leadUnitId = u.id;
    } else if (dispatched && status !== 'bounced') {
      bad('leadUnit', `状态为「${STATUS_LABELS[status!]}」的问题须有牵头责任单位 / a lead unit is required`);
    }
    const supportingUnitIds: string[] = [];
    for (const name of (c.supportingUnits ?? '')
      .split(/[、,，;；\n]+/)
      .map((s) => s.trim())
      .filter(Boolean)) {
      const u = lookup(
        units,
        name,
        (x) => x.id,
        (x) => x.name,
      );
      if (!u || u === 'ambiguous' || !u.active) bad('supportingUnits', `未知的单位「${name}」/ unknown unit`);
      else if (u.id !== leadUnitId && !supportingUnitIds.includes(u.id)) supportingUnitIds.push(u.id);
    }
    if (supportingUnitIds.length && !leadUnitId)
      bad('supportingUnits', '有配合单位时须有牵头责任单位 / supporting units need a lead unit');

    // 整改类型, 完成时限
    let rectificationType: string | null = null;
    if (c.rectificationType) {
      const r = RECTIFICATION_TYPES.find(
        (x) => x === c.rectificationType || RECTIFICATION_LABELS[x] === c.rectificationType,
      );
      if (!r)
        bad(
          'rectificationType',
          `整改类型应为 立行立改 / 限期整改 / 长期坚持，而不是「${c.rectificationType}」`,
        );
      else rectificationType = r;
    }
    let closeDueAt: string | null = null;
    if (c.closeDue) {
      const d = parseLedgerDate(c.closeDue);
      if (!d) bad('closeDue', `日期「${c.closeDue}」无效，应为 YYYY-MM-DD / not a date`);
      else if (d < foundOn) bad('closeDue', '完成时限早于发现日期 / before the date found');
      else closeDueAt = localInstant(d, '23:59:59');
    }

    // 整改进展: one dated note per line
    const progress: ImportProblem['progress'] = [];
    for (const line of (c.progress ?? '')
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter(Boolean)) {
      const m = /^(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)\s*[：:]?\s*(.*)$/.exec(line);
      const date = m ? parseLedgerDate(m[1]!) : null;
      if (m && !date) bad('progress', `进展日期「${m[1]}」无效 / not a date`);
      else if ([...line].length > 5000) bad('progress', '单条进展不能超过 5000 字 / a note is too long');
      else progress.push({ date: date ?? foundOn, note: m ? m[2]! : line });
    }

    // 销号日期, 服务对象评价
    let closedAt: string | null = null;
    if (c.closedOn) {
      const d = parseLedgerDate(c.closedOn);
      if (!d) bad('closedOn', `日期「${c.closedOn}」无效，应为 YYYY-MM-DD / not a date`);
      else if (status && status !== 'closed')
        bad(
          'closedOn',
          `状态为「${STATUS_LABELS[status]}」的问题不应有销号日期 / only closed problems have one`,
        );
      else if (d < foundOn) bad('closedOn', '销号日期早于发现日期 / before the date found');
      else if (d > t.today) bad('closedOn', '销号日期不能晚于今天 / in the future');
      else closedAt = localInstant(d);
    } else if (status === 'closed') {
      bad('closedOn', '已销号的问题须填写销号日期 / a closed problem needs its closing date');
    }
    let rating: string | null = null;
    if (c.rating) {
      const r = RATINGS.find((x) => x === c.rating || RATING_LABELS[x] === c.rating);
      if (!r) bad('rating', `评价应为 满意 / 基本满意 / 不满意，而不是「${c.rating}」`);
      else if (status && status !== 'closed')
        bad('rating', '只有已销号的问题才有服务对象评价 / only closed problems are rated');
      else rating = r;
    }

    // 成效描述, 量化指标, 制度成果
    const indicators: { code: string; value: number }[] = [];
    for (const part of (c.indicators ?? '')
      .split(/[;；\n]+/)
      .map((s) => s.trim())
      .filter(Boolean)) {
      const m = /^(.+?)\s*[:：]\s*([-+]?\d+(?:\.\d+)?)\s*(\S*)$/.exec(part);
      if (!m) {
        bad(
          'indicators',
          `「${part}」应写作 指标名:数值单位，如 融资金额:35000000元 / write name:value unit`,
        );
        continue;
      }
      const def = lookup(
        ref.indicators.values(),
        m[1]!,
        (x) => x.code,
        (x) => x.name,
      );
      if (!def || def === 'ambiguous') {
        bad(
          'indicators',
          `未知的指标「${m[1]}」，可用：${[...ref.indicators.values()].map((i) => i.name).join('、')}`,
        );
        continue;
      }
      const unit = m[3] ?? '';
      const factor =
        unit === '' || unit === def.unit
          ? 1
          : unit === `万${def.unit}`
            ? 10_000
            : unit === `亿${def.unit}`
              ? 100_000_000
              : null;
      const value = Number(m[2]) * (factor ?? 1);
      if (factor === null)
        bad('indicators', `指标「${def.name}」的单位是${def.unit}，不是「${unit}」/ wrong unit`);
      else if (value < 0 || value > 1e13)
        bad('indicators', `指标「${def.name}」的数值超出范围 / out of range`);
      else if (indicators.some((i) => i.code === def.code))
        bad('indicators', `指标「${def.name}」重复 / given twice`);
      else indicators.push({ code: def.code, value });
    }
    // The same rules as a closure request: the category's domain and each indicator's range. A ledger is a
    // signed-off record, so an unusual value stands as confirmed.
    if (category)
      for (const e of checkIndicators(
        indicators.map((i) => ({ ...i, confirmed: true })),
        category.domain,
        ref.indicators,
      ).errors)
        bad('indicators', e.message);
    const hasResult = !!(c.result || c.mechanism || c.indicators);
    if (hasResult && !c.result)
      bad('result', '填写量化指标或制度成果时须填写成效描述 / a result summary is required');
    // A result may stand on any problem past dispatch: a reopened problem (重办) keeps its earlier result.
    if (hasResult && status && !dispatched) {
      bad(
        'result',
        `状态为「${STATUS_LABELS[status]}」的问题不应有成效 / only dispatched problems have a result`,
      );
    }
    tooLong('result', 5000);
    tooLong('mechanism', 2000);

    if (issues.length > before || !category || !status) continue;
    problems.push({
      number,
      kind: category.kind,
      domain: category.domain,
      categoryCode: category.code,
      channel,
      title: c.title!,
      description: c.description!,
      reporterName: enterprise ? null : (c.claimant ?? null),
      reporterPhone: phone,
      enterpriseName: enterprise ? (c.claimant ?? null) : null,
      townshipCode,
      villageCode,
      address: c.address ?? null,
      campaignId: topic?.campaign_id ?? null,
      topicId: topic?.id ?? null,
      leadUnitId,
      supportingUnitIds,
      rectificationType,
      closeDueAt,
      status,
      foundOn,
      closedAt,
      rating,
      progress,
      result: c.result ? { summary: c.result, mechanism: c.mechanism ?? null, indicators } : null,
    });
  }
  return { problems, issues };
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/** Options of a bulk load. */
export interface BulkLoadOptions {
  /** Problems prepared and written per round of statements by `add` (default 1000). */
  batchSize?: number;
  /** The note of each problem's `import` action. */
  note?: string;
  /**
   * How many problems the whole load brings (default: unknown). A load at least INDEX_REBUILD_MIN large and
   * at least as large as the problems table drops the table's non-unique indexes and builds them again at
   * the end, in the same transaction: sorting once is far cheaper than a random insert per row and index.
   * Such a load also counts the jurisdiction's KPI rollups again from its problems at the end, instead of
   * adding each chunk's problems to them.
   */
  expected?: number;
  /**
   * The SQLite page cache, in MiB, while the end of a load that rebuilds the indexes runs (default: the
   * load's own, 512 MiB). Each of the problems table's secondary indexes reads the whole table, most of
   * which a load has pushed out of a smaller cache, so a larger one shortens the rebuild at the price of a
   * process that holds it. For an offline load in a process of its own (the data generator), not a server's.
   */
  endCacheMiB?: number;
}

/**
 * A bulk load in progress inside the caller's transaction: started by `beginBulkLoad`, fed any number of
 * chunks by `add`, ended by `finish`. Nothing of it is visible before the transaction commits.
 *
 * A caller that prepares its chunks elsewhere (a worker thread: see bench/generate.ts) reserves the years
 * of its numbers, takes the `plan`, gives it to a ChunkPreparer there, and passes each prepared chunk to
 * `write` in order. Preparing is then off the thread that writes; what is written is the same.
 */
export interface BulkLoad {
  /** Writes a chunk of validated problems; returns their ids in order. */
  add(problems: ImportProblem[]): Promise<string[]>;
  /**
   * Takes the number counters of these years (creating them at 0) for the rest of the load, as they stand;
   * on PostgreSQL their rows stay locked until the transaction ends.
   */
  reserveYears(years: string[]): Promise<void>;
  /** Where the load stands now, for a ChunkPreparer elsewhere. */
  plan(): LoadPlan;
  /** Writes a chunk prepared from `plan()`, in order after the chunks written before it. */
  write(chunk: PreparedChunk): Promise<void>;
  /** Ends the load (rebuilds what the start suspended). Must run before the transaction commits. */
  finish(): Promise<void>;
  /** Gives up a load whose transaction will roll back: restores the connection's settings. */
  abort(): Promise<void>;
}

/** The smallest load that rebuilds the problems table's indexes instead of maintaining them row by row. */
export const INDEX_REBUILD_MIN = 20_000;

/**
 * Starts a bulk load of problems into one jurisdiction inside the caller's transaction: problems, units,
 * results and indicators, their log (the history given with each problem, then one `import` action each,
 * hash-chained in order after the jurisdiction's last action), the full-text index, and the number
 * counters raised past every imported number. The real ledger import (`loadProblems`) and the synthetic
 * data generator both load through here; the rows are made by a ChunkPreparer (bulk.prepare.ts).
 *
 * Everything that must happen once before the first row of a load is written happens in this function,
 * and everything that must happen once after the last row in `finish`.
 */
export async function beginBulkLoad(
  ctx: AppContext,
  trx: Db,
  jurisdictionId: string,
  actor: ImportActor,
  opts: BulkLoadOptions = {},
): Promise<BulkLoad> {
  const jid = jurisdictionId;
  const ref = await ctx.reference.get(jid);
  const prefix = ctx.jurisdictions.find((j) => j.id === jid)?.numberPrefix ?? 'QD';
  const batchSize = opts.batchSize ?? 1000;

  // ---- Start of a bulk load: suspend what is cheaper to rebuild once at the end. ----
  const expected = opts.expected ?? 0;
  const rebuildIndexes =
    expected >= INDEX_REBUILD_MIN && expected >= (await ledgerRepository.problemCount(trx));
  // Only the problems table's indexes: the log's grow at their end anyway, and PostgreSQL builds the
  // search table's GIN index from scratch slower than it takes the new rows one batch at a time.
  const session = await ctx.dialect.beginBulkLoad(trx, {
    tables: ['problems'],
    rebuildIndexes,
    endCacheMiB: opts.endCacheMiB,
  });
  // The KPI rollups: no trigger per row; each chunk's problems are added with a few grouped statements.
  await runBulkRollup(trx, ctx.dialect, 'suspend');
  // A load at least as large as what is there counts the rollups once at its end, from all the problems of
  // the jurisdiction (at most twice the load): one grouped pass costs less than looking up every chunk's
  // problems again.
  const recountRollups = rebuildIndexes;

  // Where the log stands: its counter taken (and on PostgreSQL its row locked) for the whole load, so
  // that the load's actions follow on without a gap and nothing else writes between them.
  const lastSeq = await nextCounter(trx, jid, 'action_seq', 0);
  const start: LoadPlan = {
    jurisdictionId: jid,
    prefix,
    at: ctx.clock.now().toISOString(),
    note: opts.note ?? '台账导入',
    actor,
    unitNames: [...ref.units.values()].map((u) => [u.id, u.name]),
    scales: [...ref.indicators.values()].map((i) => [i.code, i.scale]),
    nextSeq: lastSeq + 1,
    prevHash: lastSeq === 0 ? GENESIS_HASH : ((await actionHashAt(trx, jid, lastSeq)) ?? GENESIS_HASH),
    numberCounters: {},
  };
  const preparer = new ChunkPreparer(start);
  // What has been written: the next chunk must start here; and the number counters of the reserved years.
  let written = { nextSeq: start.nextSeq, hash: start.prevHash };
  const counters: Record<string, number> = {};

  async function reserveYears(years: string[]): Promise<void> {
    const fresh: Record<string, number> = {};
    for (const year of years)
      if (!(year in counters))
        counters[year] = fresh[year] = await nextCounter(trx, jid, `problem_number:${year}`, 0);
    for (const [year, value] of Object.entries(fresh)) stored.numbers.set(year, value);
    preparer.reserved(fresh);
  }

  async function writeRows(chunk: PreparedChunk): Promise<void> {
    if (chunk.firstSeq !== written.nextSeq || chunk.firstPrevHash !== written.hash)
      throw new Error(
        `bulk load: a chunk starting at action ${chunk.firstSeq} was written after action ${written.nextSeq - 1}`,
      );
    // The one write of problems outside problems.changes.ts: each row goes in with its chained `import`
    // action in the same transaction, so the log and the data version move as the funnel would move them.
    await ctx.dialect.bulkInsertRows(trx, 'problems', chunk.problems);
    await ctx.dialect.bulkInsertRows(trx, 'problem_units', chunk.units);
    await ctx.dialect.bulkInsertRows(trx, 'results', chunk.results);
    await ctx.dialect.bulkInsertRows(trx, 'result_indicators', chunk.indicators);
    await ctx.dialect.bulkInsertRows(trx, 'actions', chunk.actions);
    const search = chunk.search;
    await ctx.dialect.indexNewProblems(
      trx,
      search.ids.map((problemId, i) => ({ jurisdictionId: jid, problemId, tokens: search.tokens[i]! })),
    );
    written = { nextSeq: chunk.nextSeq, hash: chunk.lastHash };
    Object.assign(counters, chunk.numberCounters);
  }

  // The counters raised to what the chunks took, after the rows (each statement that writes between
  // batches also makes SQLite's full-text index flush its pending terms).
  const stored = { seq: lastSeq, numbers: new Map<string, number>() };
  async function raiseCounters(): Promise<void> {
    if (written.nextSeq - 1 > stored.seq) {
      stored.seq = written.nextSeq - 1;
      await ledgerRepository.raiseCounter(trx, jid, 'action_seq', stored.seq);
    }
    for (const [year, value] of Object.entries(counters))
      if (value > (stored.numbers.get(year) ?? 0)) {
        stored.numbers.set(year, value);
        await ledgerRepository.raiseCounter(trx, jid, `problem_number:${year}`, value);
      }
  }

  return {
    async add(problems) {
      await reserveYears(yearsOf(prefix, problems));
      const ids: string[] = [];
      for (let i = 0; i < problems.length; i += batchSize) {
        const chunk = preparer.prepare(problems.slice(i, i + batchSize));
        await writeRows(chunk);
        ids.push(...chunk.ids);
      }
      await raiseCounters();
      if (!recountRollups) await addToRollup(trx, ctx.dialect, jid, ids);
      return ids;
    },
    reserveYears,
    plan: () => ({
      ...start,
      nextSeq: written.nextSeq,
      prevHash: written.hash,
      numberCounters: { ...counters },
    }),
    async write(chunk) {
      await writeRows(chunk);
      await raiseCounters();
      if (!recountRollups) await addToRollup(trx, ctx.dialect, jid, chunk.ids);
    },
    async finish() {
      // ---- End of a bulk load: rebuild what the start suspended. ----
      // The rollups before the secondary indexes come back: the grouped pass reads the table in order.
      if (recountRollups) await rebuildRollups(trx, ctx.dialect, jid);
      await session.end();
      await runBulkRollup(trx, ctx.dialect, 'resume');
    },
    async abort() {
      await session.abort();
    },
  };
}

/**
 * Writes validated problems inside the caller's transaction, as one bulk load (see beginBulkLoad): the
 * problems with their units, results and indicators, one `import` action each (after any history given),
 * the full-text index, and the number counters raised past every imported number. Returns the ids.
 */
export async function loadProblems(
  ctx: AppContext,
  trx: Db,
  jurisdictionId: string,
  actor: ImportActor,
  problems: ImportProblem[],
  opts: BulkLoadOptions = {},
): Promise<string[]> {
  const load = await beginBulkLoad(ctx, trx, jurisdictionId, actor, { expected: problems.length, ...opts });
  try {
    const ids = await load.add(problems);
    await load.finish();
    return ids;
  } catch (err) {
    await load.abort();
    throw err;
  }
}

/** The error of a refused ledger: 422 naming every bad row and column. */
function ledgerInvalid(issues: LedgerIssue[]): AppError {
  const rows = new Set(issues.map((i) => i.row)).size;
  const sample = issues
    .slice(0, 10)
    .map((i) => `第${i.row}行「${i.column}」：${i.message}`)
    .join('；');
  return new AppError(
    422,
    'ledger_invalid',
    `台账有 ${rows} 行存在错误，未导入任何数据 / ${rows} rows are invalid, nothing was imported: ${sample}${issues.length > 10 ? ' …' : ''}`,
    issues,
  );
}

/**
 * Imports a ledger workbook: reads it, validates every row, and writes all of them in one transaction, or
 * none (422 `ledger_invalid` with every bad row and column). Rows that name an existing problem update it
 * (see ledger.update.ts); the rest are new problems. With `dryRun`, only says what it would do.
 */
export async function importLedger(
  ctx: AppContext,
  p: Principal,
  data: Buffer,
  opts: { dryRun?: boolean } = {},
): Promise<ImportResult> {
  const jid = p.jurisdictionId;
  const { records, issues: headerIssues, columns } = await readLedger(data);
  if (headerIssues.length) throw ledgerInvalid(headerIssues);
  if (records.length === 0)
    throw new AppError(422, 'ledger_invalid', '台账中没有数据行 / the ledger has no rows', []);
  const numbers = [...new Set(records.map((r) => r.cells.number).filter((n): n is string => !!n))];
  const today = localDate(ctx.clock.now().toISOString());

  // The problems the ledger names that the importer may see, with their cells as exported now.
  const fc = await filterContext(ctx, p, {});
  const rows: ProblemRecord[] = [];
  for (let i = 0; i < numbers.length; i += 500)
    rows.push(...(await problemsByNumberOrId(ctx.db, fc, numbers.slice(i, i + 500))));
  const cells = await currentLedgerCells(ctx, p, rows);
  const named = new Map(rows.map((r, i) => [r.number, { row: r, cells: cells[i]! }]));
  const names = (r: LedgerRecord) => !!r.cells.number && named.has(r.cells.number);
  const planned = planUpdates(records.filter(names), named, columns, today, parseLedgerDate);

  const fresh = records.filter((r) => !names(r));
  const freshNumbers = fresh.map((r) => r.cells.number).filter((n): n is string => !!n);
  const targets: LedgerTargets = {
    ref: await ctx.reference.get(jid),
    topics: await ledgerRepository.topics(ctx.db, jid),
    existingNumbers: await ledgerRepository.existingNumbers(ctx.db, jid, freshNumbers),
    today,
  };
  const { problems, issues } = validateLedger(fresh, targets);
  const allIssues = [...issues, ...planned.issues].sort((a, b) => a.row - b.row);
  if (allIssues.length) throw ledgerInvalid(allIssues);
  const result: ImportResult = {
    imported: problems.length,
    // Only a ledger that names existing problems says what it did to them.
    ...(records.length > fresh.length
      ? {
          updated: planned.updates.length,
          unchanged: planned.unchanged,
          updates: planned.updates.map(({ problem: _problem, ...u }) => u),
        }
      : {}),
  };
  if (opts.dryRun) return result;

  const actor: ImportActor = { userId: p.userId, name: p.displayName, unitId: p.unitId };
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    for (const u of planned.updates) {
      try {
        await addLedgerProgress(trx, u.problem, actor, u.progress, at);
      } catch (err) {
        if (!(err instanceof ConcurrentChange)) throw err;
        throw ledgerInvalid([
          {
            row: u.row,
            column: '编号',
            message: `编号「${u.number}」刚被他人修改，请重新导出后再填写 / changed meanwhile; export again`,
          },
        ]);
      }
    }
    if (problems.length === 0) return;
    const taken = await ledgerRepository.existingNumbers(trx, jid, freshNumbers);
    if (taken.size) {
      throw ledgerInvalid(
        fresh
          .filter((r) => r.cells.number && taken.has(r.cells.number))
          .map((r) => ({
            row: r.row,
            column: '编号',
            message: `编号「${r.cells.number}」已存在 / number exists already`,
          })),
      );
    }
    await loadProblems(ctx, trx, jid, actor, problems);
  });
  // The load updated each rollup row once a chunk: their old versions go now, not at the next autovacuum;
  // and the tables it filled get the planner's statistics now (PostgreSQL had none for a fresh load, and a
  // handler's list took tens of seconds until autovacuum came by). All tables, not the stale ones: the
  // counts that tell staleness reach PostgreSQL's statistics up to a second after the writes.
  if (problems.length) await ctx.dialect.analyze(ctx.db);
  return result;
}
