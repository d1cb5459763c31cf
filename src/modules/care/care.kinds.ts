/**
 * The six home elderly-care services of 我的荷塘 (助洁、助餐、助医、助浴、助行、助急): unit, standard
 * duration, checklist, price and subsidy in fen, and which entitlement the subsidy is drawn from.
 */
import type { EntitlementKind } from '../entitlements/index.ts';

/** One service kind. */
export interface CareKind {
  name: string;
  unit: string;
  standardMinutes: number;
  checklist: readonly string[];
  priceFen: number;
  subsidyFen: number;
  entitlement: EntitlementKind;
  /** 助急 jumps the queue: a shorter acceptance time and escalation when missed. */
  urgent: boolean;
}

export const CARE_KINDS = {
  cleaning: {
    name: '助洁',
    unit: '次',
    standardMinutes: 120,
    checklist: ['清扫地面', '整理床铺', '清洁厨卫', '倒垃圾'],
    priceFen: 8000,
    subsidyFen: 5000,
    entitlement: 'care_subsidy',
    urgent: false,
  },
  meals: {
    name: '助餐',
    unit: '餐',
    standardMinutes: 20,
    checklist: ['按时送达', '饭菜温热', '核对饮食禁忌'],
    priceFen: 1500,
    subsidyFen: 500,
    entitlement: 'meal_subsidy',
    urgent: false,
  },
  medical: {
    name: '助医',
    unit: '次',
    standardMinutes: 90,
    checklist: ['测量血压血糖', '用药提醒', '陪同就诊（如需）'],
    priceFen: 6000,
    subsidyFen: 4000,
    entitlement: 'care_subsidy',
    urgent: false,
  },
  bathing: {
    name: '助浴',
    unit: '次',
    standardMinutes: 60,
    checklist: ['调节水温', '防滑措施', '协助洗浴', '更换衣物'],
    priceFen: 7000,
    subsidyFen: 5000,
    entitlement: 'care_subsidy',
    urgent: false,
  },
  walking: {
    name: '助行',
    unit: '次',
    standardMinutes: 60,
    checklist: ['陪同出行', '安全看护'],
    priceFen: 4000,
    subsidyFen: 2500,
    entitlement: 'care_subsidy',
    urgent: false,
  },
  emergency: {
    name: '助急',
    unit: '次',
    standardMinutes: 30,
    checklist: ['到场处置', '联系家属', '必要时拨打 120'],
    priceFen: 5000,
    subsidyFen: 5000,
    entitlement: 'care_subsidy',
    urgent: true,
  },
} as const satisfies Record<string, CareKind>;
export type CareKindCode = keyof typeof CARE_KINDS;
export const CARE_KIND_CODES = Object.keys(CARE_KINDS) as CareKindCode[];

/** Minutes a provider has to accept an order before it goes to the next one. */
export function acceptMinutes(kind: CareKindCode): number {
  return CARE_KINDS[kind].urgent ? 10 : 120;
}
