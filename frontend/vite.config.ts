import vue from '@vitejs/plugin-vue'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// The app is served from the binary by Wails (or by `wails dev` at
// localhost:34115), so assets use relative paths and no CDN is involved.
export default defineConfig({
  plugins: [vue()],
  base: './',
  resolve: { alias: { '@shared': fileURLToPath(new URL('./src/shared', import.meta.url)) } },
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: 'dist',
    // main.go embeds frontend/dist, so a fresh clone keeps a committed
    // dist/.gitkeep to compile before the frontend is built. The build empties
    // dist and public/.gitkeep puts that file back.
    emptyOutDir: true,
    // Older WebKitGTK builds on domestic Linux distributions are roughly
    // Safari 14; lower the syntax for them.
    target: ['es2020', 'safari14', 'chrome87'],
    chunkSizeWarningLimit: 2000,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
  },
})
