#!/usr/bin/env bash
# run-tests.sh - tests of the failover scripts in two throw-away network namespaces.
#
# Needs root, iproute2 with `ip netns`, arping, ping and shellcheck. Creates namespaces
# vigil-t-a-PID-SUFFIX and vigil-t-b-PID-SUFFIX joined by a veth pair (both ends created inside
# the namespaces: nothing appears in, or is sent from, the root namespace), runs vip-linux.sh
# inside a with the environment Vigil gives a hook, and watches from b. Documentation
# addresses only (192.0.2.0/24, 2001:db8::/32). The namespaces are deleted on exit (trap);
# those of a run killed with SIGKILL are swept by the next run (their PID is gone).
#
# Prints "ok - NAME" or "not ok - NAME" per test, then "N passed, M failed"; exits 1 on any
# failure. Optional: VIGIL_TEST_IPUTILS_ARPING=/path/to/iputils/arping also runs the
# announcements through iputils' arping (bind-mounted over arping in a private mount
# namespace).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SCRIPTS=$(dirname "$HERE")
VIP=$SCRIPTS/vip-linux.sh
NOTIFY=$SCRIPTS/notify-log.sh
PROMOTE=$SCRIPTS/promote-example.sh
HOOK_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

SUF=$(printf '%04x%02x' $(($$ % 65536)) $((RANDOM % 256)))
NSA=vigil-t-a-$$-$SUF # the pid lets a later run sweep what a killed run (SIGKILL) left
NSB=vigil-t-b-$$-$SUF
IFA=vta$SUF # 9 characters: the default label vta...:vip fits in 15
IFB=vtb$SUF
V4=192.0.2.100
V6=2001:db8:0:1::100
TMP=$(mktemp -d /tmp/vigil-failover-test.XXXXXX)
BG_PIDS=()

passed=0
failed=0
skipped=0

