// ESLint for both apps (make lint-frontend; make test runs it): JavaScript's
// and typescript-eslint's recommended rules, eslint-plugin-vue's
// recommended rules as errors without the layout ones (formatting is not
// a finding here), and the layout of src/ as rules:
//   - src/station and src/console never import each other; src/shared
//     imports neither (it is the library both build on);
//   - only src/station/api touches the generated Wails bindings and the
//     transport; everything else calls the typed wrappers beside them.
import js from '@eslint/js'
import { defineConfig } from 'eslint/config'
import pluginVue from 'eslint-plugin-vue'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const apps = {
  station: 'the station app',
  console: 'the hall console',
}

/** forbidApps forbids importing the named apps' code. */
function forbidApps(names, why) {
  return names.map((name) => ({
    group: [`**/${name}/**`],
    message: `${why}: it may not import ${apps[name]} (src/${name}); move what both need to src/shared.`,
  }))
}

const bindings = {
  group: ['**/wailsjs/**', '**/api/transport', '**/api/transport.ts'],
  message: 'Only src/station/api touches the Wails bindings and the transport; call the typed wrappers there (api/cases.ts, api/station.ts, ...).',
}

export default defineConfig(
  { ignores: ['dist/**', 'src/station/api/wailsjs/**', 'src/console/public/**', 'public/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  pluginVue.configs['flat/recommended-error'],
  pluginVue.configs['no-layout-rules'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.vue'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['*.js', '*.ts', 'e2e/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ['src/station/**/*.ts', 'src/station/**/*.vue'],
    ignores: ['src/station/api/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...forbidApps(['console'], 'The station app'), bindings] }] },
  },
  {
    files: ['src/station/api/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: forbidApps(['console'], 'The station app') }] },
  },
  {
    files: ['src/console/**/*.ts', 'src/console/**/*.vue'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...forbidApps(['station'], 'The hall console'), bindings] }] },
  },
  {
    files: ['src/shared/**/*.ts', 'src/shared/**/*.vue'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...forbidApps(['station', 'console'], 'The shared library'), bindings] }] },
  },
)
