import { defineConfig } from 'vitest/config';
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

export default defineConfig({
  plugins: [react()],
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
