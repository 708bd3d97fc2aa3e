// ESLint: ESLint's and typescript-eslint's recommended rules (the ones that need no type information) over the
// TypeScript of src/, test/ and bench/ and the JavaScript of scripts/ (Node) and web/ (the browser). Layout is
// Prettier's (.prettierrc.json); `npm run lint` checks both and clang-format, `npm run format` fixes what they can.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
// typescript-eslint through its workspace, which gives it a TypeScript it can load (see tools/typescript-eslint).
import tseslint from '@face-service/typescript-eslint';

export default defineConfig(
  {
    ignores: ['src/graphql/generated.ts', 'build/', 'models/', 'data/', 'test-output/', '.tools/', '.bench-venv/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts', 'scripts/**/*.mjs', 'tools/**/*.js', '*.js'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['web/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    rules: {
      // `const { stacktrace: _drop, ...rest } = x` is how the code leaves a property out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // A test registers its clean-up (t.after) before the server it stops exists, so the variable is a `let` read
      // by that closure before its one assignment.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Tests and benchmarks read untyped JSON (GraphQL answers, results of peers), untyped library internals
    // (face-api's tf) and globals they set on the page's window; src/ has no `any` and keeps the rule.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
