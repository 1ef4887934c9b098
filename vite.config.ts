import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const version = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
const commit = (() => {
  try {
    return `+${execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()}`;
  } catch {
    return ''; // not a git checkout
  }
})();

// Cross-origin isolation (COOP + COEP) gives SharedArrayBuffer, so onnxruntime-web's WASM
// backend can run multithreaded; without it ORT silently falls back to one thread.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// A static host that cannot send these headers (GitHub Pages, most file hosts) gets them from a service worker:
// coi-serviceworker, loaded by index.html from next to it, registers itself and reloads the page once. It must be
// served as its own file at the page's level (its scope), so it is copied, not bundled.
const COI = 'coi-serviceworker.js';
const coiServiceWorker = (): Plugin => {
  const source = () => readFileSync(`node_modules/coi-serviceworker/${COI}`, 'utf8');
  return {
    name: 'coi-serviceworker',
    configureServer: (server) =>
      void server.middlewares.use(`/${COI}`, (_req, res) => (res.setHeader('content-type', 'text/javascript'), res.end(source()))),
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: COI, source: source() });
      this.emitFile({ type: 'asset', fileName: '.nojekyll', source: '' }); // GitHub Pages: serve every file as it is
    },
  };
};

export default defineConfig({
  // relative URLs: the built folder works from any path of any static host (e.g. https://user.github.io/repo/)
  base: './',
  plugins: [react(), coiServiceWorker()],
  // recorded with every measured point (src/engine/provenance.ts)
  define: {
    __APP_VERSION__: JSON.stringify(`${version('package.json')}${commit}`),
    __ORT_VERSION__: JSON.stringify(version('node_modules/onnxruntime-web/package.json')),
  },
  server: { headers: isolation, port: 5173 },
  preview: { headers: isolation, port: 4173 },
  worker: { format: 'es' },
  // ORT ships its own .wasm/.mjs loader files; pre-bundling breaks their relative URLs.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
