import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { capTime, capXml, CAP_NS } from '../notices.cap.ts';
import { noticeLifecycle, type NoticeRelation, type NoticeStatus } from '../notices.lifecycle.ts';

const STATUSES: NoticeStatus[] = ['draft', 'published', 'expired', 'withdrawn'];
const RELATIONS: NoticeRelation[] = ['author', 'editor', 'system'];
/** The table as this test states it, independently of the code: from, to (null: unchanged), who. */
const EXPECTED = {
  revise: { from: ['draft'], to: null, who: ['author', 'editor'] },
  publish: { from: ['draft'], to: 'published', who: ['editor'] },
  withdraw: { from: ['published'], to: 'withdrawn', who: ['editor'] },
  expire: { from: ['published'], to: 'expired', who: ['system'] },
} as const;

const notice = {
  id: '0190a1b2-0000-7000-8000-000000000001',
  title: '冬季取暖谨防一氧化碳中毒',
  body: '请保持室内通风。',
  issuingUnit: '荷塘区应急管理局',
  docNumber: '荷应急〔2024〕1号',
  status: 'published',
  publishedAt: '2024-01-10T01:00:00.000Z',
  expiresAt: '2024-03-31T16:00:00.000Z',
  endedAt: null,
  cap: {
    event: '一氧化碳中毒',
    category: 'Health' as const,
    urgency: 'Expected' as const,
    severity: 'Severe' as const,
    certainty: 'Likely' as const,
    instruction: '开窗通风',
  },
  area: { name: '荷塘区', code: '430202' },
  web: 'http://x/m/notices/1',
};
const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, preserveOrder: false }).parse(xml);
type Ordered = Record<string, unknown>[];
/** Element names under a path of elements, in document order. */
const order = (xml: string, ...path: string[]) => {
  let nodes = new XMLParser({ preserveOrder: true, ignoreAttributes: false }).parse(xml) as Ordered;
  for (const tag of path) nodes = nodes.find((n) => tag in n)![tag] as Ordered;
  return nodes.map((n) => Object.keys(n).find((k) => k !== ':@'));
};

describe('notice transition table', () => {
  it('answers every action, status and relation with 403, 409 or the next state', () => {
    let n = 0;
    for (const action of noticeLifecycle.actions)
      for (const status of STATUSES)
        for (const rel of RELATIONS) {
          const e = EXPECTED[action];
          const d = noticeLifecycle.decide(action, status, new Set([rel]));
          const where = `${action} ${status} ${rel}`;
          if (!(e.who as readonly string[]).includes(rel))
            expect(d, where).toMatchObject({ ok: false, status: 403 });
          else if (!(e.from as readonly string[]).includes(status))
            expect(d, where).toMatchObject({ ok: false, status: 409 });
          else expect(d, where).toEqual({ ok: true, to: e.to ?? status });
          n++;
        }
    expect(n).toBe(4 * 4 * 3);
  });
});

describe('CAP 1.2 export', () => {
  it('writes times with the +08:00 offset CAP requires', () => {
    expect(capTime('2024-01-10T01:00:00.000Z')).toBe('2024-01-10T09:00:00+08:00');
    expect(capTime('2024-03-31T16:00:00Z')).toBe('2024-04-01T00:00:00+08:00');
  });

  it('has the required alert and info elements, in the schema order, in the CAP namespace', () => {
    const xml = capXml(notice, 'hetang.gov.cn');
    const doc = parse(xml);
    expect(doc.alert['@_xmlns']).toBe(CAP_NS);
    expect(doc.alert).toMatchObject({
      identifier: `hetang.gov.cn.notice.${notice.id}`,
      sender: 'hetang.gov.cn',
      sent: '2024-01-10T09:00:00+08:00',
      status: 'Actual',
      msgType: 'Alert',
      scope: 'Public',
      code: '荷应急〔2024〕1号',
    });
    expect(doc.alert.info).toMatchObject({
      language: 'zh-CN',
      category: 'Health',
      event: '一氧化碳中毒',
      urgency: 'Expected',
      severity: 'Severe',
      certainty: 'Likely',
      expires: '2024-04-01T00:00:00+08:00',
      senderName: '荷塘区应急管理局',
      headline: notice.title,
      instruction: '开窗通风',
      area: { areaDesc: '荷塘区', geocode: { valueName: 'GB/T 2260', value: 430202 } },
    });
    expect(order(xml, 'alert')).toEqual([
      'identifier',
      'sender',
      'sent',
      'status',
      'msgType',
      'scope',
      'code',
      'info',
    ]);
    expect(order(xml, 'alert', 'info').slice(0, 6)).toEqual([
      'language',
      'category',
      'event',
      'urgency',
      'severity',
      'certainty',
    ]);
    expect(xml.indexOf('<effective>')).toBeLessThan(xml.indexOf('<expires>'));
    expect(xml.indexOf('<description>')).toBeLessThan(xml.indexOf('<instruction>'));
    expect(xml.indexOf('<web>')).toBeLessThan(xml.indexOf('<area>'));
  });

  it('cancels a withdrawn notice with a reference to the alert it cancels', () => {
    const xml = capXml(
      { ...notice, status: 'withdrawn', endedAt: '2024-01-11T01:00:00.000Z' },
      'hetang.gov.cn',
    );
    const a = parse(xml).alert;
    expect(a.msgType).toBe('Cancel');
    expect(a.identifier).toBe(`hetang.gov.cn.notice.${notice.id}.cancel`);
    expect(a.sent).toBe('2024-01-11T09:00:00+08:00');
    expect(a.references).toBe(`hetang.gov.cn,hetang.gov.cn.notice.${notice.id},2024-01-10T09:00:00+08:00`);
    expect(order(xml, 'alert').indexOf('references')).toBe(order(xml, 'alert').indexOf('code') + 1);
  });
});
