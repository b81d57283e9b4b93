#!/usr/bin/env bash
# Redis Sentinel client-reconfig-script that moves the floating IP to the new master: the
# closest equivalent of Vigil's acquire/release hooks. Sentinel runs it on every sentinel
# (role leader or observer) after +switch-master as
#   <master-name> <role> <state> <from-ip> <from-port> <to-ip> <to-port>
# In the benchmark every host is a network namespace on one machine, so "run on the node"
# is `ip netns exec`; in a real deployment it is ssh (or an API call) to each node. The
# release on the old master is best effort and bounded (2 s, like an ssh ConnectTimeout), in
# the background; the acquire on the new one decides the exit code. vip-linux.sh is
# idempotent, so three sentinels running it is harmless.
# Environment (inherited from the sentinel): PEERS_HOSTS ("ip=host ..."), PEERS_NS_PREFIX,
# PEERS_VIP, PEERS_VIP_PREFIX, PEERS_VIP_IF, PEERS_VIP_SCRIPT.
set -u
from=$4 to=$6

ns_of() {
  local m
  for m in $PEERS_HOSTS; do
    if [[ ${m%%=*} == "$1" ]]; then
      echo "$PEERS_NS_PREFIX${m#*=}"
      return 0
    fi
  done
  return 1
}

vip=(--ip "$PEERS_VIP" --prefix "$PEERS_VIP_PREFIX" --interface "$PEERS_VIP_IF")
echo "sentinel-vip: $(date +%H:%M:%S.%3N) role=$2 state=$3 from=$from to=$to"
if old=$(ns_of "$from"); then
  timeout 2 ip netns exec "$old" "$PEERS_VIP_SCRIPT" release "${vip[@]}" &
fi
if ! new=$(ns_of "$to"); then
  echo "sentinel-vip: unknown new master $to"
  exit 2
fi
ip netns exec "$new" "$PEERS_VIP_SCRIPT" acquire "${vip[@]}"
rc=$?
wait
exit "$rc"
