#!/usr/bin/env bash
# Checks, in the first seconds of `make test`, that this machine has what
# the tests run for real, and installs what Debian packages provide when it
# can (as root, with apt-get). Otherwise it names the exact command to run
# and exits 1, before any test has started.
#
# Tools the Makefile builds itself from the Go module proxy (staticcheck,
# versitygw) are not checked here.
set -euo pipefail

declare -A package=(
  [qemu-aarch64-static]=qemu-user-static # arm64 and 32-bit ARM determinism checks
  [promtool]=prometheus                  # Prometheus alert rule tests
  [age]=age                              # interoperability of encrypted backups
)
missing=()
for tool in "${!package[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${package[$tool]}")
done
# The image and compose tests: the Docker engine comes with the machine (it
# is checked, not installed: see check-docker in the Makefile); Compose, the
# CA bundle copied into the images and systemd-analyze (the units' security
# score) may not.
docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
[ -r /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)

if ! command -v go >/dev/null 2>&1; then
  echo "prereqs: go is not on PATH; install Go 1.26 from https://go.dev/dl/" >&2
  exit 1
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "prereqs: installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "prereqs: the tests need ${missing[*]}; install with:" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi
echo "prereqs: ok (go, qemu-aarch64-static, promtool, age, compose, CA bundle, systemd-analyze)"
