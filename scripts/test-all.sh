#!/usr/bin/env bash
# The one command that installs what the tests need and runs every test:
#   npm run test:all      (or: bash scripts/test-all.sh)
# Stages run in order; the first failure stops the run. Timings of every
# stage are printed at the end and written to test-output/timings.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
# The backend build uses the SDK's arrow_json_stdlib tag; vet and the tests
# use it too, so that they all share one compiled dependency graph instead
# of compiling it twice (a fresh machine has no Go build cache).
export GOFLAGS="-buildvcs=false -tags=arrow_json_stdlib"
export CI="${CI:-true}"
mkdir -p test-output
: > test-output/timings.txt

stage() {
  local name="$1"; shift
  printf '\n==> %s\n' "$name"
  local start=$SECONDS
  "$@"
  local took=$((SECONDS - start))
  printf '%-28s %4ds\n' "$name" "$took" | tee -a test-output/timings.txt
}

run_total_start=$SECONDS

stage "install dependencies" bash scripts/install-deps.sh
stage "typecheck" npm run -s typecheck
stage "lint" npm run -s lint
stage "jest" npm run -s test:ci
stage "alert rules" bash tests/alerts/run.sh
stage "dashboards up to date" node scripts/render-dashboards.mjs --check
stage "gofmt" bash -c 'unformatted=$(gofmt -l cmd internal pkg tests *.go); if [ -n "$unformatted" ]; then echo "not gofmt-ed: $unformatted (run gofmt -w)"; exit 1; fi'
stage "go vet" go vet ./...
stage "go vet (integration)" go vet -tags integration,arrow_json_stdlib ./tests/integration/
stage "go test -race" go test -race -count=1 ./...
stage "fuzz (short)" bash -c 'go test -run XXX -fuzz "^FuzzRead$" -fuzztime 5s ./pkg/csvcols/ && go test -run XXX -fuzz "^FuzzFromCumulative$" -fuzztime 5s ./pkg/drift/ && go test -run XXX -fuzz "^FuzzParseLe$" -fuzztime 5s ./pkg/drift/ && go test -run XXX -fuzz "^FuzzParseQuery$" -fuzztime 5s ./pkg/models/'
stage "build (frontend, linux/amd64)" bash -c 'npm run -s build:frontend && npm run -s build:backend -- build:linux'
# The other four backends (what `npm run build` adds) compile in the
# background while the server-side tests run; the browser tests wait for
# them, so that their timing is not disturbed.
others_start=$SECONDS
rm -f test-output/build-others.rc
# Its own process group, so that a failed stage stops the whole build too.
setsid bash -c 'npm run -s build:backend -- others > test-output/build-others.log 2>&1; echo $? > test-output/build-others.rc' &
others_pid=$!
trap 'kill -- -"$others_pid" 2>/dev/null || true' EXIT
wait_others() {
  wait "$others_pid" || true
  if [ "$(cat test-output/build-others.rc 2>/dev/null)" != "0" ]; then
    cat test-output/build-others.log
    echo "building the backend for the other platforms failed"
    return 1
  fi
  echo "built in the background in $((SECONDS - others_start))s"
}
stage "integration (Go)" go test -tags integration,arrow_json_stdlib -count=1 -timeout 10m ./tests/integration/
stage "SQL on ClickHouse 26 (chdb)" node --test tests/chdb/
stage "demo workload" node --test tests/demo/
stage "deploy files" node --test tests/deploy/
stage "build (other platforms)" wait_others
stage "browser harness" npm run -s test:browser
stage "package" npm run -s package
stage "plugin check" bash -c 'go run ./cmd/plugincheck -source . build/mlwatch-observability-app-*.zip'
stage "plugin-e2e" npm run -s e2e

printf '%-28s %4ds\n' "total" "$((SECONDS - run_total_start))" | tee -a test-output/timings.txt
echo
echo "All stages passed. Timings:"
cat test-output/timings.txt
