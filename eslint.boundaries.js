// The doors between the layers of src/ (DESIGN §4, issue 19), checked by
// `npm run check`: modules talk through each other's index.ts, nothing reaches up into the server,
// migrations are history that nothing imports, and the kernel is pure.
import fs from 'node:fs';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

/** Every module: its folder and name. Open311 is an adapter over problems with the same doors. */
const modules = [
  ...fs
    .readdirSync('src/modules', { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ name: e.name, dir: `./src/modules/${e.name}` })),
  { name: 'open311', dir: './src/open311' },
];

const door = (name) => `Go through ${name}'s index.ts: it is the module's only door.`;

/** A module importing another module's files other than its index.ts. */
const betweenModules = modules.flatMap((m) =>
  modules
    .filter((other) => other !== m)
    .map((other) => ({ target: m.dir, from: other.dir, except: ['./index.ts'], message: door(other.name) })),
);

/** Code outside the modules importing a module's files other than its index.ts. */
const outside = [
  './src/server',
  './src/platform',
  './src/db',
  './src/kernel',
  './src/demo',
  './src/cli',
  './src/test',
];
const intoModules = [
  {
    target: [...outside, './bench', './scripts', './e2e'],
    from: './src/modules',
    except: [
      ...modules.filter((m) => m.dir.startsWith('./src/modules/')).map((m) => `./${m.name}/index.ts`),
      // The lists of the resident-service modules, beside the modules they list.
      ...fs
        .readdirSync('src/modules', { withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith('.ts'))
        .map((e) => `./${e.name}`),
    ],
    message: "Go through the module's index.ts: it is the module's only door.",
  },
  {
    target: [...outside, './bench', './scripts', './e2e'],
    from: './src/open311',
    except: ['./index.ts'],
    message: door('open311'),
  },
];

const migrationsZone = {
  target: ['./src', './bench', './scripts', './e2e'],
  from: './src/db/migrations',
  except: ['./index.ts'],
  message:
    'Migrations are frozen history: only the migrator (src/db/index.ts) runs them, through migrations/index.ts.',
};
const serverZone = {
  target: ['./src/modules', './src/open311', './src/platform', './src/db', './src/kernel', './src/demo'],
  from: './src/server',
  message: 'The server assembles the app; modules depend on src/platform, never upward on src/server.',
};
const zones = [
  ...betweenModules,
  ...intoModules,
  {
    target: './src/platform',
    from: './src/modules',
    // The context carries the reference data service every module reads.
    except: ['./reference/index.ts'],
    message: 'The platform sits below the modules and knows none of them.',
  },
  {
    target: './src/kernel',
    from: './src',
    except: ['./kernel'],
    message: 'The kernel is pure building blocks: it imports nothing from the rest of src/.',
  },
];

/** Node's I/O, and the database drivers: what the kernel never touches. */
const io = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'child_process',
  'dgram',
  'tls',
  'readline',
];
const ioPaths = [...io.flatMap((name) => [name, `node:${name}`]), 'better-sqlite3', 'pg', 'kysely'].map(
  (name) => ({
    name,
    message: 'The kernel does no I/O: reading and writing belong to platform, db or a module.',
  }),
);

/** The rules that keep the doors shut; a disable comment naming one of them is itself an error. */
const BOUNDARY_RULES = [
  'import-x/no-restricted-paths',
  'no-restricted-syntax',
  'no-restricted-imports',
  'qingdan/',
];

/** A rule reporting every node a selector matches, with one message. */
const selectorRule = (selector, message) => ({
  meta: { type: 'problem', schema: [] },
  create: (context) => ({ [selector]: (node) => context.report({ node, message }) }),
});

/** The project's own checks of the boundaries. */
const qingdan = {
  rules: {
    'no-boundary-disable': {
      meta: { type: 'problem', schema: [] },
      create(context) {
        return {
          Program() {
            for (const c of context.sourceCode.getAllComments()) {
              const text = c.value.trim();
              if (!/^eslint-disable/.test(text)) continue;
              const named = text.replace(/^eslint-disable(-next-line|-line)?/, '').split('--')[0];
              if (!named.trim() || BOUNDARY_RULES.some((r) => named.includes(r)))
                context.report({
                  loc: c.loc,
                  message:
                    'The module boundaries take no exceptions: give the module a service or query instead of disabling the check.',
                });
            }
          },
        };
      },
    },
    // A module's door shows services, queries and types: never a repository object or a row type.
    'door-shows-no-rows': selectorRule(
      'ExportSpecifier[exported.name=/(Repository|Row|Rows)$/], ExportNamedDeclaration > VariableDeclaration > VariableDeclarator[id.name=/Repository$/]',
      "A module's index.ts exposes services, queries and types, never a repository or its rows.",
    ),
    // The `settings` column of a jurisdiction has one reader.
    'one-settings-reader': selectorRule(
      "CallExpression[callee.property.name='select'] > Literal[value='settings']",
      "Read a jurisdiction's settings with jurisdictionSettings() (src/platform/jurisdictions.ts).",
    ),
    // The action log and the problems are read through the problems module's queries.
    'problems-sql-stays-home': selectorRule(
      'CallExpression[callee.property.name=/^(selectFrom|updateTable|deleteFrom|insertInto)$/] > Literal[value=/^(actions|problems|problem_units)( as \\w+)?$/]',
      "Problems and their action log are read through the problems module's queries (its index.ts).",
    ),
  },
};

/** ESLint configuration objects for the boundaries. */
export const boundaries = [
  {
    files: ['src/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'e2e/**/*.ts'],
    plugins: { qingdan },
    rules: { 'qingdan/no-boundary-disable': 'error' },
  },
  {
    files: ['src/modules/*/index.ts', 'src/open311/index.ts'],
    rules: { 'qingdan/door-shows-no-rows': 'error' },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/platform/jurisdictions.ts', 'src/db/migrations/**', '**/__tests__/**'],
    rules: { 'qingdan/one-settings-reader': 'error' },
  },
  {
    // Supervision once ran problems' SQL for its answers; the statistics sum over problemsMatching().
    files: ['src/modules/supervision/**/*.ts'],
    ignores: ['**/__tests__/**'],
    rules: { 'qingdan/problems-sql-stays-home': 'error' },
  },
  {
    files: ['src/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'e2e/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver()] },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: [...zones, migrationsZone, serverZone] }] },
  },
  {
    // Tests assemble the app (the server) to drive it through HTTP.
    files: ['**/__tests__/**'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones: [...zones, migrationsZone] }] },
  },
  {
    // A migration may build on an earlier one and on the migrations' helpers.
    files: ['src/db/migrations/**'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones: [...zones, serverZone] }] },
  },
  {
    files: ['src/kernel/**/*.ts'],
    ignores: ['src/kernel/**/__tests__/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ioPaths }] },
  },
  {
    // A module's door shows services and types; its repository and rows stay inside.
    files: ['src/modules/*/index.ts', 'src/open311/index.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: ':matches(ExportNamedDeclaration, ExportAllDeclaration)[source.value=/repository/]',
          message: "A module's index.ts exposes services and types, never its repository.",
        },
      ],
    },
  },
];
