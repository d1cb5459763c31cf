// The generator's worker thread starts here: it loads its TypeScript through tsx, as the `qingdan`
// command does for every command but the server's.
import { register } from 'tsx/esm/api';

register();
await import('./generate.worker.ts');
