#!/usr/bin/env bash
# Installs headless Chromium for the report browser test (jobs: ReportBrowserTest), from the
# Debian packages chromium and chromium-driver. Idempotent: does nothing when it is installed.
# Needs root (or sudo) and network access to the Debian mirrors.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  /usr/bin/chromium --version || true
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver
/usr/bin/chromium --version
