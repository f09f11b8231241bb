#!/usr/bin/env bash
# Fetches the public sample mail the email corpus test reads: CPython's email test data
# (libpython3.11-testsuite) and flufl.bounce's bounce samples, both Debian packages,
# extracted under target/email-corpus. Idempotent; the test runs it when the folder is
# missing.
set -euo pipefail
cd "$(dirname "$0")/.."
dest="target/email-corpus"
if [ -f "$dest/.done" ]; then exit 0; fi
rm -rf "$dest" && mkdir -p "$dest/debs"
(cd "$dest/debs" && apt-get download libpython3.11-testsuite python3-flufl.bounce >/dev/null 2>&1 \
  || { apt-get update -qq >/dev/null && apt-get download libpython3.11-testsuite python3-flufl.bounce >/dev/null; })
for deb in "$dest"/debs/*.deb; do dpkg-deb -x "$deb" "$dest/root"; done
touch "$dest/.done"
