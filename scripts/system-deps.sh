#!/usr/bin/env bash
# Debian packages the project needs beyond Python: fonts and HarfBuzz subsetting for
# WeasyPrint (5x faster PDFs with libharfbuzz-subset0), and the independent tools the
# tests check artefacts with (pdftotext, zbarimg, oathtool), wrk for benchmarks.
set -euo pipefail
PACKAGES="libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-core fonts-noto-cjk poppler-utils zbar-tools oathtool wrk"
missing=""
for package in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
[ -z "$missing" ] && exit 0
echo "Installing system packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
  echo "Run as root, or: sudo apt-get install -y$missing" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
