#!/usr/bin/env bash
# Installs the Debian packages the test suite uses (real broker, real pseudo-terminals, TLS tools).
# Never skips silently: if a package is missing and cannot be installed, it fails and says why.
set -euo pipefail
need=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v mosquitto_pub >/dev/null 2>&1 || need+=(mosquitto-clients)
command -v socat >/dev/null 2>&1 || need+=(socat)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ ${#need[@]} -eq 0 ] && exit 0
echo "spruce: installing system packages the tests need: ${need[*]}"
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "spruce: cannot install ${need[*]}: not root and no sudo. Install them with apt-get, then run npm test again." >&2
  exit 1
fi
