#!/usr/bin/env bash
# Starts the playground with the bundled models: installs npm packages if needed, builds, serves.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh web
npx vite build --logLevel warn
echo "Playground: http://127.0.0.1:${PORT:-4173}/"
exec npx vite preview --host 127.0.0.1 --port "${PORT:-4173}" --strictPort
