// One ESLint config for the whole workspace. Each project lints itself (`npm run lint` → `eslint .`),
// ESLint finds this file by walking up from the project folder.
//
// Read it top to bottom:
//   1. what is never linted (build output, generated files);
//   2. typescript-eslint `recommended` everywhere;
//   3. a few type-aware rules that catch real bugs (promises nobody awaits) and stay cheap;
//   4. per-project idioms: React hooks in web-admin, NestJS in server, jest/vitest in test files;
//   5. the architecture between projects (Nx tags, see each package.json "nx.tags");
//   6. prettier owns formatting, so every formatting rule is off (must stay last).
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier/flat';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];
const JS_FILES = ['**/*.js', '**/*.mjs', '**/*.cjs'];
const TEST_FILES = [
  '**/*.spec.ts',
  '**/*.integration-spec.ts',
  '**/*.test.ts',
  '**/*.test.tsx',
  '**/*.test.mjs',
  '**/testing/**',
  'device-agent/src/component/**',
  'server/test-support/**',
  'test/**',
];

/** @param {string[]} allow relative imports allowed across projects (narrow, documented exceptions) */
function moduleBoundaries(allow = []) {
  return [
    'error',
    {
      allow,
      depConstraints: [
        // The wire protocol is the shared kernel: it depends on no other project.
        { sourceTag: 'type:protocol', onlyDependOnLibsWithTags: [] },
        // The agent and the simulator (both type:device) meet only through the protocol, never each other.
        { sourceTag: 'type:device', onlyDependOnLibsWithTags: ['type:protocol'] },
        { sourceTag: 'type:server', onlyDependOnLibsWithTags: ['type:protocol'] },
        { sourceTag: 'type:web', onlyDependOnLibsWithTags: ['type:protocol'] },
        // Cross-component tests assemble everything.
        { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['*'] },
      ],
    },
  ];
}

export default tseslint.config(
  // 1. Never linted.
  {
    ignores: [
      '**/dist/**',
      '**/coverage/**',
      '**/node_modules/**',
      '**/.nx/**',
      '**/.data/**',
      '**/test-artifacts/**',
      'test/demo/dist/**',
      'test/faults/dist/**',
      'test/security/dist/**',
      'server/bench/dist/**',
    ],
  },

  // 2. Baseline for every file.
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_name` marks a parameter or binding that is deliberately unused (interface shape, destructuring rest).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // A ternary or `&&` chosen for its side effect is a deliberate, readable idiom here.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
    },
  },
  {
    // CommonJS config files (jest.config.js, jest.swc.js).
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The hardware libraries are untyped CommonJS with native parts: loaded lazily, only when a board is used.
    files: TS_FILES,
    rules: { '@typescript-eslint/no-require-imports': ['error', { allow: ['^johnny-five$', '^firmata-io$'] }] },
  },

  // 3. Type-aware rules: only the ones that find bugs. Each tsconfig.json near a file supplies its types.
  {
    files: TS_FILES,
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-implied-eval': 'error',
      // The arm decision exits early by throwing a plain `Deny` value: no stack capture on the hot path.
      '@typescript-eslint/only-throw-error': ['error', { allow: [{ from: 'file', name: 'Deny' }] }],
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/require-array-sort-compare': ['error', { ignoreStringArrays: true }],
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, allowDefaultCaseForExhaustiveSwitch: true },
      ],
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      // Not enabled: consistent-type-imports. With emitDecoratorMetadata (NestJS DI reads constructor
      // parameter types at run time) a type-only import of an injected class silently breaks injection.
    },
  },
  {
    files: JS_FILES,
    ...tseslint.configs.disableTypeChecked,
  },

  // 4a. web-admin: React in the browser.
  {
    files: ['web-admin/src/**/*.ts', 'web-admin/src/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    // The classic hook rules only. The plugin's React Compiler rules (refs, set-state-in-effect, immutability…)
    // judge code for a compiler this app does not use, and satisfying them means rewriting working hooks.
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    // Event handlers may start async work: React ignores their return value, and the handlers catch.
    files: ['web-admin/src/**/*.tsx'],
    rules: { '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }] },
  },
  {
    // Playwright end-to-end flows run in node and drive a browser through page.evaluate.
    files: ['web-admin/e2e/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },

  // 4b. server: NestJS idioms.
  {
    files: ['server/**/*.ts'],
    rules: {
      // Nest modules are classes carrying only decorators.
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },

  // 4c. Tests (jest and vitest): mocks, spies and assertion helpers.
  {
    files: TEST_FILES,
    languageOptions: { globals: { ...globals.jest } },
    rules: {
      // A test may load a module lazily, inside the case that needs it (fs faults, native hardware libs).
      '@typescript-eslint/no-require-imports': 'off',
      // Tests sort only to compare collections regardless of order; the default order is stable enough.
      '@typescript-eslint/require-array-sort-compare': 'off',
    },
  },

  // 5. Architecture between projects, from the tags in each package.json "nx" field.
  {
    files: TS_FILES,
    plugins: { '@nx': nx },
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries() },
  },
  {
    // The agent's contract specs pin its pin map, watchdog and behaviour against the simulator's own
    // tables; production agent code never imports the simulator.
    files: ['device-agent/src/**/*.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries(['../../firmware-sim/src/**', '../../../firmware-sim/src/**']),
    },
  },
  {
    // Cross-component tests reach into the server's sources and test support (the server is an app, not
    // a library with an entry point).
    files: ['test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries(['../../server/src/**', '../../server/test-support/**']),
    },
  },

  // 6. Prettier formats; ESLint only judges.
  prettier,
);
