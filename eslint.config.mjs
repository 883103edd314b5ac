// Lint rules as policy (docs/architecture.md): promises are awaited or explicitly voided, and
// type-only imports say so, which keeps workflow bundles free of activity code. Import directions
// and cycles are dependency-cruiser's job (.dependency-cruiser.cjs); formatting is Prettier's.
import { fileURLToPath } from 'node:url';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(globalIgnores(['dist/**', 'node_modules/**', 'test-artifacts/**', 'examples/**', 'deploy/**', 'tools/**', 'bin/**']), {
  files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
  extends: [tseslint.configs.base],
  languageOptions: {
    parserOptions: {
      projectService: true,
      tsconfigRootDir: fileURLToPath(new URL('.', import.meta.url)),
    },
  },
  linterOptions: { reportUnusedDisableDirectives: 'error' },
  rules: {
    '@typescript-eslint/no-floating-promises': [
      'error',
      {
        // node:test's describe/it/test return promises the runner itself tracks; awaiting them is not needed.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }],
      },
    ],
    '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
  },
});
