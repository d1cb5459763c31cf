/**
 * The KPI rollup tables (their schema, like schema.ts): the numerators of every KPI of DESIGN §2 summed per
 * grain, and the result indicators summed per the same grain. Missing keys are stored as '' (NULL never
 * equals NULL in a unique key). The stats module keeps them (src/modules/stats/rollup/); migrations 0003
 * and 0005 created them and keep their own frozen copy of this list.
 *
 * The levels: the full grain; a core grain (month, township, category, domain, kind) about ten times smaller
 * that answers the common questions; and the core grain by status, keyed status first, that counts the
 * problems matching a list's filters without reading them.
 */
export const ROLLUP_LEVELS = [
  {
    table: 'problem_rollup',
    indicators: 'problem_indicator_rollup',
    core: false,
    grain: [
      'month',
      'township_code',
      'category_code',
      'domain',
      'kind',
      'channel',
      'lead_unit_id',
      'topic_id',
      'campaign_id',
    ],
  },
  {
    table: 'problem_rollup_core',
    indicators: 'problem_indicator_rollup_core',
    core: true,
    grain: ['month', 'township_code', 'category_code', 'domain', 'kind'],
  },
  {
    table: 'problem_rollup_status',
    indicators: 'problem_indicator_rollup_status',
    core: true,
    grain: ['status', 'township_code', 'month', 'category_code', 'domain', 'kind'],
  },
] as const;

/** One rollup level: its table, its indicators' table and its grain. */
export type RollupLevel = (typeof ROLLUP_LEVELS)[number];

/** The histogram of close times per whole hour, kept beside the levels. */
export const CLOSE_HOURS_TABLE = 'problem_close_hours';

/** Every table the rollup keeps. */
export const ROLLUP_TABLE_NAMES: readonly string[] = [
  ...ROLLUP_LEVELS.flatMap((l) => [l.table, l.indicators]),
  CLOSE_HOURS_TABLE,
];
