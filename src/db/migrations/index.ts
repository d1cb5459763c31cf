import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';
import * as m0001 from './0001_core.ts';
import * as m0002 from './0002_results_index.ts';
import * as m0003 from './0003_kpi_rollup.ts';
import * as m0004 from './0004_geo_cells.ts';
import * as m0005 from './0005_status_rollup.ts';
import * as m0006 from './0006_lean_rollup_trigger.ts';
import * as m0007 from './0007_search_without_positions.ts';
import * as m0008 from './0008_lean_indexes.ts';
import * as m0009 from './0009_unit_and_order_indexes.ts';
import * as m0010 from './0010_guard_counters.ts';
import * as m0012 from './0012_open311_media.ts';
import * as m0020 from './0020_services_shared.ts';
import * as m0021 from './0021_care_orders.ts';
import * as m0022 from './0022_canteen.ts';
import * as m0023 from './0023_notices.ts';
import * as m0024 from './0024_payments.ts';
import * as m0025 from './0025_care_escalation.ts';
import * as m0027 from './0027_hotline.ts';
import * as m0030 from './0030_jobs.ts';
import * as m0035 from './0035_kpi_rounds.ts';
import * as m0036 from './0036_kpi_definitions.ts';
import * as m0037 from './0037_reads_and_indicator_ranges.ts';
import * as m0038 from './0038_repeat_lookups.ts';
import * as m0040 from './0040_open311_photos.ts';
import * as m0041 from './0041_open311_sandbox.ts';
import * as m0042 from './0042_search_reporters.ts';
import * as m0044 from './0044_places_cells_care_photos.ts';
import * as m0045 from './0045_dispatch_down.ts';
import * as m0046 from './0046_jobs_open_points.ts';
import * as m0047 from './0047_care_payouts.ts';
import * as m0048 from './0048_close_time_indexes.ts';
import * as m0049 from './0049_village_deadlines.ts';
import * as m0050 from './0050_jobs_geo_cells.ts';
import * as m0051 from './0051_drop_jobs_geo_cell.ts';
import * as m0052 from './0052_search_lead_units.ts';

/** One migration step, run once on either dialect. */
export interface MigrationStep {
  up: (db: Kysely<unknown>, dialect: DialectAdapter) => Promise<void>;
}

/**
 * Every migration by name, in order: the only door to migrations/, opened by the migrator alone. A migration
 * is frozen history; runtime code never imports one (it keeps its own copy of what it needs).
 */
export const MIGRATIONS: Record<string, MigrationStep> = {
  '0001_core': m0001,
  '0002_results_index': m0002,
  '0003_kpi_rollup': m0003,
  '0004_geo_cells': m0004,
  '0005_status_rollup': m0005,
  '0006_lean_rollup_trigger': m0006,
  '0007_search_without_positions': m0007,
  '0008_lean_indexes': m0008,
  '0009_unit_and_order_indexes': m0009,
  '0010_guard_counters': m0010,
  '0012_open311_media': m0012,
  '0020_services_shared': m0020,
  '0021_care_orders': m0021,
  '0022_canteen': m0022,
  '0023_notices': m0023,
  '0024_payments': m0024,
  '0025_care_escalation': m0025,
  '0027_hotline': m0027,
  '0030_jobs': m0030,
  '0035_kpi_rounds': m0035,
  '0036_kpi_definitions': m0036,
  '0037_reads_and_indicator_ranges': m0037,
  '0038_repeat_lookups': m0038,
  '0040_open311_photos': m0040,
  '0041_open311_sandbox': m0041,
  '0042_search_reporters': m0042,
  '0044_places_cells_care_photos': m0044,
  '0045_dispatch_down': m0045,
  '0046_jobs_open_points': m0046,
  '0047_care_payouts': m0047,
  '0048_close_time_indexes': m0048,
  '0049_village_deadlines': m0049,
  '0050_jobs_geo_cells': m0050,
  '0051_drop_jobs_geo_cell': m0051,
  '0052_search_lead_units': m0052,
};
