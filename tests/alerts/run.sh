#!/usr/bin/env bash
# Checks the alert-rule templates with the tools that own the formats:
#
#   1. renders the templates (scripts/render-alerts.mjs) into a temporary directory and
#      fails when the committed generated files differ (stale);
#   2. promtool check rules: the rules file, the PrometheusRule's spec, and every PromQL
#      query of the Grafana-managed rules;
#   3. promtool test rules: every tests/alerts/*.test.yaml, and every alert must have unit
#      tests where it fires and where it does not;
#   4. amtool check-config on deploy/alertmanager/alertmanager.example.yaml, its routing
#      (amtool config routes test) and its notification templates (amtool template render).
#
# Usage: bash tests/alerts/run.sh      (needs node with the repository's node_modules,
#                                       promtool and amtool on PATH)
# Runs every check, prints what failed, and exits 1 when anything did.
set -uo pipefail
cd "$(dirname "$0")/../.."

RULES=deploy/prometheus/mlwatch-rules.yaml
GRAFANA=provisioning/alerting/mlwatch-alerts.yaml
CR=deploy/kube-prometheus-stack/prometheusrule.yaml
AM=deploy/alertmanager/alertmanager.example.yaml
GENERATED=("$RULES" "$GRAFANA" "$CR")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failures=()
passed=0
# check NAME COMMAND...: runs the command, keeps its output for failures.
check() {
  local name="$1"
  shift
  if "$@" >"$tmp/out" 2>&1; then
    passed=$((passed + 1))
    printf '  ok    %s\n' "$name"
  else
    failures+=("$name")
    printf '  FAIL  %s\n' "$name"
    sed 's/^/        /' "$tmp/out"
  fi
}

for tool in node promtool amtool; do
  if ! command -v "$tool" >/dev/null; then
    echo "tests/alerts/run.sh: $tool is not installed (Debian: prometheus, prometheus-alertmanager; node >= 20)" >&2
    exit 1
  fi
done

echo "==> render"
check "render the templates" node scripts/render-alerts.mjs --out "$tmp/render"
for f in "${GENERATED[@]}"; do
  check "$f is up to date (else run: node scripts/render-alerts.mjs)" diff -u "$f" "$tmp/render/$f"
done

echo "==> promtool check rules"
check "$RULES" promtool check rules "$RULES"
check "$CR: PrometheusRule resource" node tests/alerts/tools.mjs spec "$CR" "$tmp/prometheusrule.spec.yaml"
check "$CR: spec rules" promtool check rules "$tmp/prometheusrule.spec.yaml"
check "$GRAFANA: structure" node tests/alerts/tools.mjs grafana-queries "$GRAFANA" "$tmp/grafana-queries.yaml"
check "$GRAFANA: PromQL queries" promtool check rules "$tmp/grafana-queries.yaml"

echo "==> promtool test rules"
tests=(tests/alerts/*.test.yaml)
for t in "${tests[@]}"; do
  check "$t" promtool test rules "$t"
done
check "every alert is tested firing and not firing" node tests/alerts/tools.mjs untested "$RULES" "${tests[@]}"

echo "==> amtool"
check "$AM: check-config" amtool check-config "$AM"
route() {
  local want="$1"
  shift
  amtool config routes test --config.file="$AM" --verify.receivers="$want" "$@"
}
check "route: critical model alert pages and posts" route pagerduty-ml,slack-ml severity=critical alertname=MLHighErrorRate model=fraud
check "route: warning model alert posts" route slack-ml severity=warning alertname=MLSlowInference model=fraud
check "route: critical GPU alert pages and posts" route pagerduty-ml,slack-ml severity=critical alertname=GPUXidError Hostname=node-a
check "route: warning GPU alert posts" route slack-ml severity=warning alertname=GPUIdle Hostname=node-a
check "route: OOM kill of a serving pod pages and posts" route pagerduty-ml,slack-ml severity=critical alertname=MLServingOOMKilled namespace=ml-serving pod=fraud-detector-0 container=model-server
: >"$tmp/empty.tmpl"
render_templates() {
  node tests/alerts/tools.mjs am-templates "$AM" "$tmp/am-templates" || return 1
  local f
  for f in "$tmp"/am-templates/*.txt; do
    amtool template render --template.glob="$tmp/empty.tmpl" --template.text="$(cat "$f")" >/dev/null || {
      echo "cannot render: $(cat "$f")"
      return 1
    }
  done
}
check "$AM: notification templates render" render_templates

echo
if [ ${#failures[@]} -gt 0 ]; then
  echo "alert checks: ${#failures[@]} failed, $passed passed:"
  printf '  - %s\n' "${failures[@]}"
  exit 1
fi
echo "alert checks: all $passed passed"
