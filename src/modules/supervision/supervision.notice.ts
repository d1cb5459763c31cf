import fs from 'node:fs';
import pdfmake from 'pdfmake';
import { placeLine } from '../../kernel/place.ts';
import type { Problem } from '../problems/index.ts';

/** The CJK font of the Debian package fonts-noto-cjk (a TrueType collection: the face is named). */
const FONT_DIR = '/usr/share/fonts/opentype/noto';
const FONTS = {
  NotoSansSC: {
    normal: [`${FONT_DIR}/NotoSansCJK-Regular.ttc`, 'NotoSansCJKsc-Regular'],
    bold: [`${FONT_DIR}/NotoSansCJK-Bold.ttc`, 'NotoSansCJKsc-Bold'],
  },
};

/** What a 督办单 says: the problem, the unit pressed, the deadline and each press so far. */
export interface PressNotice {
  /** 督办单 number, e.g. 荷督〔2024〕第 7 号. */
  noticeNumber: string;
  jurisdictionName: string;
  issuedAt: string;
  problem: Pick<
    Problem,
    'number' | 'title' | 'description' | 'townshipName' | 'villageName' | 'address' | 'closeDueAt'
  > & { leadUnitName: string; supportingUnitNames: string[] };
  presses: { at: string; by: string; note: string }[];
}

/** Formats an instant as a Beijing-time date and minute. */
function beijing(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(Date.parse(iso) + 8 * 3600_000);
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

/** The document definition of a 督办单 (pure: testable without rendering). */
export function pressNoticeDocument(n: PressNotice) {
  const p = n.problem;
  const place = placeLine(p.townshipName, p.villageName, p.address);
  const row = (label: string, value: string) => [{ text: label, bold: true }, value];
  return {
    info: { title: `督办单 ${n.noticeNumber}`, subject: p.number },
    pageSize: 'A4',
    pageMargins: [56, 64, 56, 64],
    defaultStyle: { font: 'NotoSansSC', fontSize: 11, lineHeight: 1.3 },
    content: [
      { text: `${n.jurisdictionName}问题清单督办单`, fontSize: 20, bold: true, alignment: 'center' },
      { text: n.noticeNumber, alignment: 'center', margin: [0, 6, 0, 16] },
      { text: `${p.leadUnitName}：`, bold: true, margin: [0, 0, 0, 8] },
      {
        text: `你单位牵头办理的问题「${p.title}」（编号 ${p.number}）须于 ${beijing(p.closeDueAt)} 前办结。现予督办，请于收到本单后立即组织办理，按期将办理结果报送督查室。`,
        margin: [0, 0, 0, 12],
      },
      {
        table: {
          widths: [90, '*'],
          body: [
            row('问题编号', p.number),
            row('问题标题', p.title),
            row('问题描述', p.description),
            row('地点', place || '—'),
            row('牵头单位', p.leadUnitName),
            row('配合单位', p.supportingUnitNames.join('、') || '—'),
            row('办结时限', beijing(p.closeDueAt)),
          ],
        },
        margin: [0, 0, 0, 12],
      },
      { text: '督办记录', bold: true, margin: [0, 4, 0, 4] },
      {
        table: {
          widths: [110, 90, '*'],
          body: [
            [
              { text: '时间', bold: true },
              { text: '督办人', bold: true },
              { text: '督办意见', bold: true },
            ],
            ...n.presses.map((x) => [beijing(x.at), x.by, x.note]),
          ],
        },
      },
      {
        text: `督查室（签章）    ${beijing(n.issuedAt).slice(0, 10)}`,
        alignment: 'right',
        margin: [0, 32, 0, 0],
      },
    ],
  };
}

/** Whether this machine has the CJK font the 督办单 needs (Debian package fonts-noto-cjk). */
export function noticeFontAvailable(): boolean {
  return fs.existsSync(FONTS.NotoSansSC.normal[0]!);
}

/** Renders a 督办单 as a PDF. Reads nothing but the two font files; fetches nothing. */
export async function renderPressNotice(n: PressNotice): Promise<Buffer> {
  pdfmake.setFonts(FONTS);
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((path: string) => path.startsWith(`${FONT_DIR}/`));
  const doc = pdfmake.createPdf(pressNoticeDocument(n) as never);
  return doc.getBuffer();
}
