import { computed, onMounted, ref } from 'vue';
import { api } from '@shared/api';
import { groupByDomain, loadCategories, loadDivisions } from '@shared/reference';
import type { Campaign, Category, Division, Topic, Unit } from '@shared/types';
import { items } from './useFormErrors';

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
      tasks.push(
        api
          .get<Unit[] | { items: Unit[] }>('/api/units', { pageSize: 500 })
          .then((r) => (units.value = items(r))),
      );
    if (opts.campaigns)
      tasks.push(
        api
          .get<Campaign[] | { items: Campaign[] }>('/api/campaigns')
          .then((r) => (campaigns.value = items(r))),
      );
    if (opts.topics)
      tasks.push(
        api
          .get<Topic[] | { items: Topic[] }>('/api/topics', { pageSize: 500 })
          .then((r) => (topics.value = items(r))),
      );
    await Promise.allSettled(tasks);
  });

  return { categories, domains, towns, villages, units, campaigns, topics, loadVillages };
}
