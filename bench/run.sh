#!/usr/bin/env bash
# The old name of bench/all.sh, which regenerates every table of
# BENCHMARKS.md in one run (same settings: SKIP_SDKS=1, QUICK=1, ...).
exec bash "$(dirname "$0")/all.sh" "$@"
