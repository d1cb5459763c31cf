/**
 * The empty ledger (台账) to fill in: the export's layout with no rows, each header carrying a note (a cell
 * comment) that says what the column takes. A filled template imports as new problems.
 */
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import {
  CHANNEL_LABELS,
  CHANNELS,
  RECTIFICATION_LABELS,
  RECTIFICATION_TYPES,
  STATUS_LABELS,
} from '../problems/index.ts';
import { HEADER_ROWS, LEDGER_COLUMNS, SERIAL_HEADER, type LedgerColumnKey } from './ledger.schema.ts';

/** What each column takes, in the words of the people who fill it in. */
function columnNotes(): Record<LedgerColumnKey, string> {
  return {
    number: '新问题留空（导入后自动编号）；填写系统中已有的编号，则把本行新增的整改进展记入该问题',
    topic: '调研课题名称，可空',
    leadOfficial: '课题的领题领导，填写调研课题时可填',
    foundOn: '日期，如 2024-05-06；空为导入当天',
    channel: `可空，为以下之一：${CHANNELS.map((c) => CHANNEL_LABELS[c]).join('、')}`,
    kind: '企需、民呼、其他之一，可空（由问题类别决定）',
    domain: '领域名称，可空（由问题类别决定）',
    category: '必填：问题类别名称，如 道路设施',
    township: '乡镇街道名称；与村社区至少填写一项',
    village: '村（社区）名称',
    address: '详细地址，200 字以内',
    title: '必填：问题标题，100 字以内',
    description: '必填：问题描述',
    claimant: '反映人姓名或企业名称',
    phone: '11 位手机号码',
    leadUnit: '牵头责任单位名称；已交办的问题必填',
    supportingUnits: '配合单位名称，多个用顿号分隔',
    rectificationType: `${RECTIFICATION_TYPES.map((r) => RECTIFICATION_LABELS[r]).join('、')}之一`,
    closeDue: '完成时限，日期',
    status: `必填：${Object.values(STATUS_LABELS).join('、')}之一`,
    progress: '每行一条：日期 空格 内容，如「2024-05-08 已现场核实」',
    closedOn: '已销号的问题必填：销号日期',
    rating: '满意、基本满意、不满意之一',
    result: '已销号的问题必填：成效描述',
    indicators: '指标名:数值单位，多个用分号分隔，如「融资金额:1000000元」',
    mechanism: '形成的制度成果，可空',
  };
}

/** The empty ledger workbook of the principal's jurisdiction. */
export async function ledgerTemplate(
  ctx: AppContext,
  p: Principal,
): Promise<{ filename: string; data: Buffer }> {
  const { default: Excel } = await import('exceljs');
  const name = ctx.jurisdictions.find((j) => j.id === p.jurisdictionId)?.name ?? '';
  const notes = columnNotes();
  const wb = new Excel.Workbook();
  wb.creator = 'Qingdan';
  const ws = wb.addWorksheet('问题清单台账', {
    views: [{ state: 'frozen', xSplit: 2, ySplit: HEADER_ROWS }],
  });
  ws.columns = [{ key: 'serial', width: 6 }, ...LEDGER_COLUMNS.map((c) => ({ key: c.key, width: c.width }))];
  const titleRow = ws.addRow([`${name}问题清单台账`]);
  titleRow.getCell(1).font = { bold: true, size: 16 };
  ws.mergeCells(1, 1, 1, LEDGER_COLUMNS.length + 1);
  const header = ws.addRow([SERIAL_HEADER, ...LEDGER_COLUMNS.map((c) => c.header)]);
  header.eachCell((cell, col) => {
    cell.font = { bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    const key = LEDGER_COLUMNS[col - 2]?.key;
    if (key) cell.note = notes[key];
  });
  return {
    filename: `${name}问题清单台账-模板.xlsx`,
    data: Buffer.from(await wb.xlsx.writeBuffer()),
  };
}
