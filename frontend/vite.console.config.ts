import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { buildTarget, shared } from './vite.shared.ts'

// The hall console: the second app of this project, with its own entry
// (console.html → src/console/main.ts), served by `hall serve` at /console/.
// It builds into the Go package that embeds it, hall/console/dist; that
// directory keeps a committed .gitkeep (put back from src/console/public) so
// the hall compiles before the console is built.
export default defineConfig({
  ...shared,
  base: '/console/',
  publicDir: fileURLToPath(new URL('./src/console/public', import.meta.url)),
  build: {
    outDir: fileURLToPath(new URL('../hall/console/dist', import.meta.url)),
    emptyOutDir: true,
    target: buildTarget,
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
