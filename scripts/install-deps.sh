#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine:
# Debian packages (servers and the browser), npm packages, Go modules and the
# Python virtualenv with the reference statistics libraries.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-output

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

DEBIAN_PACKAGES=(prometheus prometheus-alertmanager clickhouse-server chromium)
missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The packages may start their services; the tests start their own servers
# on free ports and need none running.
for svc in prometheus prometheus-alertmanager clickhouse-server; do
  $SUDO service "$svc" stop >/dev/null 2>&1 || true
done

# The three package managers mostly wait on the network: run them at once.
install_npm() {
  # npm ci starts from scratch every time; skip it when node_modules was
  # installed from this very lockfile.
  local lock_hash
  lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ "$(cat node_modules/.mlwatch-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
    echo "installing npm packages"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_hash" > node_modules/.mlwatch-lock-hash
  else
    echo "npm packages are up to date"
  fi
}

# chdb (ClickHouse 26 in process, for the SQL tests and the local demo) lives
# outside package.json: its lockfile entries would name native packages for
# every platform, and the registry serves only the Linux x64 one, so \`npm ci\`
# would refuse the lockfile. It is installed on its own and linked in.
CHDB_VERSION=3.4.0
install_chdb() {
  local dir=.cache/chdb
  if [ "$(cat "$dir/.version" 2>/dev/null)" != "$CHDB_VERSION" ]; then
    echo "installing chdb $CHDB_VERSION"
    rm -rf "$dir"
    mkdir -p "$dir"
    echo '{"name":"mlwatch-chdb","private":true}' > "$dir/package.json"
    npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "chdb@$CHDB_VERSION"
    echo "$CHDB_VERSION" > "$dir/.version"
  fi
  ln -sfn "../$dir/node_modules/chdb" node_modules/chdb
}

install_go() {
  echo "downloading Go modules"
  go mod download
}

install_python() {
  if [ ! -x .venv/bin/python ] || ! cmp -s tests/reference/requirements.txt .venv/requirements.txt; then
    echo "creating the Python virtualenv for reference statistics"
    rm -rf .venv
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check -r tests/reference/requirements.txt
    cp tests/reference/requirements.txt .venv/requirements.txt
  else
    echo "Python virtualenv is up to date"
  fi
}

install_go > test-output/install-go.log 2>&1 &
go_pid=$!
install_python > test-output/install-python.log 2>&1 &
py_pid=$!
install_npm
install_chdb
status=0
wait $go_pid || { echo "go mod download failed:"; cat test-output/install-go.log; status=1; }
wait $py_pid || { echo "Python virtualenv failed:"; cat test-output/install-python.log; status=1; }
cat test-output/install-go.log test-output/install-python.log
exit $status
