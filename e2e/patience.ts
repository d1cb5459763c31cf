/**
 * How long a browser test waits on the page before it calls the wait a hang: Playwright's actions and
 * waits and `expect.poll` alike. On a busy machine a step that takes a second alone can take many; a wait
 * still returns as soon as its condition holds.
 */
export const PATIENCE_MS = 60_000;
