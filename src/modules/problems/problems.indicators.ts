/**
 * Which result indicators a closure may report, and which values (issue 20): only the indicators of the
 * problem's domain, each at most once, inside its range, whole where it counts things; a value outside
 * its plausible range is taken only when the unit confirms it, and is flagged to the supervisor.
 */
import type { Indicator } from '../reference/index.ts';

/** One indicator of a closure request as sent. */
export interface IndicatorInput {
  code: string;
  value: number;
  confirmed?: boolean;
}

/** What the check found: the refusals (400), and the confirmed values outside their plausible range. */
export interface IndicatorCheck {
  errors: { path: string; message: string }[];
  flagged: { code: string; name: string; value: number; unit: string }[];
}

const fmt = (n: number) => n.toLocaleString('zh-CN', { maximumFractionDigits: 4 });

/** Checks a closure's indicators against the problem's domain and each indicator's ranges. */
export function checkIndicators(
  inputs: IndicatorInput[],
  domain: string,
  indicators: ReadonlyMap<string, Indicator>,
): IndicatorCheck {
  const out: IndicatorCheck = { errors: [], flagged: [] };
  const seen = new Set<string>();
  inputs.forEach((i, n) => {
    const path = `indicators.${n}`;
    const def = indicators.get(i.code);
    const refuse = (field: string, message: string) => out.errors.push({ path: `${path}.${field}`, message });
    if (!def) return refuse('code', `未知指标 ${i.code} / unknown indicator ${i.code}`);
    if (def.domain !== domain)
      return refuse(
        'code',
        `指标「${def.name}」不属于本问题所在领域 / indicator ${def.code} does not belong to this problem's domain (${domain})`,
      );
    if (seen.has(i.code))
      return refuse('code', `指标「${def.name}」重复 / indicator ${def.code} is given twice`);
    seen.add(i.code);
    const v = i.value;
    if (!(v > 0))
      return refuse(
        'value',
        `「${def.name}」须大于 0 / ${def.code} must be greater than 0 (leave it out if nothing was achieved)`,
      );
    if (def.whole && !Number.isInteger(v))
      return refuse(
        'value',
        `「${def.name}」须为整数（${def.unit}）/ ${def.code} counts whole ${def.nameEn.toLowerCase()}`,
      );
    if ((def.minValue !== null && v < def.minValue) || (def.maxValue !== null && v > def.maxValue))
      return refuse(
        'value',
        `「${def.name}」须在 ${fmt(def.minValue ?? 0)}–${fmt(def.maxValue ?? Infinity)} ${def.unit} 之间 / ${def.code} must be between ${def.minValue ?? 0} and ${def.maxValue ?? 'any'} ${def.unit}`,
      );
    const implausible =
      (def.plausibleMin !== null && v < def.plausibleMin) ||
      (def.plausibleMax !== null && v > def.plausibleMax);
    if (!implausible) return;
    if (!i.confirmed)
      return refuse(
        'value',
        `「${def.name}」${fmt(v)} ${def.unit} 超出常见范围（${fmt(def.plausibleMin ?? 0)}–${fmt(def.plausibleMax ?? Infinity)} ${def.unit}），请核实后以 confirmed: true 提交 / ${def.code} ${v} ${def.unit} is outside the usual range (${def.plausibleMin ?? 0}–${def.plausibleMax ?? 'any'}): check it and send it again with confirmed: true`,
      );
    out.flagged.push({ code: def.code, name: def.name, value: v, unit: def.unit });
  });
  return out;
}
