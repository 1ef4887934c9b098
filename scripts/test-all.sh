#!/usr/bin/env bash
# Every test: unit (vitest), ONNX graph tests (onnxruntime-node), Python model tests (pytest),
# then the built app in real Chromium (Playwright, WASM and software-WebGPU paths).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test

step() { echo; echo "=== $* ==="; }
step "typecheck";            npx tsc -p .
step "unit + graph tests";   npx vitest run
step "python model tests";   /usr/bin/python3 -m pytest -q models/tests
step "build";                npx vite build
step "browser end-to-end";   npx playwright test
