#!/usr/bin/env bash
# Installs every Debian 12 package abri needs to build, run and test.
# Idempotent; skips apt entirely when everything is already present.
# Needs root (or sudo) on a machine that has none of them yet.
set -euo pipefail

PKGS=(
  build-essential pkg-config meson ninja-build git ca-certificates
  libsodium-dev libmicrohttpd-dev libpq-dev libargon2-dev libjansson-dev libseccomp-dev
  postgresql-15 postgresql-client-15
  clang libclang-rt-14-dev llvm
  curl jq procps util-linux passwd python3
  systemd desktop-file-utils
  chromium
)
# The web app's build and browser tests: Node.js >= 18 (Debian 12 ships
# 18.19; playwright-core is pinned to 1.61, the last release that supports
# it) and npm. Debian's packages unless a node is already there
# (NodeSource's nodejs bundles npm and conflicts with Debian's npm).
command -v node >/dev/null 2>&1 || PKGS+=(nodejs)
command -v npm >/dev/null 2>&1 || PKGS+=(npm)

node_check() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -lt 18 ]; then
    echo "deps: warning: node $(node --version 2>/dev/null || echo missing) is older than 18;" \
      "the web build and tests need Node.js >= 18" >&2
  fi
  return 0
}

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then node_check; exit 0; fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi

# abri runs its own private cluster: keep Debian from creating and starting
# a system-wide "main" cluster when postgresql is installed.
$SUDO mkdir -p /etc/postgresql-common
if ! grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf; then
  echo 'create_main_cluster = false' | $SUDO tee -a /etc/postgresql-common/createcluster.conf >/dev/null
fi

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
node_check
