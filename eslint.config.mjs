import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'data/',
      'test/mutation/.stryker-tmp/',
      'test/mutation/reports/',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Formatting is Prettier's (npm run format); ESLint keeps to what can be wrong.
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // End-to-end tests read JSON bodies as they come over the wire.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The domain is pure: no framework, no database, no client library, no I/O, no clock.
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@nestjs/*',
                'class-validator',
                'class-transformer',
                'rxjs',
                'rxjs/*',
                '@eventstore/*',
                '@kurrent/*',
                'better-sqlite3',
                'pg',
                'fastify',
                '@fastify/*',
                'node:*',
                'fs',
                'crypto',
                'http',
                'path',
                '@app/event-store*',
              ],
              message: 'libs/domain is pure TypeScript: it imports no framework, database, client library or Node API.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'The domain takes the business date from the command, never the clock.',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'The domain takes the business date from the command, never the clock.',
        },
        { selector: "MemberExpression[object.name='process']", message: 'The domain never reads the environment.' },
      ],
    },
  },
);
