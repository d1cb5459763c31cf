import fs from 'node:fs';
import type { TestProject } from 'vitest/node';
import { screenshotDir } from './browser.ts';
import { seedTemplate } from './server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A data folder with the seeded Hetang demo; each server starts from a copy of it. */
    seedDir: string;
  }
}

/**
 * Clears the screenshots of the last run, and seeds the Hetang demo once for the whole run (seeding
 * takes seconds; copying the folder does not).
 */
export default async function setup(project: TestProject): Promise<() => void> {
  fs.rmSync(screenshotDir, { recursive: true, force: true });
  const dir = await seedTemplate();
  project.provide('seedDir', dir);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
