// @ts-check
const eslint = require('@eslint/js');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');

module.exports = tseslint.config(
  { ignores: ['dist/', 'coverage/', '.data/', 'node_modules/', 'test-output/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          // The one file outside test/browser checked with the DOM's types (its tsconfig says why).
          allowDefaultProject: ['bench/dashboard.ts'],
          defaultProject: 'test/browser/tsconfig.json',
        },
        tsconfigRootDir: __dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through src/config (APP_CONFIG), not process.env.',
        },
      ],
    },
  },
  {
    // The dashboard's unit specs are left out of web/tsconfig.json (the page must not see jest's
    // globals): they are checked with web/tsconfig.spec.json.
    files: ['web/src/**/*.spec.ts'],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: './web/tsconfig.spec.json',
        tsconfigRootDir: __dirname,
      },
    },
  },
  {
    files: [
      'src/config/**',
      'src/main.ts',
      'src/cli/main.ts',
      'ormconfig.ts',
      'jest.config.js',
      'test/**',
      'bench/**',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        module: 'writable',
        require: 'readonly',
        __dirname: 'readonly',
        process: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
