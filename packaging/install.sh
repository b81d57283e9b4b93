#!/usr/bin/env bash
# install.sh - install Vigil on this host as systemd services, or stage it into a directory.
#
#   install.sh [--root DIR] [--prefix DIR] [--jar FILE] [--cluster-file FILE] [--no-user]
#
# What goes where (every path under --root, default /):
#   PREFIX/lib/vigil/        vigil.jar and the hooks vip-linux.sh, notify-log.sh, promote-example.sh
#   PREFIX/bin/vigil         the command: runs the jar with java
#   PREFIX/lib/sysusers.d/vigil.conf   the system user vigil the daemons run as
#   /etc/systemd/system/     vigil-watcher@.service and vigil-agent@.service
#   /etc/vigil/cluster.yaml  only with --cluster-file (checked with `vigil check-config` first
#                            when installing to /)
#   /etc/vigil/vigil.env     the units' environment, only if it does not exist yet
#
# Idempotent: a file that already has the right content and mode is left alone. Each file
# it writes is printed as "updated PATH"; the last line counts them. Running it twice in a
# row prints "0 updated" the second time.
#
# Exit codes: 0 done; 1 failed (missing jar, invalid cluster file, not root); 2 bad usage.
set -euo pipefail

PROG=${0##*/}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
here="$repo/packaging"

usage() {
  cat <<EOF
usage: $PROG [options]

  --root DIR           install under DIR instead of / (a staging directory, like DESTDIR);
                       no user is created and systemd is not told
  --prefix DIR         where bin/ and lib/ go (default: /usr)
  --jar FILE           the Vigil jar (default: coordinator/target/vigil.jar of this checkout,
                       built with ./mvnw -B -DskipTests package)
  --cluster-file FILE  install FILE as /etc/vigil/cluster.yaml
  --no-user            do not create the system user vigil
  -h, --help           this text

exit: 0 done, 1 failed, 2 bad usage
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

root=/
prefix=/usr
jar="$repo/coordinator/target/vigil.jar"
cluster_file=""
make_user=yes

while (($# > 0)); do
  case $1 in
    --root | --prefix | --jar | --cluster-file)
      if (($# < 2)) || [[ -z $2 ]]; then
        die_usage "option $1 needs a value"
      fi
      case $1 in
        --root) root=$2 ;;
        --prefix) prefix=$2 ;;
        --jar) jar=$2 ;;
        --cluster-file) cluster_file=$2 ;;
      esac
      shift 2
      ;;
    --root=* | --prefix=* | --jar=* | --cluster-file=*)
      set -- "${1%%=*}" "${1#*=}" "${@:2}"
      ;;
    --no-user)
      make_user=no
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) die_usage "unknown argument '$1'" ;;
  esac
done

