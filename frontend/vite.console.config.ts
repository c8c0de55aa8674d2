import vue from '@vitejs/plugin-vue'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// The hall console: a second app of this project with its own entry
// (console.html → src/console/main.ts), served by `hall serve` at /console/.
// It builds into the Go package that embeds it, hall/console/dist; that
// directory keeps a committed .gitkeep (put back from src/console/public) so
// the hall compiles before the console is built.
export default defineConfig({
  plugins: [vue()],
  base: '/console/',
  resolve: { alias: { '@shared': fileURLToPath(new URL('./src/shared', import.meta.url)) } },
  publicDir: fileURLToPath(new URL('./src/console/public', import.meta.url)),
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: fileURLToPath(new URL('../hall/console/dist', import.meta.url)),
    emptyOutDir: true,
    target: ['es2020', 'safari14', 'chrome87'],
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: fileURLToPath(new URL('./console.html', import.meta.url)),
    },
  },
  server: {
    // `npm run dev:console` against a hall on 127.0.0.1:8440.
    proxy: { '/console/api': 'http://127.0.0.1:8440' },
  },
})