cleanup() {
    local p
    for p in "${BG_PIDS[@]+"${BG_PIDS[@]}"}"; do kill "$p" 2>/dev/null; done
    ip netns del "$NSA" 2>/dev/null
    ip netns del "$NSB" 2>/dev/null
    rm -rf "$TMP"
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { echo "ok - $1"; passed=$((passed + 1)); }
skip() { echo "ok - $1 # SKIP $2"; skipped=$((skipped + 1)); }
not_ok() {
    local name=$1 line
    shift
    echo "not ok - $name"
    for line in "$@"; do
        while IFS= read -r l; do echo "#   $l"; done <<<"$line"
    done
    failed=$((failed + 1))
}

# COND; verdict $? NAME WHY...: ok if COND (the command list just before) succeeded, else not
# ok with WHY and the last run's exit code and output. The status is passed explicitly: a
# command substitution in WHY would reset $? before the function could read it.
verdict() {
    local status=$1 name=$2
    shift 2
    if ((status == 0)); then ok "$name"; else not_ok "$name" "$@" "last run: rc=$RC" "stdout: $OUT" "stderr: $ERR"; fi
}
b_neigh() { echo "b neigh: $(ip -n "$NSB" neigh show dev "$IFB")"; }

finish() {
    cleanup
    ((skipped == 0)) || echo "# $skipped skipped"
    echo "$passed passed, $failed failed"
    ((failed == 0))
    exit $?
}

# run_in NS [VAR=VALUE...] -- COMMAND...: the command in namespace NS with only PATH, LANG
# and the given variables, as Vigil runs a hook. Sets RC, OUT, ERR.
RC=0 OUT="" ERR=""
run_in() {
    local ns=$1
    shift
    local -a envs=()
    while [[ $1 != -- ]]; do envs+=("$1"); shift; done
    shift
    RC=0
    ip netns exec "$ns" env -i PATH="$HOOK_PATH" LANG=C "${envs[@]+"${envs[@]}"}" "$@" \
        >"$TMP/out" 2>"$TMP/err" </dev/null || RC=$?
    OUT=$(<"$TMP/out")
    ERR=$(<"$TMP/err")
}

# vip4/vip6 ARGS...: vip-linux.sh in namespace a with Vigil's hook environment.
vip4() {
    run_in "$NSA" VIGIL_EVENT="${1:-}" VIGIL_GROUP=web VIGIL_TERM=7 VIGIL_ROLE=agent VIGIL_NODE=n1 \
        VIGIL_FLOATING_IP=$V4 VIGIL_PREFIX=24 VIGIL_INTERFACE="$IFA" -- "$VIP" "$@"
}
vip6() {
    run_in "$NSA" VIGIL_EVENT="${1:-}" VIGIL_FLOATING_IP=$V6 VIGIL_PREFIX=64 VIGIL_INTERFACE="$IFA" \
        -- "$VIP" "$@"
}

addrs_a() { ip -n "$NSA" -o addr show dev "$IFA"; }
count_addr() { addrs_a | grep -c -F " $1 " || true; }
rc_is() { [[ $RC == "$1" ]]; }
err_has() { [[ $ERR == *"$1"* ]]; }
out_is() { [[ $OUT == "$1" ]]; }
flush_b() { ip -n "$NSB" neigh flush dev "$IFB" 2>/dev/null || true; }
b_knows() { ip -n "$NSB" neigh show "$1" dev "$IFB" | grep -q -i -F "lladdr $MAC_A"; }
# wait_b_knows ADDR SECONDS: poll b's neighbour table every 0.1 s.
wait_b_knows() {
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        b_knows "$1" && return 0
        sleep 0.1
    done
    return 1
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ---- 0. tools and namespaces ------------------------------------------------------------

if command -v shellcheck >/dev/null 2>&1; then
    if sc=$(shellcheck "$VIP" "$NOTIFY" "$PROMOTE" "$HERE/run-tests.sh" 2>&1); then
        ok "shellcheck: all scripts are clean"
    else
        not_ok "shellcheck: all scripts are clean" "$sc"
    fi
else
    not_ok "shellcheck: all scripts are clean" "shellcheck is not installed (apt-get install shellcheck)"
fi

missing=""
[[ $(id -u) == 0 ]] || missing+=" root"
for tool in ip arping ping; do command -v "$tool" >/dev/null 2>&1 || missing+=" $tool"; done
if [[ -n $missing ]]; then
    not_ok "preconditions" "missing:$missing"
    finish
fi

# Namespaces of earlier runs whose process is gone (killed before its trap could run).
sweep() {
    local ns pid
    while read -r ns _; do
        [[ $ns =~ ^vigil-t-[ab]-([0-9]+)-[0-9a-f]+$ ]] || continue
        pid=${BASH_REMATCH[1]}
        kill -0 "$pid" 2>/dev/null || ip netns del "$ns" 2>/dev/null || true
    done < <(ip netns list 2>/dev/null)
}

setup() {
    sweep
    ip netns add "$NSA" && ip netns add "$NSB" &&
        ip link add "$IFA" netns "$NSA" type veth peer name "$IFB" netns "$NSB" &&
        ip -n "$NSA" link set lo up && ip -n "$NSB" link set lo up &&
        ip -n "$NSA" link set "$IFA" up && ip -n "$NSB" link set "$IFB" up &&
        ip -n "$NSA" addr add 192.0.2.1/24 dev "$IFA" &&
        ip -n "$NSB" addr add 192.0.2.2/24 dev "$IFB" &&
        ip -n "$NSA" addr add 2001:db8:0:1::1/64 dev "$IFA" nodad &&
        ip -n "$NSB" addr add 2001:db8:0:1::2/64 dev "$IFB" nodad &&
        # b takes gratuitous ARP (and unsolicited NA) for addresses it has no entry for yet.
        ip netns exec "$NSB" sysctl -q -w "net.ipv4.conf.$IFB.arp_accept=1" &&
        { ip netns exec "$NSB" sysctl -q -w "net.ipv6.conf.$IFB.accept_untracked_na=1" 2>/dev/null || true; }
}
if setup_err=$(setup 2>&1); then
    ok "setup: namespaces $NSA and $NSB joined by veth $IFA-$IFB"
else
    not_ok "setup: namespaces $NSA and $NSB joined by veth $IFA-$IFB" "$setup_err"
    finish
fi
MAC_A=$(ip -n "$NSA" -o link show dev "$IFA" | grep -o -E 'link/ether [0-9a-f:]+' | cut -d' ' -f2)

# ---- 1. IPv4 ----------------------------------------------------------------------------

vip4 status
rc_is 3 && out_is "not held"
verdict $? "status before acquire: exit 3, 'not held'" "want rc 3 and stdout 'not held'"

flush_b
t0=$(now_ms)
RC=0
# Both streams through a pipe: $(...) returns only when every holder of the pipe has closed
# it, so the detached repeat burst (4 s later) must not hold it.
ALL=$(ip netns exec "$NSA" env -i PATH="$HOOK_PATH" LANG=C VIGIL_FLOATING_IP=$V4 VIGIL_PREFIX=24 \
    VIGIL_INTERFACE="$IFA" "$VIP" acquire --repeat-after 4 2>&1 </dev/null) || RC=$?
elapsed=$(($(now_ms) - t0))
OUT=$ALL ERR=""
[[ $RC == 0 && $ALL == "vip-linux.sh: acquire $V4/24 on $IFA: added, announced (3 gratuitous ARP)" ]]
verdict $? "acquire: exit 0, logs one line 'added, announced (3 gratuitous ARP)'" "unexpected exit or log line"
((elapsed < 2500))
verdict $? "acquire returns in under 2.5 s and keeps no pipe open (repeat burst detached)" "took $elapsed ms"
addrs_a | grep -q -E "inet $V4/24 .*$IFA:vip"
verdict $? "acquire adds $V4/24 with label $IFA:vip" "ip addr: $(addrs_a)"
wait_b_knows "$V4" 3
verdict $? "b learns $V4 -> $MAC_A from the gratuitous ARP (arp_accept=1, within 3 s)" "$(b_neigh)"
flush_b
sleep 0.3
if b_knows "$V4"; then
    not_ok "the repeat burst comes after --repeat-after, not at once" "b relearned within 0.3 s"
else
    ok "the repeat burst comes after --repeat-after, not at once"
fi
wait_b_knows "$V4" 6
verdict $? "the detached repeat burst announces again (b relearns within 6 s of acquire)" "$(b_neigh)"

flush_b
vip4 acquire --repeat-after 0
rc_is 0 && err_has "acquire $V4/24 on $IFA: already present, announced (3 gratuitous ARP)" && [[ $(count_addr "$V4/24") == 1 ]]
verdict $? "acquire again (idempotent): exit 0, 'already present', address once" "addresses: $(addrs_a)"
wait_b_knows "$V4" 3
verdict $? "acquire again re-announces: b relearns $V4 within 3 s" "no neighbour entry in b"

vip4 status
rc_is 0 && out_is "held $V4/24 on $IFA"
verdict $? "status while held: exit 0, 'held $V4/24 on $IFA'" "want rc 0"

run_in "$NSB" -- ping -c1 -W1 "$V4"
rc_is 0
verdict $? "ping from b to the floating IP $V4 succeeds" "ping failed"

vip4 release
rc_is 0 && err_has "release $V4/24 on $IFA: removed" && [[ $(count_addr "$V4/24") == 0 ]]
verdict $? "release: exit 0, 'removed', address gone" "addresses: $(addrs_a)"
vip4 release
rc_is 0 && err_has "release $V4/24 on $IFA: not present"
verdict $? "release again (idempotent): exit 0, 'not present'" "want rc 0"
vip4 status
rc_is 3 && out_is "not held"
verdict $? "status after release: exit 3, 'not held'" "want rc 3"

# b holds a stale entry pointing at another MAC (the old primary's), as after a failover: the
# gratuitous ARP must replace it (this needs no arp_accept: the entry exists).
ip -n "$NSB" neigh replace "$V4" lladdr 02:00:5e:00:53:01 dev "$IFB" nud stale
ip netns exec "$NSB" sysctl -q -w "net.ipv4.conf.$IFB.arp_accept=0"
vip4 acquire --repeat-after 0
rc_is 0 && wait_b_knows "$V4" 3
verdict $? "b's stale entry for $V4 (old MAC) now points at $MAC_A, arp_accept=0" "$(b_neigh)"
ip netns exec "$NSB" sysctl -q -w "net.ipv4.conf.$IFB.arp_accept=1"
vip4 release

# A repeat burst still pending when the address is released must not announce it.
vip4 acquire --repeat-after 1.5
rc_acquire=$RC
vip4 release
flush_b
sleep 2.5
if [[ $rc_acquire == 0 && $RC == 0 ]] && ! b_knows "$V4"; then
    ok "a repeat burst after a release announces nothing"
else
    not_ok "a repeat burst after a release announces nothing" "acquire rc=$rc_acquire release rc=$RC" \
        "$(b_neigh)"
fi

flush_b
vip4 acquire --arp-mode reply --repeat-after 0 --count 2 --label "$IFA:web"
rc_is 0 && err_has "added, announced (2 gratuitous ARP reply)" && addrs_a | grep -q -E "inet $V4/24 .*$IFA:web"
verdict $? "--arp-mode reply --count 2 --label: exit 0, '2 gratuitous ARP reply', label $IFA:web" "addresses: $(addrs_a)"
wait_b_knows "$V4" 3
verdict $? "b learns $V4 from the ARP replies within 3 s" "no neighbour entry in b"
vip4 release

# The same address held with another prefix is a configuration conflict, not "held".
ip -n "$NSA" addr add "$V4/25" dev "$IFA"
flush_b
vip4 acquire --repeat-after 0
rc_is 2 && err_has "already on $IFA with prefix /25, not /24" && [[ $(count_addr "$V4/24") == 0 ]]
verdict $? "acquire with the address held as /25: exit 2, names both prefixes, leaves no /24" "addresses: $(addrs_a)"
sleep 0.3
! b_knows "$V4"
verdict $? "acquire with a conflicting prefix announces nothing (b never learns $V4)" "$(b_neigh)"
vip4 release
rc_is 0 && err_has "removed (held as /25)" && [[ $(count_addr "$V4/25") == 0 ]]
verdict $? "release removes the address whatever its prefix" "addresses: $(addrs_a)"

if [[ -n ${VIGIL_TEST_IPUTILS_ARPING-} ]]; then
    flush_b
    RC=0
    OUT=""
    # The hook forces its own PATH, so swap the binary itself, in a private mount namespace.
    cat >"$TMP/with-iputils.sh" <<'EOF'
mount --bind "$1" "$(command -v arping)" && shift && exec "$@"
EOF
    ERR=$(ip netns exec "$NSA" unshare -m -- bash "$TMP/with-iputils.sh" "$VIGIL_TEST_IPUTILS_ARPING" \
        env -i PATH="$HOOK_PATH" LANG=C "$VIP" acquire --ip "$V4" --prefix 24 --interface "$IFA" \
        --repeat-after 0 2>&1 </dev/null) || RC=$?
    variant=$(ip netns exec "$NSA" unshare -m -- bash "$TMP/with-iputils.sh" "$VIGIL_TEST_IPUTILS_ARPING" arping -V 2>&1)
    [[ $variant == *iputils* ]] && rc_is 0 && err_has "announced (3 gratuitous ARP)" && wait_b_knows "$V4" 3
    verdict $? "iputils arping: acquire announces and b learns $V4 within 3 s" "$(b_neigh)"
    vip4 release
else
    skip "iputils arping: acquire announces" "set VIGIL_TEST_IPUTILS_ARPING to an iputils arping binary"
fi

# ---- 2. bad arguments: exit 2, the value named, nothing changed --------------------------

before=$(addrs_a)
# bad_case NAME VALUE-IN-MESSAGE ENV... -- ARGS...
bad_case() {
    local name=$1 value=$2
    shift 2
    local -a envs=()
    while [[ $1 != -- ]]; do envs+=("$1"); shift; done
    shift
    run_in "$NSA" VIGIL_FLOATING_IP=$V4 VIGIL_PREFIX=24 VIGIL_INTERFACE="$IFA" "${envs[@]+"${envs[@]}"}" -- "$VIP" "$@"
    if [[ $RC == 2 && $ERR == *"'$value'"* && $(addrs_a) == "$before" ]]; then
        ok "bad argument exits 2 naming it: $name"
    else
        not_ok "bad argument exits 2 naming it: $name" "rc=$RC" "stderr: $ERR"
    fi
}
bad_case "IPv4 256.1.1.1 (from VIGIL_FLOATING_IP)" 256.1.1.1 VIGIL_FLOATING_IP=256.1.1.1 -- acquire
bad_case "IPv4 with a leading zero" 192.0.2.010 -- acquire --ip 192.0.2.010
bad_case "IP with shell metacharacters" "$V4;touch $TMP/pwned" -- acquire --ip "$V4;touch $TMP/pwned"
bad_case "IP with a prefix" "$V4/24" -- acquire --ip "$V4/24"
bad_case "IPv6 fd00:::1" fd00:::1 -- acquire --ip fd00:::1
bad_case "IPv6 with a zone index" "fe80::1%$IFA" -- acquire --ip "fe80::1%$IFA"
bad_case "prefix 33 (from VIGIL_PREFIX)" 33 VIGIL_PREFIX=33 -- acquire
bad_case "prefix 129 for IPv6" 129 -- acquire --ip "$V6" --prefix 129
bad_case "prefix -1" -1 -- acquire --prefix -1
bad_case "interface with '/'" eth/0 -- acquire --interface eth/0
bad_case "interface starting with '-'" -eth0 -- acquire --interface -eth0
bad_case "interface of 16 characters" abcdefghijklmnop -- acquire --interface abcdefghijklmnop
bad_case "missing interface (ip link show fails)" nosuchif0 -- acquire --interface nosuchif0
bad_case "missing interface on release too" nosuchif0 -- release --interface nosuchif0
bad_case "unknown subcommand" frobnicate -- frobnicate
bad_case "unknown flag" --bogus -- acquire --bogus
bad_case "count x" x -- acquire --count x
bad_case "arp-mode bogus" bogus -- acquire --arp-mode bogus
bad_case "repeat-after 1s" 1s -- acquire --repeat-after 1s
bad_case "label not starting with the interface" other:vip -- acquire --label other:vip
if [[ -e $TMP/pwned ]]; then not_ok "no argument ever reaches a shell" "$TMP/pwned exists"; else ok "no argument ever reaches a shell"; fi
run_in "$NSA" VIGIL_FLOATING_IP=$V4 VIGIL_PREFIX=24 VIGIL_INTERFACE="$IFA" -- "$VIP" frobnicate
err_has "usage: vip-linux.sh acquire|release|status"
verdict $? "unknown subcommand prints the usage on stderr" "stderr: $ERR"

# ---- 3. IPv6 ----------------------------------------------------------------------------

ND_TOOL=""
command -v ndptool >/dev/null 2>&1 && ND_TOOL=ndptool
command -v ndsend >/dev/null 2>&1 && ND_TOOL=ndsend
flush_b
# b holds a stale entry for the address pointing at another MAC (the old primary's): the
# unsolicited NA, which carries the override flag, must replace it.
ip -n "$NSB" neigh replace "$V6" lladdr 02:00:5e:00:53:01 dev "$IFB" nud stale
vip6 acquire --repeat-after 0
if [[ -n $ND_TOOL ]]; then
    want6="added (nodad), announced (3 unsolicited NA via $ND_TOOL)"
else
    want6="added (nodad), warning: not announced: neither ndsend nor ndptool"
fi
rc_is 0 && err_has "acquire $V6/64 on $IFA: $want6"
verdict $? "IPv6 acquire: exit 0, '$want6'" "stderr: $ERR"
addrs_a | grep -E "inet6 $V6/64 " | grep -q nodad && ! addrs_a | grep -E "inet6 $V6/64 " | grep -q -E "tentative|dadfailed"
verdict $? "IPv6 address is on $IFA with nodad, usable at once (not tentative)" "addresses: $(addrs_a)"
if [[ -n $ND_TOOL ]]; then
    wait_b_knows "$V6" 3
    verdict $? "b's stale entry for $V6 now points at $MAC_A (unsolicited NA via $ND_TOOL)" "$(b_neigh)"
    # A router (forwarding=1) with accept_untracked_na=1 creates an entry it did not have.
    flush_b
    ip netns exec "$NSB" sysctl -q -w "net.ipv6.conf.$IFB.forwarding=1"
    vip6 acquire --repeat-after 0
    rc_is 0 && wait_b_knows "$V6" 3
    verdict $? "b as a router (accept_untracked_na=1) learns $V6 from the NA re-sent by acquire" "$(b_neigh)"
    ip netns exec "$NSB" sysctl -q -w "net.ipv6.conf.$IFB.forwarding=0"
else
    skip "b learns $V6 from an unsolicited NA" "neither ndsend nor ndptool (apt-get install libndp-tools)"
fi
# Without an announcement tool b still has the fake old MAC: start from neighbour discovery,
# which the nodad address answers at once.
flush_b
run_in "$NSB" -- ping -6 -c1 -W1 "$V6"
rc_is 0
verdict $? "ping -6 from b to $V6 succeeds" "ping failed"
vip6 acquire --repeat-after 0 --ip 2001:db8:0:1:0:0:0:100
rc_is 0 && err_has "already present" && [[ $(addrs_a | grep -c "inet6 $V6/64 ") == 1 ]]
verdict $? "IPv6 acquire again, spelt differently: exit 0, 'already present', address once" "addresses: $(addrs_a)"
vip6 status
rc_is 0 && out_is "held $V6/64 on $IFA"
verdict $? "IPv6 status: exit 0, 'held $V6/64 on $IFA'" "want rc 0"
vip6 release
rc_is 0 && err_has "removed" && ! addrs_a | grep -q "inet6 $V6/"
verdict $? "IPv6 release: exit 0, address gone" "addresses: $(addrs_a)"
vip6 release
rc_is 0 && err_has "not present"
verdict $? "IPv6 release again: exit 0, 'not present'" "want rc 0"
vip6 status
rc_is 3 && out_is "not held"
verdict $? "IPv6 status after release: exit 3" "want rc 3"
ip -n "$NSA" addr add "$V6/80" dev "$IFA" nodad
vip6 acquire --repeat-after 0
rc_is 2 && err_has "already on $IFA with prefix /80, not /64" && [[ $(count_addr "$V6/80") == 1 ]]
verdict $? "IPv6 acquire with the address held as /80: exit 2, names both prefixes, the /80 stays" "addresses: $(addrs_a)"
vip6 release

# ---- 4. notify-log.sh and promote-example.sh --------------------------------------------

EVENT_ENV=(VIGIL_EVENT=promote VIGIL_GROUP=web VIGIL_TERM=7 VIGIL_ROLE=agent VIGIL_NODE=n2
    "VIGIL_FLOATING_IP=$V4" VIGIL_PREFIX=24 "VIGIL_INTERFACE=$IFA" VIGIL_OLD_PRIMARY=n1 VIGIL_NEW_PRIMARY=n2)
run_in "$NSA" "${EVENT_ENV[@]}" VIGIL_NOTIFY_FILE="$TMP/log/events.log" -- "$NOTIFY"
run_in "$NSA" "${EVENT_ENV[@]}" VIGIL_NOTIFY_FILE="$TMP/log/events.log" -- "$NOTIFY"
want="event=promote group=web term=7 role=agent node=n2 floating_ip=$V4 prefix=24 interface=$IFA old_primary=n1 new_primary=n2"
rc_is 0 && [[ $(grep -c -F " $want" "$TMP/log/events.log") == 2 && $(wc -l <"$TMP/log/events.log") == 2 ]]
verdict $? "notify-log: one line per event with every VIGIL_* field (VIGIL_NOTIFY_FILE)" "$(cat -- "$TMP/log/events.log")"
run_in "$NSA" "${EVENT_ENV[@]}" VIGIL_EVENT="demote
x" -- "$NOTIFY" --file "$TMP/log/other.log"
rc_is 0 && [[ $(wc -l <"$TMP/log/other.log") == 1 ]] && grep -q "event=demote?x " "$TMP/log/other.log"
verdict $? "notify-log --file: a value with a newline stays on one line" "$(cat -- "$TMP/log/other.log")"
run_in "$NSA" "${EVENT_ENV[@]}" -- "$NOTIFY" --webhook http://127.0.0.1:9/vigil
rc_is 1 && err_has "POST to webhook failed"
verdict $? "notify-log --webhook to a closed port (loopback in a): exit 1" "want rc 1"
run_in "$NSA" -- "$NOTIFY" --bogus
rc_is 2 && err_has "unknown argument"
verdict $? "notify-log unknown argument: exit 2" "want rc 2"
# json_ok FILE IFACE: the webhook's request (content type, then body) is the JSON we want.
json_ok() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
ct, body = open(sys.argv[1]).read().split("\n", 1)
d = json.loads(body)
assert ct == "application/json", ct
assert d["event"] == "promote" and d["term"] == 7 and d["new_primary"] == "n2", d
assert d["interface"] == sys.argv[2] and d["floating_ip"] == "192.0.2.100", d
EOF
}
if command -v python3 >/dev/null 2>&1 && command -v curl >/dev/null 2>&1; then
    ip netns exec "$NSA" python3 - 18080 "$TMP/body.json" <<'EOF' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(sys.argv[2], "wb") as f:
            f.write(self.headers.get("Content-Type", "").encode() + b"\n" + body)
        self.send_response(204)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).handle_request()
