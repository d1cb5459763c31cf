/** Open311 Service Discovery, the service list and service definitions: categories as services. */
import type { AppContext } from '../platform/context.ts';
import type { Category, CategoryField, ReferenceData } from '../modules/reference/index.ts';
import { Rendered, w3c, type Document, type Node } from './open311.format.ts';
import { open311Repository } from './open311.repository.ts';
import {
  OPEN311_PREFIX,
  OPEN311_TEST_PREFIX,
  Open311Error,
  SPECIFICATION,
  err,
  open311IdOf,
} from './open311.calls.ts';

const FORMATS = ['text/xml', 'application/json'];

/**
 * Service Discovery of a jurisdiction (called at either endpoint): its production endpoint and, when it
 * has a sandbox, the test endpoint beside it, as in the spec's example; URLs under the configured public
 * base URL, never a request's Host header.
 */
export async function discovery(ctx: AppContext, jurisdictionId: string): Promise<Document> {
  const named = ctx.jurisdictions.find((x) => x.id === jurisdictionId);
  const realId = named?.sandboxOf ?? jurisdictionId;
  const j = ctx.jurisdictions.find((x) => x.id === realId);
  const sandboxes = ctx.jurisdictions.filter((x) => x.sandboxOf === realId);
  const changesetOf = async (id: string) =>
    w3c((await open311Repository.catalogueChangedAt(ctx.db, id)) ?? ctx.clock.now().toISOString());
  const changeset = await changesetOf(realId);
  const endpoints: Node[] = [
    {
      specification: SPECIFICATION,
      url: `${ctx.config.publicUrl}${OPEN311_PREFIX}`,
      changeset,
      type: 'production',
      formats: FORMATS,
    },
  ];
  for (const s of sandboxes)
    endpoints.push({
      specification: SPECIFICATION,
      url: `${ctx.config.publicUrl}${OPEN311_TEST_PREFIX}`,
      changeset: await changesetOf(s.id),
      type: 'test',
      formats: FORMATS,
    });
  const test = sandboxes[0]
    ? `；测试端点的 jurisdiction_id 为 ${open311IdOf(sandboxes[0])}，使用测试密钥，请求不会进入正式办理 / the test endpoint serves jurisdiction_id ${open311IdOf(sandboxes[0])} with its own keys; its requests are never handled for real`
    : '';
  return {
    root: 'discovery',
    body: {
      changeset,
      contact: `${j?.name ?? ''}督查室 / the supervision office of ${j?.name ?? 'the jurisdiction'}${j?.open311Id ? ` (${j.open311Id})` : ''}`,
      key_service: `API 密钥由系统管理员在控制台或命令行（qingdan apikey create）签发 / API keys are issued by the administrator from the console or the CLI (qingdan apikey create)${test}`,
      endpoints,
    },
  };
}

const DATATYPES: Record<CategoryField['type'], string> = {
  string: 'string',
  number: 'number',
  datetime: 'datetime',
  text: 'text',
  single: 'singlevaluelist',
  multi: 'multivaluelist',
};

const DATATYPE_DESCRIPTIONS: Partial<Record<CategoryField['type'], string>> = {
  number: '数字 / a number',
  datetime: '日期时间，如 2024-03-04T09:00:00+08:00 / an ISO 8601 date-time',
  string: '单行文字 / one line of text',
  text: '文字，可换行 / text, may contain line breaks',
  single: '单选 / choose one',
  multi: '可多选 / choose one or more',
};

function serviceOf(c: Category, ref: ReferenceData): Node {
  return {
    service_code: c.code,
    service_name: c.name,
    description: c.description || c.nameEn || null,
    metadata: c.fields.length > 0,
    type: c.open311Type,
    keywords: c.keywords
      ? c.keywords
          .split(/[\s,，、]+/)
          .filter(Boolean)
          .join(', ')
      : null,
    group: ref.domains.get(c.domain)?.name ?? c.domain,
  };
}

function activeCategories(ref: ReferenceData): Category[] {
  return [...ref.categories.values()].filter((c) => c.active);
}

function servicesOf(ref: ReferenceData): Document {
  return { root: 'services', body: activeCategories(ref).map((c) => serviceOf(c, ref)) };
}

/** GET Service List, written once per load of the jurisdiction's reference data. */
export async function services(ctx: AppContext, jurisdictionId: string): Promise<Rendered> {
  const ref = await ctx.reference.get(jurisdictionId);
  // Written once per load of the reference data: the same for every caller.
  const rendered = ctx.cache.own('open311.services', () => new WeakMap<ReferenceData, Rendered>());
  let answer = rendered.get(ref);
  if (!answer) {
    answer = Rendered.of(servicesOf(ref));
    rendered.set(ref, answer);
  }
  return answer;
}

async function categoryOrFail(
  ctx: AppContext,
  jurisdictionId: string,
  code: string | undefined,
): Promise<{ ref: ReferenceData; category: Category }> {
  if (!code) throw new Open311Error(400, [err(400, 'service_code was not provided')]);
  const ref = await ctx.reference.get(jurisdictionId);
  const category = ref.categories.get(code);
  if (!category || !category.active)
    throw new Open311Error(404, [err(404, `service_code '${code}' was not found`)]);
  return { ref, category };
}

/** GET Service Definition: the category's extra fields as attributes, in form order. */
export async function serviceDefinition(
  ctx: AppContext,
  jurisdictionId: string,
  code: string,
): Promise<Document> {
  const { category } = await categoryOrFail(ctx, jurisdictionId, code);
  return {
    root: 'service_definition',
    body: {
      service_code: category.code,
      attributes: category.fields.map((f, i) => {
        const attribute: Record<string, Node> = {
          variable: true,
          code: f.code,
          datatype: DATATYPES[f.type],
          required: f.required,
          datatype_description: DATATYPE_DESCRIPTIONS[f.type] ?? null,
          order: i + 1,
          description: f.description ? `${f.label}：${f.description}` : f.label,
        };
        if (f.type === 'single' || f.type === 'multi')
          attribute.values = (f.options ?? []).map((o) => ({ key: o.value, name: o.label }));
        return attribute;
      }),
    },
  };
}

/** What the jurisdiction promises for a category: its time limit. */
export function serviceNotice(ref: ReferenceData, categoryCode: string, urgency: string): string {
  const rule = ref.ruleFor(categoryCode, urgency);
  return `受理后交办承办单位，${rule.respondHours} 个工作小时内签收，${rule.closeDays} 个工作日内办结 / dispatched to the responsible unit, which responds within ${rule.respondHours} working hours and resolves within ${rule.closeDays} working days`;
}
