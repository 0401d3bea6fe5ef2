// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', '.runs/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // core/ modules are pure: no I/O, no clock, no randomness (see STYLE: core does no I/O).
    files: ['hub/core/**/*.ts', 'agent/core/**/*.ts', 'hub/scheduling/**/*.ts', 'hub/failover/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'net', 'http', 'child_process'], message: 'core/ is pure: no I/O' },
            {
              group: ['@grpc/*', 'better-sqlite3', '@kubernetes/*', 'pino', 'fastify'],
              message: 'core/ is pure: no I/O',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'core/ takes time as an argument' },
        { object: 'Math', property: 'random', message: 'core/ takes randomness as an argument' },
      ],
    },
  },
);
