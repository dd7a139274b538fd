// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * The chaos checker proves the pipeline's guarantees from the outside: besides the schemas it
 * may use the pure domain package and nothing else of ours (no runtime, no entities, no other
 * tool), nor reach out of its folder by a relative path. One block per folder depth, as a
 * relative path leaves the folder after as many `../` as the file is deep, plus one.
 */
const CHECKER_MESSAGE = 'the chaos checker shares no code with what it checks (only @bgs/domain)';
const checkerImports = (depth) => ({
  files: [`tools/chaos/src/checker/${'*/'.repeat(depth)}*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: ['@bgs/platform', '@bgs/db', '@bgs/provisioning', '@bgs/demo', '@bgs/bench'].map(
          (name) => ({ name, message: CHECKER_MESSAGE }),
        ),
        patterns: [
          { group: ['@bgs/*', '!@bgs/domain'], message: CHECKER_MESSAGE },
          {
            regex: `^(\\./)*(\\.\\./){${depth + 1}}`,
            message: 'outside tools/chaos/src/checker: the checker shares no code with the rest',
          },
        ],
      },
    ],
  },
});

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.stack/**',
      'coverage/**',
      'deploy/local/target/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    // Command-line tools and test helpers talk to a person on the terminal.
    files: ['**/src/cli/**/*.ts', '**/src/bin/**/*.ts', 'tests/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
      },
    },
  },
  {
    // Long closures hide their decisions: split a function past this into named units, its
    // decisions pure and unit-tested (docs/conventions.md). A migration is one DDL script.
    files: [
      'packages/*/src/**/*.ts',
      'services/*/src/**/*.ts',
      'tools/*/src/**/*.ts',
      'bench/**/*.ts',
    ],
    ignores: ['**/*.test.ts', 'packages/db/src/migrations/**'],
    rules: { 'max-lines-per-function': ['error', { max: 80 }] },
  },
  ...[0, 1, 2, 3].map(checkerImports),
  prettier,
);
