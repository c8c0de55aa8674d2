import { defineConfig } from 'vitest/config'
import { buildTarget, shared } from './vite.shared.ts'

// The station app (index.html → src/station/main.ts). It is served from the
// binary by Wails (or by `wails dev` at localhost:34115), so assets use
// relative paths and no CDN is involved. Vitest runs every app's tests
// (src/station, src/console, src/shared) with this config.
export default defineConfig({
  ...shared,
  base: './',
  build: {
    outDir: 'dist',
    // main.go embeds frontend/dist, so a fresh clone keeps a committed
    // dist/.gitkeep to compile before the frontend is built. The build empties
    // dist and public/.gitkeep puts that file back.
    emptyOutDir: true,
    target: buildTarget,
    chunkSizeWarningLimit: 2000,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
  },
})
