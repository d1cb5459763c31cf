/**
 * The demo's winter carbon-monoxide warning (煤气中毒预警): an urgent public notice to the whole district
 * on the phone pages, by SMS and on the big screen, exported as CAP. Seeded with the reference data, so
 * every demo and test database has it.
 */

/** The warning's row, for the notices table. */
export function coWarningNotice(jurisdictionId: string, id: string) {
  return {
    jurisdiction_id: jurisdictionId,
    id,
    title: '冬季取暖谨防一氧化碳中毒',
    body: '冬季使用燃气、炭火取暖时，请保持室内通风，不要在密闭房间使用炭火盆，燃气热水器须安装排烟管。如有头晕、恶心等症状，立即开窗通风并拨打120。',
    published_at: '2024-01-10T01:00:00.000Z',
    created_by: null,
    doc_number: '荷应急〔2024〕1号',
    issuing_unit: '荷塘区应急管理局',
    kind: 'urgent',
    status: 'published',
    audience_kind: 'jurisdiction',
    audience_ref: null,
    channels: JSON.stringify(['phone', 'sms', 'screen']),
    cap: JSON.stringify({
      event: '一氧化碳中毒',
      category: 'Health',
      urgency: 'Expected',
      severity: 'Severe',
      certainty: 'Likely',
      instruction: '开窗通风，关闭燃气阀门，转移到空气新鲜处；症状严重者立即拨打120。',
    }),
    expires_at: null,
    ended_at: null,
    updated_at: '2024-01-10T01:00:00.000Z',
    version: 1,
  };
}
