import vue from '@vitejs/plugin-vue'
import { fileURLToPath } from 'node:url'
import type { UserConfig } from 'vite'

/**
 * What the two apps' Vite configs share (vite.config.ts builds the station
 * app, vite.console.config.ts the hall console): the Vue plugin, the
 * @shared alias for src/shared (tsconfig.station.json and
 * tsconfig.console.json have the same path), vue-i18n's build flags and the
 * browsers to build for.
 */
export const shared = {
  plugins: [vue()],
  resolve: { alias: { '@shared': fileURLToPath(new URL('./src/shared', import.meta.url)) } },
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
} satisfies UserConfig

/**
 * buildTarget lowers the syntax for older WebKitGTK builds on domestic
 * Linux distributions, roughly Safari 14.
 */
export const buildTarget = ['es2020', 'safari14', 'chrome87']
