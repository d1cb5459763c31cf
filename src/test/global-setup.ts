/**
 * vitest global setup: gives the run an id under which the API tests share seeded templates
 * (src/test/template.ts), clears templates that killed runs left behind, builds the templates the
 * selected test files ask for before any file starts (so no file's `beforeAll` waits on a whole seed),
 * and drops this run's templates at the end. A kind missed here is built by the first file needing it.
 */
import fs from 'node:fs';
import type { TestProject } from 'vitest/node';
import { dropRunTemplates, dropStaleTemplates, newRunId, runDir, type SeedKind } from './databases.ts';
import { templateDataDir } from './template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The id of this test run's seeded templates (see src/test/template.ts). */
    qingdanTemplateRun: string;
  }
}

/** The seed kinds the run's test files start from, read from their source. */
async function kindsAsked(project: TestProject): Promise<SeedKind[]> {
  // The command line's file filters (vitest keeps them on its instance); without them, every file.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const { testFiles } = await project.globTestFiles(filters);
  const kinds = new Set<SeedKind>();
  for (const file of testFiles) {
    const source = fs.readFileSync(file, 'utf8');
    if (/seed: 'demo'/.test(source)) kinds.add('demo');
    if (/seed: 'reference'|prepareDatabase\(\)|startTestApp\(\)/.test(source)) kinds.add('reference');
  }
  return [...kinds];
}

/** Prepares the run's templates; the returned function removes them. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await dropStaleTemplates();
  const runId = newRunId();
  fs.mkdirSync(runDir(runId), { recursive: true });
  project.provide('qingdanTemplateRun', runId);
  const teardown = () => dropRunTemplates(runId);
  if (process.env.QINGDAN_TEST_TEMPLATES !== '0') {
    try {
      await Promise.all((await kindsAsked(project)).map((kind) => templateDataDir(runId, kind)));
    } catch (err) {
      await teardown();
      throw err;
    }
  }
  return teardown;
}
