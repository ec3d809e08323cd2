#!/usr/bin/env bash
# Installs the Debian packages the end-to-end tests use: dovecot-imapd (a real IMAP server that the tests
# start privately on a loopback port; the system service is never used).
set -euo pipefail
if command -v dovecot >/dev/null 2>&1 && command -v doveadm >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "dovecot-imapd is missing and this user cannot install it: run 'apt-get install dovecot-imapd' as root." >&2
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
$SUDO apt-get install -y -qq --no-install-recommends dovecot-imapd >/dev/null