# The prefix is written into the unit files, so it must be a plain absolute path.
[[ $prefix =~ ^/[A-Za-z0-9._/-]*$ && $prefix != *//* && $prefix != */../* && $prefix != */.. ]] ||
  die_usage "--prefix '$prefix' must be an absolute path of letters, digits, '.', '_', '-' and '/'"
prefix=${prefix%/}
[[ -n $prefix ]] || die_usage "--prefix '/' would put the jar in /lib/vigil: use /usr or /usr/local"
if [[ ! -f $jar ]]; then
  fail "no jar at '$jar': build it with ./mvnw -B -DskipTests package, or pass --jar FILE"
fi
[[ $(head -c 2 -- "$jar") == PK ]] || fail "'$jar' is not a jar (no zip header)"
if [[ -n $cluster_file && ! -f $cluster_file ]]; then
  fail "no cluster file at '$cluster_file'"
fi
[[ $root == /* ]] || root="$PWD/$root"
if [[ -e $root && ! -d $root ]]; then
  die_usage "--root '$root' exists and is not a directory"
fi
mkdir -p -- "$root"
root=$(cd -- "$root" && pwd -P)
to_system=no
[[ $root == / ]] && to_system=yes
dest_root=${root%/} # "" for /, so that "$dest_root/etc" is /etc

if [[ $to_system == yes && $(id -u) -ne 0 ]]; then
  fail "installing to / needs root: run it with sudo, or stage it with --root DIR"
fi

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

updated=0
unchanged=0
units_changed=no

# put SRC PATH MODE: make $dest_root/PATH a copy of SRC with MODE, unless it already is one.
# The new file is written beside the old one and renamed over it, so a running daemon or
# a reader never sees half a file.
put() {
  local src=$1 path=$2 mode=$3 dest="$dest_root$2"
  if [[ -f $dest ]] && cmp -s -- "$src" "$dest" && [[ $(stat -c %a -- "$dest") == "${mode#0}" ]]; then
    unchanged=$((unchanged + 1))
    return 0
  fi
  install -d -m 0755 -- "$(dirname -- "$dest")"
  install -m "$mode" -- "$src" "$dest.vigil-new"
  mv -f -- "$dest.vigil-new" "$dest"
  printf 'updated %s\n' "$path"
  updated=$((updated + 1))
  [[ $path == */systemd/system/* ]] && units_changed=yes
  return 0
}

lib="$prefix/lib/vigil"
put "$jar" "$lib/vigil.jar" 0644
for hook in vip-linux.sh notify-log.sh promote-example.sh; do
  put "$repo/failover-scripts/$hook" "$lib/$hook" 0755
done
put "$here/vigil.sh" "$prefix/bin/vigil" 0755
put "$here/sysusers.d/vigil.conf" "$prefix/lib/sysusers.d/vigil.conf" 0644

for unit in vigil-watcher@.service vigil-agent@.service; do
  sed -e "s|/usr/bin/vigil |$prefix/bin/vigil |" -- "$here/systemd/$unit" >"$work/$unit"
  put "$work/$unit" "/etc/systemd/system/$unit" 0644
done

install -d -m 0755 -- "$dest_root/etc/vigil"
# The operator's settings: written once, never overwritten.
if [[ -e $dest_root/etc/vigil/vigil.env ]]; then
  unchanged=$((unchanged + 1))
else
  put "$here/vigil.env" /etc/vigil/vigil.env 0644
fi

if [[ -n $cluster_file ]]; then
  if [[ $to_system == yes ]]; then
    # Checked here, where the hooks it names must exist, before it replaces the old file.
    if ! check=$("$prefix/bin/vigil" check-config "$cluster_file" 2>&1); then
      printf '%s\n' "$check" >&2
      fail "'$cluster_file' is not a valid cluster file for this host; /etc/vigil/cluster.yaml is unchanged"
    fi
  fi
  put "$cluster_file" /etc/vigil/cluster.yaml 0644
fi

if [[ $to_system == yes ]]; then
  if [[ $make_user == yes ]]; then
    if command -v systemd-sysusers >/dev/null 2>&1; then
      systemd-sysusers "$prefix/lib/sysusers.d/vigil.conf"
    elif ! getent passwd vigil >/dev/null; then
      useradd --system --user-group --home-dir /var/lib/vigil --no-create-home \
        --shell /usr/sbin/nologin --comment "Vigil failover coordinator" vigil
    fi
  fi
  if [[ $units_changed == yes && -d /run/systemd/system ]]; then
    systemctl daemon-reload
  fi
fi

printf '%s: %d updated, %d unchanged under %s (prefix %s)\n' "$PROG" "$updated" "$unchanged" "$root" "$prefix"
if [[ $to_system == yes && ! -f /etc/vigil/cluster.yaml ]]; then
  cat <<EOF
next: write /etc/vigil/cluster.yaml (the same on every host), e.g. with
  vigil init-cluster --watcher w1=HOST:7400 --watcher w2=HOST:7400 --watcher w3=HOST:7400 \\
    --node n1=HOST:7500 --node n2=HOST:7500 --floating-ip IP/PREFIX --interface IF \\
    --vip-script $lib/vip-linux.sh --out cluster.yaml
then: $PROG --cluster-file cluster.yaml, and systemctl enable --now vigil-watcher@ID vigil-agent@NODE
EOF
fi
