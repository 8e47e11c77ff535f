// Flat config. Workflow code (and the pure domain/ it uses) runs in Temporal's deterministic sandbox: no Node built-ins, no
// path aliases or packages other than Temporal's (and async-mutex, the FIFO lock Temporal's samples use), and every
// promise awaited.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

export default tseslint.config(
  { ignores: ['node_modules/', 'prisma/generated/', '.tools/', '.data/', 'coverage/', 'dist/', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Jest loads its sequencer as CommonJS, untransformed.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The portal's own browser scripts, beside Stripe.js (window.Stripe) on the page that loads it.
    files: ['portal/static/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, Stripe: 'readonly' } },
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinModules.flatMap((name) => [name, `node:${name}`]).map((name) => ({
            name,
            message: 'Workflow code is deterministic: no Node built-ins (use activities).',
          })),
          patterns: [
            {
              regex: '^(?!\\.{1,2}/|@temporalio/(workflow|common)$|async-mutex$)',
              message: 'Workflow code may import only relative modules, @temporalio/workflow, @temporalio/common and async-mutex.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
