#!/usr/bin/env bash
# vip-linux.sh - move a floating IP on Linux: add/remove it with iproute2 and announce it.
#
#   vip-linux.sh acquire|release|status [--ip ADDR] [--prefix N] [--interface IF]
#                [--label LABEL] [--arp-mode unsolicited|reply] [--count N]
#                [--repeat-after SECONDS]
#
# Vigil runs it as a hook (argv only, never a shell) with VIGIL_FLOATING_IP, VIGIL_PREFIX and
# VIGIL_INTERFACE in a cleared environment; the flags override them for manual use.
#
# Exit codes: 0 success; 1 retryable (`ip addr add`/`del` failed); 2 permanent (bad argument,
# unknown interface, conflicting address, usage); 3 `status` only: the address is not held.
#
# Every value is validated before it is used, and every external command gets it as one argv
# element, never through a shell. See README.md beside this file.
set -euo pipefail

PROG=${0##*/}
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH LC_ALL=C

usage() {
    cat <<EOF
usage: $PROG acquire|release|status [options]

  --ip ADDR              floating address, IPv4 or IPv6, no prefix (default: \$VIGIL_FLOATING_IP)
  --prefix N             prefix length, 0-32 or 0-128 (default: \$VIGIL_PREFIX)
  --interface IF         interface name (default: \$VIGIL_INTERFACE)
  --label LABEL          IPv4 address label, IF or IF:something (default: IF:vip)
  --arp-mode MODE        unsolicited (ARP request, default) or reply
  --count N              packets per announcement burst, 0-100 (default: 3; 0: no announcement)
  --repeat-after SECONDS second burst after this delay, in the background, 0-60 (default: 1; 0: none)

exit: 0 ok, 1 retryable, 2 permanent error, 3 (status only) not held
EOF
}

die_usage() {
    printf '%s: %s\n' "$PROG" "$1" >&2
    usage >&2
    exit 2
}

# invalid WHAT VALUE WHY: the one message format for a bad value; permanent (exit 2).
invalid() {
    printf "%s: %s '%s' is not valid: %s\n" "$PROG" "$1" "$2" "$3" >&2
    exit 2
}

# ---- validation (pure bash: nothing unvalidated reaches a command) -------------------------

valid_ipv4() {
    local a=$1 octet='(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
    [[ $a =~ ^$octet\.$octet\.$octet\.$octet$ ]]
}

# A strict IPv6 literal: hex groups of 1-4 digits, at most one '::', an optional trailing
# dotted quad; no zone index, no brackets, no prefix. Prints nothing; status says.
valid_ipv6() {
    local a=$1 head tail groups=0 half g last
    local -a parts=()
    [[ ${#a} -ge 2 && ${#a} -le 45 && $a == *:* ]] || return 1
    [[ $a =~ ^[0-9A-Fa-f:.]+$ ]] || return 1
    last=${a##*:}
    if [[ $last == *.* ]]; then
        valid_ipv4 "$last" || return 1
        a=${a%"$last"}0:0   # the dotted quad stands for two groups
    fi
    if [[ $a == *::* ]]; then
        head=${a%%::*}
        tail=${a#*::}
        [[ $tail != *::* ]] || return 1
        for half in "$head" "$tail"; do
            [[ -z $half ]] && continue
            [[ $half != :* && $half != *: ]] || return 1
            IFS=: read -r -a parts <<<"$half"
            for g in "${parts[@]}"; do
                [[ $g =~ ^[0-9A-Fa-f]{1,4}$ ]] || return 1
                groups=$((groups + 1))
            done
        done
        ((groups <= 7))
    else
        IFS=: read -r -a parts <<<"$a"
        [[ $a != :* && $a != *: ]] || return 1
        for g in "${parts[@]}"; do
            [[ $g =~ ^[0-9A-Fa-f]{1,4}$ ]] || return 1
            groups=$((groups + 1))
        done
        ((groups == 8))
    fi
}

check_ip() {
    local a=$1
    [[ -n $a ]] || invalid "floating IP" "$a" "empty: set VIGIL_FLOATING_IP or pass --ip"
    [[ $a != */* ]] || invalid "floating IP" "$a" "give the address without a prefix (use --prefix or VIGIL_PREFIX)"
    [[ $a != *%* ]] || invalid "floating IP" "$a" "a zone index is not allowed"
    if [[ $a == *:* ]]; then
        valid_ipv6 "$a" || invalid "floating IP" "$a" "not an IPv6 literal"
    else
        valid_ipv4 "$a" || invalid "floating IP" "$a" "not an IPv4 dotted quad (four numbers 0-255, no leading zeros)"
    fi
}

check_prefix() {
    local p=$1 max=$2
    [[ $p =~ ^(0|[1-9][0-9]{0,2})$ ]] || invalid "prefix" "$p" "not a number 0-$max"
    ((p <= max)) || invalid "prefix" "$p" "must be 0-$max for this address family"
}

check_interface() {
    local i=$1
    [[ -n $i ]] || invalid "interface" "$i" "empty: set VIGIL_INTERFACE or pass --interface"
    ((${#i} <= 15)) || invalid "interface" "$i" "longer than 15 characters"
    [[ $i != -* ]] || invalid "interface" "$i" "must not start with '-'"
    [[ $i =~ ^[A-Za-z0-9_.:-]+$ ]] || invalid "interface" "$i" "only letters, digits, '_', '.', ':' and '-' are allowed"
    [[ $i != . && $i != .. ]] || invalid "interface" "$i" "'.' and '..' are not interface names"
}

check_label() {
    local l=$1 i=$2
    ((${#l} >= 1 && ${#l} <= 15)) || invalid "label" "$l" "must be 1-15 characters"
    [[ $l =~ ^[A-Za-z0-9_.:-]+$ ]] || invalid "label" "$l" "only letters, digits, '_', '.', ':' and '-' are allowed"
    [[ $l == "$i" || $l == "$i":* ]] || invalid "label" "$l" "must be '$i' or start with '$i:'"
}

check_count() {
    [[ $1 =~ ^(0|[1-9][0-9]{0,2})$ ]] || invalid "count" "$1" "not a number 0-100"
    (($1 <= 100)) || invalid "count" "$1" "more than 100"
}

check_seconds() {
    [[ $1 =~ ^(0|[1-9][0-9]?)(\.[0-9]{1,3})?$ ]] || invalid "repeat-after" "$1" "not a number of seconds 0-60"
    ((${1%.*} < 60)) || [[ $1 =~ ^60(\.0*)?$ ]] || invalid "repeat-after" "$1" "more than 60 seconds"
}

# ---- arguments --------------------------------------------------------------------------

action=""
ip_addr=${VIGIL_FLOATING_IP-}
prefix=${VIGIL_PREFIX-}
iface=${VIGIL_INTERFACE-}
label=""
arp_mode=unsolicited
count=3
repeat_after=1

while (($# > 0)); do
    arg=$1
    case $arg in
        --ip=* | --prefix=* | --interface=* | --label=* | --arp-mode=* | --count=* | --repeat-after=*)
            set -- "${arg%%=*}" "${arg#*=}" "${@:2}"
            continue
            ;;
        --ip | --prefix | --interface | --label | --arp-mode | --count | --repeat-after)
            (($# >= 2)) || die_usage "option $arg needs a value"
            case $arg in
                --ip) ip_addr=$2 ;;
                --prefix) prefix=$2 ;;
                --interface) iface=$2 ;;
                --label) label=$2 ;;
                --arp-mode) arp_mode=$2 ;;
                --count) count=$2 ;;
                --repeat-after) repeat_after=$2 ;;
            esac
            shift 2
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        acquire | release | status)
            [[ -z $action ]] || die_usage "more than one action: '$action' and '$arg'"
            action=$arg
            shift
            ;;
        -*) die_usage "unknown option '$arg'" ;;
        *) die_usage "unknown action '$arg'" ;;
    esac
done
[[ -n $action ]] || die_usage "no action given"

check_ip "$ip_addr"
if [[ $ip_addr == *:* ]]; then family=6 maxlen=128; else family=4 maxlen=32; fi
[[ -n $prefix ]] || invalid "prefix" "$prefix" "empty: set VIGIL_PREFIX or pass --prefix"
check_prefix "$prefix" "$maxlen"
check_interface "$iface"
case $arp_mode in
    unsolicited | reply) ;;
    *) invalid "arp-mode" "$arp_mode" "must be 'unsolicited' or 'reply'" ;;
esac
check_count "$count"
check_seconds "$repeat_after"
if [[ -n $label ]]; then
    check_label "$label" "$iface"
    [[ $family == 4 ]] || printf '%s: warning: --label is ignored for IPv6 (addresses have no label)\n' "$PROG" >&2
elif ((${#iface} <= 11)); then
    label="$iface:vip"
else
    label=$iface # a label must start with the interface name and fit in 15 characters
fi

# ---- state ------------------------------------------------------------------------------

# no_such_interface: exits 2 naming the interface if it does not exist. Asked only after an
# `ip addr` command failed, so the common path runs one `ip` less.
no_such_interface() {
    local link_err hint=""
    link_err=$(ip link show dev "$iface" 2>&1 >/dev/null) && return 0
    link_err=${link_err//$'\n'/; }
    [[ $iface == *:* ]] && hint=" (eth0:1 style names are address labels, not interfaces)"
    printf "%s: interface '%s' does not exist%s (ip link show: %s)\n" "$PROG" "$iface" "$hint" "${link_err:-failed}" >&2
    exit 2
}

# query_held: sets HELD to the prefix lengths with which the address is on the interface
# (usually none or one). `ip ... to ADDR/maxlen` compares binary addresses, so any IPv6
# spelling matches. A failing `ip` is retryable (exit 1), never taken for "not held".
HELD=()
IP_ERR=""
query_held() {
    local out
    if ! out=$(ip -"$family" -o addr show dev "$iface" to "$ip_addr/$maxlen" 2>&1); then
        no_such_interface
        log "ip addr show failed: ${out//$'\n'/ }"
        exit 1
    fi
    parse_held "$out"
}

# parse_held OUTPUT: HELD from the lines of `ip -o addr show` in OUTPUT, and IP_ERR from the
# other lines (ip's complaints), joined into one.
parse_held() {
    local line word
    local -a words
    HELD=()
    IP_ERR=""
    while IFS= read -r line; do
        [[ -n $line ]] || continue
        read -r -a words <<<"$line"
        if [[ ${words[0]} =~ ^[0-9]+:$ ]]; then
            for word in "${words[@]}"; do
                if [[ $word == */* && $word != *[!0-9A-Fa-f.:/]* ]]; then
                    HELD+=("${word##*/}")
                    break
                fi
            done
        else
            IP_ERR+="${IP_ERR:+; }$line"
        fi
    done <<<"$1"
}

# held_exactly: after query_held, whether the address is held with the requested prefix.
held_exactly() {
    local p
    for p in "${HELD[@]}"; do
        [[ $p == "$prefix" ]] && return 0
    done
    return 1
}

# ---- announcements ----------------------------------------------------------------------

# arping_variant: sets VARIANT to "habets" (Debian package arping), "iputils" (iputils-arping)
# or "" (none, or neither). The two disagree on flags: Habets' -i is the interface and -A means
# "only count matching replies"; iputils' -i is the interval, -I the interface and -A is
# ARP-reply mode.
VARIANT=""
arping_variant() {
    local v
    VARIANT=""
    command -v arping >/dev/null 2>&1 || return 0
    v=$(arping -V 2>&1 || true)
    case $v in
        *iputils*) VARIANT=iputils ;;
        *Habets*) VARIANT=habets ;;
    esac
}

# announce: one burst for the address; sets ANNOUNCED to what it did (or why not) and returns
# non-zero if nothing was announced. It runs in the script itself, not in a $(...) subshell:
# on a busy host every fork delays the burst.
ANNOUNCED=""
announce() {
    local out rc=0
    local -a cmd
    ((count > 0)) || { ANNOUNCED="not announced (count 0)"; return 0; }
    if [[ $family == 6 ]]; then
        # Unsolicited NA (override flag, target link-layer address) to all-nodes, with
        # ndsend ADDR IF if installed, else ndptool (Debian package libndp-tools).
        local tool i sent=0
        if command -v ndsend >/dev/null 2>&1; then
            tool=ndsend
            cmd=(ndsend "$ip_addr" "$iface")
        elif command -v ndptool >/dev/null 2>&1; then
            tool=ndptool
            cmd=(ndptool -t na -U -i "$iface" -T "$ip_addr" send)
        else
            ANNOUNCED="not announced: neither ndsend nor ndptool (libndp-tools) is installed, neighbours learn the new address by neighbour discovery"
            return 1
        fi
        for ((i = 0; i < count; i++)); do
            if out=$("${cmd[@]}" 2>&1); then sent=$((sent + 1)); fi
        done
        if ((sent == 0)); then
            ANNOUNCED="announce failed: $tool: ${out//$'\n'/ }"
            return 1
        fi
        ANNOUNCED="announced ($sent unsolicited NA via $tool)"
        return 0
    fi
    # Habets' arping first, without asking which arping this is: an `arping -V` costs the
    # clients 10-20 ms more. Every other arping refuses -S and sends nothing.
    # -S ADDR: without it Habets' arping sends the interface's primary address as the sender,
    # and neighbours learn nothing about the floating IP. -U broadcasts; -P sends replies
    # instead of requests. It exits 1 when nothing answers (always, for unsolicited ARP), so
    # success is judged by "N packets transmitted". -W 0.001: the burst goes out back to back
    # (as keepalived's GARPs do by default) and the hook returns in milliseconds; -W is also
    # how long it waits after the last packet, so 0.05 cost the failover 150 ms. The repeat
    # burst covers a lost packet.
    local what="gratuitous ARP"
    [[ $arp_mode == reply ]] && what="gratuitous ARP reply"
    cmd=(arping -U -S "$ip_addr" -i "$iface" -c "$count" -W 0.001)
    [[ $arp_mode == reply ]] && cmd+=(-P)
    if command -v arping >/dev/null 2>&1; then
        out=$("${cmd[@]}" "$ip_addr" 2>&1) || rc=$?
        if [[ $out =~ (^|$'\n')$count\ packets\ transmitted ]]; then
            ANNOUNCED="announced ($count $what)"
            return 0
        fi
    fi
    arping_variant
    case $VARIANT in
        habets) ;; # it failed: $out says why
        iputils)
            # iputils' -i takes whole seconds only and hangs with -i 0, so its default of one
            # second between packets stays: a burst of N takes N seconds. -w caps it.
            if [[ $arp_mode == reply ]]; then cmd=(arping -A); else cmd=(arping -U); fi
            cmd+=(-I "$iface" -s "$ip_addr" -c "$count" -w $((count + 2)) "$ip_addr")
            rc=0
            out=$("${cmd[@]}" 2>&1) || rc=$?
            if [[ $rc == 0 || $out =~ Sent\ $count\ probe ]]; then
                ANNOUNCED="announced ($count $what)"
                return 0
            fi
            ;;
        *)
            ANNOUNCED="not announced: no usable arping (install the arping package)"
            return 1
            ;;
    esac
    out=${out//$'\n'/ }
    ANNOUNCED="announce failed: arping exit $rc: ${out:0:300}"
    return 1
}

# The repeat burst, detached: the hook returns at once and Vigil's pipe is not held open
# (stdin, stdout and stderr go to /dev/null). It announces only if the address is still held,
# so a release that comes first is never undone in neighbours' caches.
repeat_in_background() {
    (
        trap '' HUP INT
        sleep "$repeat_after"
        query_held
        if held_exactly; then
            if ! announce && command -v logger >/dev/null 2>&1; then
                logger -t "$PROG" -- "repeat burst for $ip_addr on $iface: $ANNOUNCED" || true
            fi
        fi
    ) </dev/null >/dev/null 2>&1 &
    disown $! 2>/dev/null || true
}

log() {
    printf '%s: %s %s/%s on %s: %s\n' "$PROG" "$action" "$ip_addr" "$prefix" "$iface" "$1" >&2
}

# ---- actions ----------------------------------------------------------------------------

# conflict: the address is on the interface with other prefixes too (in HELD); exits 2.
conflict() {
    local p other=""
    for p in "${HELD[@]}"; do
        [[ $p == "$prefix" ]] || other+="${other:+, }/$p"
    done
    log "already on $iface with prefix $other, not /$prefix: remove it or fix the configuration"
    exit 2
}

# One `ip` before the gratuitous ARP: the add and then the address's prefixes on the interface,
# in one batch (-force runs the second line when the first fails). Every program started costs
# 10-20 ms on a busy host, and clients wait for the announcement.
do_acquire() {
    local state out batch rc=0 p others=0
    local -a add
    if [[ $family == 4 ]]; then
        add=(addr add "$ip_addr/$prefix" dev "$iface" label "$label")
    else
        # nodad: without it the address stays "tentative" (unusable) for the duration of
        # duplicate address detection, about a second, and if DAD sees the old holder
        # still answering during a takeover it is marked "dadfailed" and never becomes
        # usable. Vigil's quorum and fencing, not DAD, keep the address unique.
        # preferred_lft 0: the address is deprecated, so it receives traffic normally but
        # is never chosen as the source of this host's own outgoing connections, which
        # would break when the address moves away.
        add=(addr add "$ip_addr/$prefix" dev "$iface" nodad preferred_lft 0)
    fi
    # Every value in these two lines was checked above: none holds a space or a quote.
    batch="${add[*]}"$'\n'"addr show dev $iface to $ip_addr/$maxlen"
    out=$(ip -"$family" -o -force -batch - 2>&1 <<<"$batch") || rc=$?
    parse_held "$out"
    for p in "${HELD[@]}"; do
        [[ $p == "$prefix" ]] || others=1
    done
    if ((others)); then
        # Linux takes an IPv4 address a second time with another prefix (IPv6 refuses it):
        # our copy comes off again, and nothing was announced.
        if ((rc == 0)) && ! out=$(ip -"$family" addr del "$ip_addr/$prefix" dev "$iface" 2>&1); then
            log "could not take $ip_addr/$prefix off again: ${out//$'\n'/ }"
        fi
        conflict
    fi
    if ((rc == 0)); then
        state="added"
        [[ $family == 6 ]] && state="added (nodad)"
    elif held_exactly; then
        state="already present"
    else
        no_such_interface
        log "ip addr add failed (exit $rc): $IP_ERR"
        exit 1
    fi
    if announce; then
        log "$state, $ANNOUNCED"
    else
        log "$state, warning: $ANNOUNCED (the address is up)"
    fi
    if ((count > 0)) && [[ $repeat_after != 0 && ! $repeat_after =~ ^0\.0*$ ]]; then
        repeat_in_background
    fi
}

do_release() {
    local p err rc=0 removed=""
    query_held
    for p in "${HELD[@]}"; do
        err=$(ip -"$family" addr del "$ip_addr/$p" dev "$iface" 2>&1) || rc=$?
        if ((rc != 0)); then
            # Gone in the meantime is what we wanted; anything else may be retried.
            query_held
            ((${#HELD[@]} > 0)) || break
            log "ip addr del $ip_addr/$p failed (exit $rc): ${err//$'\n'/ }"
            exit 1
        fi
        removed+="${removed:+, }/$p"
    done
    if [[ -z $removed ]]; then
        log "not present"
    elif [[ $removed == "/$prefix" ]]; then
        log "removed"
    else
        log "removed (held as $removed)"
    fi
}

do_status() {
    query_held
    if held_exactly; then
        printf 'held %s/%s on %s\n' "$ip_addr" "$prefix" "$iface"
    elif ((${#HELD[@]} > 0)); then
        printf 'held %s/%s on %s (expected /%s)\n' "$ip_addr" "${HELD[0]}" "$iface" "$prefix"
    else
        echo "not held"
        exit 3
    fi
}

case $action in
    acquire) do_acquire ;;
    release) do_release ;;
    status) do_status ;;
esac
exit 0
