#!/usr/bin/env bash
# Installs the Debian packages the end-to-end tests use: dovecot-imapd (a real IMAP server that the tests
# start privately on a loopback port; the system service is never used) and systemd's systemd-analyze
# (checks deploy/expe50.service; no service manager is started).
set -euo pipefail
PACKAGES=""
if ! { command -v dovecot >/dev/null 2>&1 && command -v doveadm >/dev/null 2>&1; }; then
  PACKAGES="dovecot-imapd"
fi
if ! command -v systemd-analyze >/dev/null 2>&1; then
  PACKAGES="$PACKAGES systemd"
fi
if [ -z "$PACKAGES" ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "$PACKAGES missing and this user cannot install them: run 'apt-get install $PACKAGES' as root." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Keep the package from starting the system-wide service: the tests run their own private instance.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086  (a list of package names)
$SUDO apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
