#!/usr/bin/env bash
# provision.sh - turn a Debian 12 box into one host of the Vigil demo. Vagrant runs it as
# root after uploading the jar, the hooks, packaging/ and vagrant/ to --src.
#
#   provision.sh --host n1|n2|w3 [--src DIR]
#
# n1 and n2 run a watcher (w1, w2), an agent and the demo web service; w3 runs a watcher
# only. Idempotent: packages are installed only if missing, files are replaced only if
# they differ, and the services are restarted only if something they use changed, so a
# second `vagrant provision` changes nothing and moves no IP.
#
# Exit codes: 0 done; 1 failed; 2 bad usage.
set -euo pipefail

PROG=${0##*/}

usage() {
  cat <<EOF
usage: $PROG --host n1|n2|w3 [--src DIR]

  --host NAME   which demo host this box is: n1 or n2 (HA nodes) or w3 (the witness)
  --src DIR     where Vagrant uploaded the files (default: /tmp/vigil-src)
EOF
}

die_usage() {
  printf '%s: %s\n' "$PROG" "$1" >&2
  printf "run '%s --help' for the options\n" "$PROG" >&2
  exit 2
}

fail() {
  printf '%s: %s\n' "$PROG" "$1" >&2
  exit 1
}

host=""
src=/tmp/vigil-src
while (($# > 0)); do
  case $1 in
    --host | --src)
      if (($# < 2)) || [[ -z $2 ]]; then
        die_usage "option $1 needs a value"
      fi
      case $1 in
        --host) host=$2 ;;
        --src) src=$2 ;;
      esac
      shift 2
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) die_usage "unknown argument '$1'" ;;
  esac
done
case $host in
  n1) units=(vigil-watcher@w1.service vigil-agent@n1.service vigil-demo-web.service) ip_key=N1_IP ;;
  n2) units=(vigil-watcher@w2.service vigil-agent@n2.service vigil-demo-web.service) ip_key=N2_IP ;;
  w3) units=(vigil-watcher@w3.service) ip_key=W3_IP ;;
  "") die_usage "--host is required" ;;
  *) die_usage "--host '$host' is not one of n1, n2, w3" ;;
esac
for f in coordinator/target/vigil.jar failover-scripts/vip-linux.sh failover-scripts/notify-log.sh \
  failover-scripts/promote-example.sh packaging/install.sh packaging/vigil.sh \
  vagrant/cluster.env vagrant/cluster-file.sh vagrant/vigil-demo-web.service; do
  [[ -f $src/$f ]] || fail "$src/$f is missing: run this through 'vagrant provision', which uploads it"
done
[[ $(id -u) -eq 0 ]] || fail "run it as root (Vagrant does)"

say() { printf '==> %s\n' "$*"; }

# 1. Packages: a Java runtime for the jar, iproute2 and arping for vip-linux.sh, curl to try
# the floating IP from inside the boxes.
packages=(openjdk-17-jre-headless iproute2 arping curl)
missing=()
for p in "${packages[@]}"; do
  if [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) != "install ok installed" ]]; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} > 0)); then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  say "packages present: ${packages[*]}"
fi

# 2. The private network must be where cluster.env says: the floating IP goes there.
ip_addr=$(sed -n "s/^$ip_key=//p" "$src/vagrant/cluster.env")
iface=$(sed -n 's/^VIP_INTERFACE=//p' "$src/vagrant/cluster.env")
if ! ip -4 -o addr show dev "$iface" 2>/dev/null | grep -q " inet $ip_addr/"; then
  fail "$ip_addr is not on interface '$iface' of $host: set VIP_INTERFACE in vagrant/cluster.env ($(ip -4 -o addr show | awk '{print $2, $4}' | paste -sd ' '))"
fi

# 3. The cluster file, from cluster.env through `vigil init-cluster`, then the installation.
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
bash "$src/vagrant/cluster-file.sh" --env "$src/vagrant/cluster.env" \
  --jar "$src/coordinator/target/vigil.jar" --out "$work/cluster.yaml"
say "installing Vigil (packaging/install.sh)"
bash "$src/packaging/install.sh" --jar "$src/coordinator/target/vigil.jar" \
  --cluster-file "$work/cluster.yaml" | tee "$work/install.log"
changed=no
grep -q '^updated ' "$work/install.log" && changed=yes

# 4. Small boxes: three JVMs share 1 GB on an HA node.
printf '%s\n' '# Written by vagrant/provision.sh: small heaps for the demo boxes.' \
  'VIGIL_JAVA_OPTS=-Xmx96m -XX:+UseSerialGC -XX:TieredStopAtLevel=1' >"$work/vigil.env"
if ! cmp -s "$work/vigil.env" /etc/vigil/vigil.env; then
  install -m 0644 "$work/vigil.env" /etc/vigil/vigil.env
  say "updated /etc/vigil/vigil.env"
  changed=yes
fi
if [[ $host != w3 ]] && ! cmp -s "$src/vagrant/vigil-demo-web.service" /etc/systemd/system/vigil-demo-web.service; then
  install -m 0644 "$src/vagrant/vigil-demo-web.service" /etc/systemd/system/vigil-demo-web.service
  say "updated /etc/systemd/system/vigil-demo-web.service"
  systemctl daemon-reload
  changed=yes
fi

# 5. The services: enabled for every boot, restarted only after a change.
check=$(vigil check-config /etc/vigil/cluster.yaml 2>&1) || fail "vigil check-config: $check"
say "vigil check-config: $check"
systemctl enable --quiet "${units[@]}"
if [[ $changed == yes ]]; then
  say "restarting ${units[*]}"
  systemctl restart "${units[@]}"
else
  say "nothing changed; starting whatever is not running"
  systemctl start "${units[@]}"
fi
for u in "${units[@]}"; do
  say "$u: $(systemctl is-active "$u" || true)"
done
