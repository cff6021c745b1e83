#!/usr/bin/env bash
# Makes sure the system parts the tests use are present: socat (pseudo-terminals), mosquitto
# (external broker), influxd (InfluxDB 1.x), chromium (dashboard tests), pdftotext/pdffonts/pdftoppm
# (evidence PDF and install sheet checks; all three come with poppler-utils), snmpd (Net-SNMP's
# agent, playing a UPS network card in the SNMP tests), prometheus (scrapes the metrics endpoints),
# systemd-analyze (verifies the service units `hallmon service install` writes), PostgreSQL (the
# state of a server group; tests start their own cluster). As root it installs what is missing from Debian; otherwise it names
# what is missing and how to install it, and fails.
set -euo pipefail

declare -A need=(
  [socat]=socat
  [mosquitto]=mosquitto
  [mosquitto_pub]=mosquitto-clients
  [influxd]=influxdb
  [chromium]=chromium
  [pdftotext]=poppler-utils
  [prometheus]=prometheus
  [systemd-analyze]=systemd
)
missing_pkgs=()
for cmd in "${!need[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing_pkgs+=("${need[$cmd]}")
done
# influxd is installed to /usr/bin by Debian's package; CJK fonts are for the browser screenshots.
[[ -d /usr/share/fonts/opentype/noto ]] || missing_pkgs+=(fonts-noto-cjk)
# Debian's postgresql keeps initdb and postgres in /usr/lib/postgresql/<major>/bin, off the PATH.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null 2>&1 || missing_pkgs+=(postgresql)
# snmpd lives in /usr/sbin, which is not on every user's PATH.
[[ -x /usr/sbin/snmpd ]] || missing_pkgs+=(snmpd)

if ((${#missing_pkgs[@]} == 0)); then
  exit 0
fi
mapfile -t missing_pkgs < <(printf '%s\n' "${missing_pkgs[@]}" | sort -u)
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "provision: installing ${missing_pkgs[*]} (Debian packages) ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing_pkgs[@]}" >/dev/null
  # Debian starts nothing here, but stop the services if an init system did: tests start their own.
  for svc in mosquitto influxdb snmpd prometheus postgresql; do
    (command -v systemctl >/dev/null && systemctl stop "$svc" >/dev/null 2>&1) || true
  done
  echo "provision: done" >&2
else
  cat >&2 <<MSG
hallmon tests need these system packages, which are missing: ${missing_pkgs[*]}
Install them as root, then run npm test again:
  sudo apt-get update && sudo apt-get install -y ${missing_pkgs[*]}
(npm test installs them by itself when it runs as root.)
MSG
  exit 1
fi
