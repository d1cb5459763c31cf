/**
 * The demo's care orders (issue 23): a month of orders for the elders in every state, placed by the elder,
 * by family or by station staff, taken by the providers' workers with positions and photos, confirmed in
 * the app or by the SMS code, rated; flagged ones among them; the previous month settled and paid to the
 * providers, one transfer refused and paid on the next run; a 助急 call escalated.
 */
import { FakePayments } from '../adapters/payments/index.ts';
import type { RecordingSms } from '../adapters/sms/index.ts';
import type { ManualClock } from '../kernel/clock.ts';
import { sha256Hex } from '../kernel/ids.ts';
import type { Rng } from '../kernel/random.ts';
import type { Principal } from '../kernel/roles.ts';
import type { AppContext } from '../platform/context.ts';
import { reloadJurisdictions } from '../platform/jurisdictions.ts';
import {
  act,
  CARE_KINDS,
  createOrder,
  runCareEscalationScan,
  settleMonth,
  type CareKindCode,
} from '../modules/care/index.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** About 300 m of latitude: a check-in this far from the address is flagged. */
const FAR = 0.0027;

/** A provider as the demo knows it: its workers' sign-ins and worker records, in the same order. */
export interface DemoProvider {
  id: string;
  workers: Principal[];
  workerIds: string[];
}

/** One elder of the demo: the registry person, where they live and how to reach their subsidy. */
export interface Elder {
  id: string;
  name: string;
  idNumber: string;
  phone: string;
  township: string;
  lat: number;
  lng: number;
  /** Who orders for them: the elder himself, or the township's station staff. */
  orderer: Principal;
  /** A family member who orders the doctor's visits. */
  family?: Principal;
  /** Who confirms and rates: the elder or the family in the app, else the worker with the SMS code. */
  confirmer: Principal | null;
}

/** Where an order ends up. */
type End =
  | 'requested'
  | 'accepted'
  | 'rejected'
  | 'assigned'
  | 'en_route'
  | 'on_site'
  | 'completed'
  | 'confirmed'
  | 'rated'
  | 'bad_rating'
  | 'disputed'
  | 'failed'
  | 'cancelled'
  | 'far'
  | 'short';

interface Plan {
  elder: Elder;
  kind: string;
  /** When the service is due (the visit starts then). */
  at: Date;
  end: End;
  orderId?: string;
}

/** Runs the month's orders in time order, settles the previous month early in this one; returns how many. */
export async function seedCareOrders(
  ctx: AppContext,
  clock: ManualClock,
  x: {
    elders: Elder[];
    providers: DemoProvider[];
    supervisor: Principal;
    sms: RecordingSms | null;
    r: Rng;
    at: (days: number, hours?: number, minutes?: number) => Date;
    first: number;
  },
): Promise<number> {
  const { supervisor, sms, providers, at } = x;
  const monthStart = firstOfMonth(at(0));
  // A month of care orders in every state, in time order; the previous month settled early in this one.
  const plans = carePlans(x.r, x.elders, at, x.first);
  const settleAt = new Date(Math.min(monthStart.getTime() + DAY + 10 * HOUR, at(0, 10).getTime()));
  let settled = false;
  let seq = 0;
  for (const plan of plans) {
    if (!settled && plan.at.getTime() > settleAt.getTime())
      settled = await settle(ctx, clock, supervisor, plans, settleAt);
    await runPlan(ctx, clock, plan, ++seq, { providers, sms });
  }
  if (!settled) await settle(ctx, clock, supervisor, plans, settleAt);

  // The 助急 call nobody accepted in time became a problem for 区民政局, as the scheduler would have found.
  clock.set(at(0, 21, 30));
  // The scan walks the installation's jurisdictions, which a seed reads only after it is done.
  const scanning = { ...ctx };
  await reloadJurisdictions(scanning);
  await runCareEscalationScan(scanning, clock.now());
  return plans.length;
}

/**
 * Settles the previous month at `when`: a supervisor first clears one flagged order she checked; the
 * channel refuses the first transfer (the payee's account did not match), which becomes a problem, and
 * the run three hours later, after the account was corrected, pays it.
 */