EOF
    BG_PIDS+=($!)
    for ((i = 0; i < 50; i++)); do
        ip netns exec "$NSA" ss -ltnH 'sport = :18080' 2>/dev/null | grep -q LISTEN && break
        sleep 0.1
    done
    run_in "$NSA" "${EVENT_ENV[@]}" -- "$NOTIFY" --webhook http://127.0.0.1:18080/vigil
    rc_is 0 && json_ok "$TMP/body.json" "$IFA"
    verdict $? "notify-log --webhook: POSTs a JSON object with every field (listener on loopback in a)" \
        "body: $(cat -- "$TMP/body.json")"
else
    skip "notify-log --webhook: POSTs a JSON object" "needs python3 and curl"
fi

run_in "$NSA" "${EVENT_ENV[@]}" -- "$PROMOTE"
rc_is 0 && err_has "promote (group web, term 7, node n2, n1 -> n2): dry run"
verdict $? "promote-example: without a command it is a dry run (exit 0, logs what it would do)" "stderr: $ERR"
# A file name with a space and a ';': it arrives as one argument, no shell in between.
run_in "$NSA" "${EVENT_ENV[@]}" -- "$PROMOTE" promote -- /usr/bin/touch "$TMP/promoted; x"
rc_is 0 && [[ -e "$TMP/promoted; x" && ! -e "$TMP/promoted" ]]
verdict $? "promote-example -- COMMAND: runs it as one argv (no shell), exit 0" "stderr: $ERR"
run_in "$NSA" "${EVENT_ENV[@]}" -- "$PROMOTE" demote -- /bin/false
rc_is 1
verdict $? "promote-example: a failing command's exit code is passed on (1, retryable)" "want rc 1"
run_in "$NSA" "${EVENT_ENV[@]}" -- "$PROMOTE" promote -- pg_ctl promote
rc_is 2 && err_has "must be an absolute path"
verdict $? "promote-example: a relative command is refused (exit 2)" "want rc 2"

finish
