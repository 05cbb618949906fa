#!/usr/bin/env bash
# Formats the code base and applies Biome's safe lint fixes (never the unsafe ones): `npm run format`.
# The settings are in biome.jsonc; `npm run lint` checks that this has been done (`biome ci`).
set -euo pipefail
cd "$(dirname "$0")/.."
node_modules/.bin/biome check --write "$@"
