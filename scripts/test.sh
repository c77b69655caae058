#!/bin/sh
# Install what is needed, build, and run every test: unit, end-to-end and,
# when ../shared/corpus exists, the corpus suite.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
sh scripts/build.sh
ctest --test-dir build --output-on-failure --timeout 600
