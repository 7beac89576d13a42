// ESLint, run by `npm test` (`npm run lint` alone). Syntax-only rules: no type information,
// so it stays fast; tsc checks the types.
import js from '@eslint/js';
import jest from 'eslint-plugin-jest';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Generated or installed: dist/ by `npm run synth`, imports/ by `cdk8s import`.
    ignores: ['dist/', 'imports/', 'node_modules/', 'coverage/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // tsc reports unused names already (noUnusedLocals, noUnusedParameters).
      '@typescript-eslint/no-unused-vars': 'off',
      // A JSON file may be required: loaded lazily, bundled by esbuild, and not type-checked by tsc.
      '@typescript-eslint/no-require-imports': ['error', { allow: ['\\.json$'] }],
    },
  },
  {
    // Json, the type of a value read from YAML, is the one `any`: manifests have no static type.
    files: ['validator/manifest.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: {
      // Plain Node scripts: CommonJS is what they are.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['__tests__/**/*.ts'],
    ...jest.configs['flat/recommended'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/valid-expect': 'error',
      'jest/expect-expect': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/no-focused-tests': 'error',
      'jest/no-identical-title': 'error',
    },
  },
);
