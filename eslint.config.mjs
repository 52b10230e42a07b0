// ESLint flat config: typescript-eslint's recommended rules (no type information: about 10 s here), the
// layer rules of docs/architecture.md, and on demand (`npm run lint:promises`) the type-aware rules that
// catch a promise nobody awaits: they need the type checker, which took the run from 10 s to 75 s
// (measured), so `npm run lint` leaves them out. Formatting is Prettier's job (.prettierrc).
import js from '@eslint/js';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Imports a folder may not make: the arrows of the layers (functions → lib; cli never local). */
const typed = process.env.LINT_PROMISES === '1';

const layer = (...folders) => ({
  patterns: [
    {
      regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`,
      message: `this layer may not import ${folders.join('/, ')}/ (docs/architecture.md, "Layers")`,
    },
  ],
});

export default tseslint.config(
  {
    ignores: ['node_modules/', '.serverless/', '.esbuild/', 'coverage/', '.local-cloud/', '.probe/'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  comments.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      globals: { ...globals.node },
      ...(typed && { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } }),
    },
    rules: {
      ...(typed && {
        // A promise nobody awaits loses its error (an unhandled rejection ends Node) and its ordering.
        '@typescript-eslint/no-floating-promises': 'error',
        '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      }),
      // `_name` marks a parameter a signature needs and the body does not use (tsconfig's noUnused* agrees).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Every eslint-disable says why (`-- reason`).
      '@eslint-community/eslint-comments/require-description': ['error', { ignore: ['eslint-enable'] }],
      '@eslint-community/eslint-comments/disable-enable-pair': ['error', { allowWholeFile: true }],
      // `a && b()` and `c ? d() : e()` as statements are this code's idiom, not a forgotten call.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      // Cases grouped under one body (with a comment between them) are not a fall-through bug.
      'no-fallthrough': ['error', { allowEmptyCase: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-throw-literal': 'error',
      // A `let` that a closure reads before its one assignment must stay `let` (a const would be in its TDZ).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // CommonJS Serverless plugins and config files: require() is how they load.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Tests require a module after setting the environment or mocks it reads at load (jest's idiom),
    // and read free-form JSON (templates, histories, log lines) field by field.
    files: ['**/*.test.ts', 'tests/**/*.ts'],
    languageOptions: { globals: { ...globals.jest } },
    rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  // The layers: product code never reaches into the local cloud, the tests or the scripts.
  {
    files: ['functions/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', layer('cli', 'local', 'tests', 'scripts')] },
  },
  {
    files: ['lib/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', layer('functions', 'cli', 'local', 'tests', 'scripts')] },
  },
  { files: ['cli/**/*.ts', 'bin/**/*.ts'], rules: { 'no-restricted-imports': ['error', layer('local', 'tests', 'scripts')] } },
);
