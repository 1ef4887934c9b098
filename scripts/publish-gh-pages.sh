#!/usr/bin/env bash
# Publishes the playground to GitHub Pages: builds dist/ (relative URLs, so it works at https://USER.github.io/REPO/
# or any other path) and force-pushes it as the whole of the gh-pages branch of a remote (default: origin).
# Then, once, on GitHub: Settings -> Pages -> Deploy from a branch -> gh-pages, / (root).
# Usage: npm run publish:gh-pages [-- REMOTE]   (REMOTE: a remote's name or a URL; needs network access to it)
set -euo pipefail
cd "$(dirname "$0")/.."
remote="${1:-origin}"
url="$(git remote get-url "$remote" 2>/dev/null || echo "$remote")"
npm run build
site="$(mktemp -d)"
trap 'rm -rf "$site"' EXIT
cp -r dist/. "$site"
git -C "$site" init -q -b gh-pages
git -C "$site" add -A
git -C "$site" -c user.name="$(git config user.name || echo publisher)" -c user.email="$(git config user.email || echo publisher@localhost)" \
  commit -q -m "Publish the playground built from $(git rev-parse --short HEAD)"
git -C "$site" push -q -f "$url" gh-pages
echo "Pushed dist/ to the gh-pages branch of $url"
