/**
 * The 12345 centre in the Hetang demo (issue 22): its unit, the operator `demo-operator`, and a few calls
 * of late 2024 taken through the real intake — dispatched, handled and closed, some already called back
 * (回访) and some still waiting in the follow-up queue.
 */
import type { ManualClock } from '../kernel/clock.ts';
import type { Principal } from '../kernel/roles.ts';
import { uuidv7 } from '../kernel/ids.ts';
import type { AppContext } from '../platform/context.ts';
import { principalOf, principalOfUser } from '../modules/auth/index.ts';
import { takeCall, recordFollowUp } from '../modules/hotline/index.ts';
import { act } from '../modules/problems/index.ts';
import { addUnit } from '../modules/reference/index.ts';
import { createUser, firstAccountOfUnit } from '../modules/users/index.ts';

/** The name of the hotline centre's unit. */
export const HOTLINE_CENTRE = '区12345政务服务便民热线';
const PASSWORD = 'qingdan-demo';

/** The centre's unit and its operator `demo-operator` (话务员); returns the operator. */
export async function seedHotlineCentre(ctx: AppContext, jid: string): Promise<Principal> {
  const unitId = uuidv7();
  await addUnit(
    ctx.db,
    jid,
    {
      id: unitId,
      parentId: null,
      name: HOTLINE_CENTRE,
      kind: 'office',
      divisionCode: null,
      phone: '12345',
      active: true,
      version: 1,
      sort: 90,
    },
    ctx.clock.now().toISOString(),
  );
  await ctx.reference.invalidate(jid);
  const u = await createUser(
    ctx,
    jid,
    {
      username: 'demo-operator',
      displayName: '王话务',
      password: PASSWORD,
      phone: null,
      unitId,
      roles: ['operator'],
      scope: { kind: 'jurisdiction', ref: null },
      active: true,
    },
    null,
  );
  return (await principalOfUser(ctx, jid, u.id, 'session'))!;
}

/** A handler of the unit with this name, as the seed acts for it. */
async function handlerOf(ctx: AppContext, jid: string, unitName: string): Promise<Principal> {
  const ref = await ctx.reference.get(jid);
  const unit = [...ref.units.values()].find((u) => u.name === unitName)!;
  const account = await firstAccountOfUnit(ctx.db, jid, unit.id);
  if (!account) throw new Error(`no user of ${unitName}`);
  return principalOf(ctx, account, 'session');
}

/** Calls of the demo: [caller, phone, address said, village, category, unit, title, description]. */
const CALLS: [string, string, string, string, string, string, string, string][] = [
  [
    '李女士',
    '13907331101',
    '月塘街道文化路 12 号',
    '430202001001',
    'sanitation',
    '区城市管理和综合执法局',
    '文化路垃圾桶满溢无人清运',
    '文化路 12 号旁垃圾桶连续三天满溢，无人清运，气味很大。',
  ],
  [
    '赵先生',
    '13907331102',
    '宋家桥街道',
    '430202003',
    'roads',
    '区交通运输局',
    '宋家桥路口路灯不亮',
    '宋家桥路口附近路灯一周未亮，晚上过马路看不清。',
  ],
  [
    '孙阿姨',
    '13907331103',
    '桂花街道',
    '430202004',
    'elderly_care',
    '区民政局',
    '独居老人希望助餐服务',
    '家中老人独居，做饭困难，想了解附近有没有老年助餐点。',
  ],
  [
    '周先生',
    '13907331104',
    '月塘街道东湖社区',
    '430202001002',
    'utilities',
    '区住房和城乡建设局',
    '东湖小区停水未通知',
    '小区今天上午突然停水，物业说不清原因，也没有提前通知。',
  ],
  [
    '吴女士',
    '13907331105',
    '金山街道',
    '430202005',
    'safety',
    '区应急管理局',
    '楼道电动车充电有隐患',
    '楼道里有住户拉线给电动车充电，担心起火。',
  ],
];

/** The demo's calls, taken, handled and closed in November and December 2024; some called back. */
export async function seedHotlineCalls(
  ctx: AppContext & { clock: ManualClock },
  jid: string,
  operator: Principal,
  supervisor: Principal,
): Promise<number> {
  const ref = await ctx.reference.get(jid);
  for (const [
    i,
    [name, phone, address, village, category, unitName, title, description],
  ] of CALLS.entries()) {
    ctx.clock.set(new Date(Date.UTC(2024, 10, 4 + i * 5, 1 + i)));
    const cat = ref.categories.get(category)!;
    const fields = Object.fromEntries(
      cat.fields
        .filter((f) => f.required)
        .map((f) => {
          const first = f.options?.[0]?.value ?? '见描述';
          return [f.code, f.type === 'multi' ? [first] : f.type === 'number' ? 1 : first];
        }),
    );
    const { problem } = await takeCall(ctx, operator, {
      caller: { phone, name },
      callbackConsent: i !== 4,
      addressSaid: address,
      villageCode: village,
      categoryCode: category,
      title,
      description,
      cityOrderNumber: `ZZ12345-2024${String(1104 + i * 5).padStart(4, '0')}-${String(i + 1).padStart(3, '0')}`,
      fields,
    });
    const unit = [...ref.units.values()].find((u) => u.name === unitName)!;
    ctx.clock.advanceHours(1);
    await act(ctx, supervisor, problem.id, 'dispatch', { leadUnitId: unit.id, note: '12345 来电转办' });
    const handler = await handlerOf(ctx, jid, unitName);
    ctx.clock.advanceHours(2);
    await act(ctx, handler, problem.id, 'sign', {});
    ctx.clock.advanceHours(48);
    await act(ctx, handler, problem.id, 'request_closure', { summary: '已到现场处理，问题解决。' });
    ctx.clock.advanceHours(20);
    await act(ctx, supervisor, problem.id, 'verify', { note: '核实办结' });
    ctx.clock.advanceHours(24);
    if (i === 0)
      await recordFollowUp(ctx, operator, problem.id, {
        outcome: 'reached',
        rating: 'satisfied',
        note: '群众表示垃圾已清运',
      });
    if (i === 1) await recordFollowUp(ctx, operator, problem.id, { outcome: 'no_answer' });
  }
  return CALLS.length;
}