async function settle(
  ctx: AppContext,
  clock: ManualClock,
  supervisor: Principal,
  plans: Plan[],
  when: Date,
): Promise<boolean> {
  clock.set(when);
  const month = isoDay(new Date(when.getTime() - 3 * DAY)).slice(0, 7);
  const checked = plans.find((p) => p.end === 'far' && p.orderId && isoDay(p.at).startsWith(month));
  if (checked?.orderId)
    await act(ctx, supervisor, checked.orderId, 'clear_flags', {
      note: '核实：老人当天在女儿家（同小区另一栋），签到位置属实',
    });
  if (ctx.payments instanceof FakePayments)
    ctx.payments.refuseNextPayout('收款账户户名与统一社会信用代码登记名称不一致');
  await settleMonth(ctx, supervisor, month);
  clock.set(new Date(when.getTime() + 3 * HOUR));
  await settleMonth(ctx, supervisor, month);
  return true;
}

/** The order plans of the month, in time order. */
function carePlans(
  r: Rng,
  elders: Elder[],
  at: (d: number, h?: number, m?: number) => Date,
  first: number,
): Plan[] {
  const kinds = ['cleaning', 'cleaning', 'meals', 'medical', 'bathing', 'walking', 'cleaning', 'medical'];
  const SLOTS = [8, 10.5, 13.5, 16];
  const plans: Plan[] = [];
  // Past visits, four a day at slots no visit overruns: most end confirmed or rated (and so settled if
  // in the previous month); every sixth flagged, failed, cancelled, badly rated, disputed or rejected.
  const usual: End[] = ['rated', 'rated', 'confirmed', 'rated', 'rated', 'confirmed', 'rated'];
  const odd: End[] = ['far', 'short', 'failed', 'cancelled', 'bad_rating', 'disputed', 'rejected', 'far'];
  let n = 0;
  for (let d = first; d < 0; d++)
    for (const [s, hour] of SLOTS.entries()) {
      const elder = s === 0 && d % 7 === 0 ? elders[0]! : elders[1 + r.int(elders.length - 1)]!;
      const end = n % 6 === 5 ? odd[Math.floor(n / 6) % odd.length]! : usual[n % usual.length]!;
      plans.push({
        elder,
        kind: end === 'rejected' ? 'bathing' : r.pick(kinds),
        at: at(d, Math.floor(hour), (hour % 1) * 60),
        end,
      });
      n++;
    }
  // 张大爷's own: a 助医 visit his son ordered, rated; today's 助洁 with demo-caregiver; a 助餐 delivery.
  const zhang = elders[0]!;
  plans.push({ elder: zhang, kind: 'medical', at: at(-3, 18, 30), end: 'rated' });
  plans.push({ elder: zhang, kind: 'cleaning', at: at(1, 15), end: 'assigned' });
  plans.push({ elder: zhang, kind: 'meals', at: at(0, 16, 30), end: 'completed' });
  // Today's orders waiting or dispatched; yesterday evening's visits still under way.
  for (const [k, end] of (['requested', 'accepted', 'assigned', 'assigned'] as const).entries())
    plans.push({ elder: elders[2 + k * 3]!, kind: r.pick(kinds), at: at(1, 9 + k * 2), end });
  for (const [k, end] of (['completed', 'en_route', 'on_site'] as const).entries())
    plans.push({ elder: elders[3 + k * 4]!, kind: r.pick(kinds), at: at(0, 18 + k), end });
  // 助急: one accepted at once and rated; one last night that nobody accepted in time.
  plans.push({ elder: elders[8]!, kind: 'emergency', at: at(-2, 19), end: 'rated' });
  plans.push({ elder: elders[5]!, kind: 'emergency', at: at(0, 21), end: 'requested' });
  return plans.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** Takes one planned order through the services to its end state. */
async function runPlan(
  ctx: AppContext,
  clock: ManualClock,
  plan: Plan,
  seq: number,
  x: { providers: DemoProvider[]; sms: RecordingSms | null },
): Promise<void> {
  const { elder, end } = plan;
  const urgent = plan.kind === 'emergency';
  /** Moves the clock to `t`, or a minute on when `t` is already past. */
  const until = (t: number) => clock.set(new Date(Math.max(clock.now().getTime() + 60_000, t)));
  const step = (minutes: number) => until(clock.now().getTime() + minutes * 60_000);
  // A 助急 call is placed when it happens; other services the day before.
  clock.set(new Date(plan.at.getTime() - (urgent ? 5 * 60_000 : 20 * HOUR)));
  const orderer = elder.family && plan.kind === 'medical' ? elder.family : elder.orderer;
  const o = await createOrder(ctx, orderer, {
    kind: plan.kind,
    personId: elder.id,
    scheduledAt: plan.at.toISOString(),
    lat: elder.lat,
    lng: elder.lng,
  });
  plan.orderId = o.id;
  if (end === 'requested') return;
  const provider = x.providers.find((p) => p.id === o.providerId)!;
  // demo-caregiver (桂花颐养's first worker) takes 张大爷's orders.
  const wi = elder.confirmer ? 0 : seq % provider.workers.length;
  const worker = provider.workers[wi]!;
  step(urgent ? 3 : 15);
  if (end === 'rejected') {
    await act(ctx, worker, o.id, 'reject', { reason: '本周助浴人员已排满' });
    return;
  }
  await act(ctx, worker, o.id, 'accept', {});
  if (end === 'accepted') return;
  if (end === 'cancelled') {
    step(120);
    await act(ctx, orderer, o.id, 'cancel', { reason: '家属已安排，不需要了' });
    return;
  }
  step(urgent ? 1 : 30);
  await act(ctx, worker, o.id, 'assign', { workerId: provider.workerIds[wi]! });
  if (end === 'assigned') return;
  until(plan.at.getTime() - (urgent ? 0 : 25 * 60_000));
  await act(ctx, worker, o.id, 'depart', {});
  if (end === 'en_route') return;
  until(plan.at.getTime() + (urgent ? 12 * 60_000 : 0));
  if (end === 'failed') {
    const reasons = ['not_home', 'refused', 'wrong_address'] as const;
    await act(ctx, worker, o.id, 'fail', { reason: reasons[seq % 3]!, note: '已电话联系家属' });
    return;
  }
  const pos = { lat: elder.lat + (end === 'far' ? FAR : 0.0001), lng: elder.lng - 0.0001 };
  await act(ctx, worker, o.id, 'check_in', { ...pos, photos: [sha256Hex(`demo-care-${seq}-in`)] });
  if (end === 'on_site') return;
  const standard = CARE_KINDS[plan.kind as CareKindCode].standardMinutes;
  step(end === 'short' ? Math.round(standard * 0.3) : standard + 5 + (seq % 10));
  await act(ctx, worker, o.id, 'check_out', {
    ...pos,
    photos: [sha256Hex(`demo-care-${seq}-out`)],
    checklist: [],
  });
  if (end === 'completed') return;
  step(30 + (seq % 90));
  // The elder or family confirm in the app; others read the code they received by SMS to the worker.
  const code = elder.confirmer ? undefined : x.sms?.last(elder.phone, 'care_confirm', 'code');
  if (code) await act(ctx, worker, o.id, 'confirm', { code });
  else await act(ctx, elder.confirmer ?? orderer, o.id, 'confirm', {});
  if (end === 'confirmed' || end === 'far' || end === 'short') return;
  step(180);
  const rater = elder.confirmer ?? orderer;
  if (end === 'disputed') {
    await act(ctx, rater, o.id, 'dispute', { reason: '服务时间不足，打扫不彻底，要求重新上门' });
    return;
  }
  const level =
    end === 'bad_rating'
      ? seq % 2
        ? 'very_dissatisfied'
        : 'dissatisfied'
      : (['very_satisfied', 'satisfied', 'very_satisfied', 'basically_satisfied'] as const)[seq % 4]!;
  await act(ctx, rater, o.id, 'rate', {
    level,
    ...(end === 'bad_rating' && { comment: '护理员迟到半小时，态度也不好' }),
  });
}

/** The China-time day (YYYY-MM-DD) of an instant. */
export function isoDay(d: Date): string {
  return new Date(d.getTime() + 8 * HOUR).toISOString().slice(0, 10);
}

/** The instant the China-time month of `d` starts. */
export function firstOfMonth(d: Date): Date {
  const local = new Date(d.getTime() + 8 * HOUR);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - 8 * HOUR);
}

/** 2024年3月 for an instant. */
export function monthLabel(d: Date): string {
  const local = new Date(d.getTime() + 8 * HOUR);
  return `${local.getUTCFullYear()}年${local.getUTCMonth() + 1}月`;
}
