import { computed, onMounted, ref } from 'vue';
import { api } from '@shared/api';
import { groupByDomain, loadCategories, loadDivisions } from '@shared/reference';
import type { Campaign, Category, Division, Topic, Unit } from '@shared/types';

/** Reference lists for filters and forms: categories, domains, townships, units, campaigns, topics. */
export function useReference(opts: { units?: boolean; campaigns?: boolean; topics?: boolean } = {}) {
  const categories = ref<Category[]>([]);
  const towns = ref<Division[]>([]);
  const units = ref<Unit[]>([]);
  const campaigns = ref<Campaign[]>([]);
  const topics = ref<Topic[]>([]);
  const villages = ref<Division[]>([]);
  const domains = computed(() => groupByDomain(categories.value));

  async function loadVillages(township: string) {
    villages.value = township ? await loadDivisions(township).catch(() => []) : [];
  }

  onMounted(async () => {
    const tasks: Promise<unknown>[] = [
      loadCategories().then((c) => (categories.value = c)),
      loadDivisions().then((d) => (towns.value = d)),
    ];
    if (opts.units)
      tasks.push(api.list<Unit>('/api/units', { pageSize: 500 }).then((r) => (units.value = r)));
    if (opts.campaigns) tasks.push(api.list<Campaign>('/api/campaigns').then((r) => (campaigns.value = r)));
    if (opts.topics)
      tasks.push(api.list<Topic>('/api/topics', { pageSize: 500 }).then((r) => (topics.value = r)));
    await Promise.allSettled(tasks);
  });

  return { categories, domains, towns, villages, units, campaigns, topics, loadVillages };
}
