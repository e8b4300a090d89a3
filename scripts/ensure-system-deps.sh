#!/usr/bin/env bash
# System packages the suite needs beyond PyPI; installed from Debian when missing and when we may.
set -u
# Always wanted, whatever the caller names: Tesseract with its Thai model and Thai fonts for `saraban scan`
# (OCR of photographed letters) and the test pages it is measured on.
set -- "$@" tesseract-ocr tesseract-ocr-tha fonts-thai-tlwg
need=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian packages: ${need[*]}"
  (apt-get install -y -q "${need[@]}" >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "${need[@]}" >/dev/null; }) \
    || echo "warning: could not install ${need[*]}; the tests that need them will say so"
else
  echo "warning: missing Debian packages ${need[*]} (install them as root); the tests that need them will say so"
fi
exit 0
