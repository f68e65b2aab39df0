#!/usr/bin/env bash
# Side-by-side speed of `mlwatch drift` against pandas+scipy and Evidently on
# the same CSV files, plus the Go benchmarks of every method. Writes
# test-output/bench-drift.{md,json} and test-output/gobench-drift.txt.
# Needs the venv (scripts/install-deps.sh). Takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-output build
go build -o build/mlwatch ./cmd/mlwatch
.venv/bin/python tests/reference/bench_side_by_side.py --mlwatch build/mlwatch --repeat 3 \
  --out test-output/bench-drift.json | tee test-output/bench-drift.md
go test ./pkg/drift/ -run XXX -benchtime 3x -timeout 30m \
  -bench 'BenchmarkNumericMethods|BenchmarkNewSample|BenchmarkCategoricalMethods|BenchmarkBinnedMethods|BenchmarkMMD|BenchmarkEnergyMulti' \
  | tee test-output/gobench-drift.txt
