#!/usr/bin/env bash
# cluster-file.sh - write the demo's cluster file from cluster.env with `vigil init-cluster`,
# the same code that writes the netns lab's file. Provisioning runs it in every box; the
# tests run it on the build host.
#
#   cluster-file.sh --out FILE [--env FILE] [--jar FILE | --vigil PATH]
#
# Exit codes: 0 written; 1 init-cluster refused the values (reasons on stderr); 2 bad usage
# or a bad cluster.env.
set -euo pipefail

PROG=${0##*/}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
  cat <<EOF
usage: $PROG --out FILE [--env FILE] [--jar FILE | --vigil PATH]

  --out FILE     where to write the cluster file
  --env FILE     the cluster's addresses (default: cluster.env beside this script)
  --jar FILE     run init-cluster from this jar with java
  --vigil PATH   run init-cluster with this vigil command (default: vigil on PATH)
EOF
}

die_usage() {
  printf '%s: %s\n' "$PROG" "$1" >&2
  printf "run '%s --help' for the options\n" "$PROG" >&2
  exit 2
}

out=""
env_file="$here/cluster.env"
vigil=(vigil)
while (($# > 0)); do
  case $1 in
    --out | --env | --jar | --vigil)
      if (($# < 2)) || [[ -z $2 ]]; then
        die_usage "option $1 needs a value"
      fi
      case $1 in
        --out) out=$2 ;;
        --env) env_file=$2 ;;
        --jar)
          [[ -f $2 ]] || die_usage "--jar '$2' is not a file"
          vigil=(java -jar "$2")
          ;;
        --vigil) vigil=("$2") ;;
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
[[ -n $out ]] || die_usage "--out FILE is required"
[[ -f $env_file ]] || die_usage "no cluster.env at '$env_file'"

# Read KEY=VALUE lines without running the file as code; anything else is an error.
declare -A conf=()
lineno=0
while IFS= read -r line || [[ -n $line ]]; do
  lineno=$((lineno + 1))
  [[ $line =~ ^[[:space:]]*(#.*)?$ ]] && continue
  if [[ $line =~ ^([A-Z][A-Z0-9_]*)=([A-Za-z0-9_./:-]+)$ ]]; then
    conf[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
  else
    printf '%s: %s:%d: expected KEY=VALUE, got: %s\n' "$PROG" "$env_file" "$lineno" "$line" >&2
    exit 2
  fi
done <"$env_file"
for key in N1_IP N2_IP W3_IP FLOATING_IP VIP_INTERFACE WATCHER_PORT AGENT_PORT; do
  if [[ -z ${conf[$key]-} ]]; then
    printf '%s: %s: %s is missing\n' "$PROG" "$env_file" "$key" >&2
    exit 2
  fi
done

# n1 and n2 each run a watcher and an agent; w3 is the witness, a watcher only.
"${vigil[@]}" init-cluster \
  --watcher "w1=${conf[N1_IP]}:${conf[WATCHER_PORT]}" \
  --watcher "w2=${conf[N2_IP]}:${conf[WATCHER_PORT]}" \
  --watcher "w3=${conf[W3_IP]}:${conf[WATCHER_PORT]}" \
  --node "n1=${conf[N1_IP]}:${conf[AGENT_PORT]}" \
  --node "n2=${conf[N2_IP]}:${conf[AGENT_PORT]}" \
  --floating-ip "${conf[FLOATING_IP]}" \
  --interface "${conf[VIP_INTERFACE]}" \
  --state-dir /var/lib/vigil \
  --vip-script /usr/lib/vigil/vip-linux.sh \
  --out "$out"
