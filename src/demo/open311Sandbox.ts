/** The demo's Open311 test endpoint: Hetang's sandbox jurisdiction with a key a tester can type. */
import type { AppContext } from '../platform/context.ts';
import { openSandbox, type Sandbox } from '../open311/index.ts';
import { HETANG } from './hetang.ts';

/** The API key of the demo's test endpoint (demo data only). */
export const DEMO_TEST_KEY = 'demo-open311-test-key';

/** Sets up Hetang's sandbox (the test endpoint of discovery) with the demo's test key. */
export function seedOpen311Sandbox(ctx: AppContext): Promise<Sandbox> {
  return openSandbox(ctx, HETANG.id, { key: DEMO_TEST_KEY });
}
