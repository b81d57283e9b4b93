#!/usr/bin/env bash
# notify-log.sh - record a Vigil event: one line per event in a log file, or a small JSON
# POST to a webhook.
#
#   notify-log.sh [--file PATH] [--webhook URL]
#
# Without --webhook it appends to --file, else $VIGIL_NOTIFY_FILE, else
# /var/log/vigil/events.log (creating the directory). With --webhook it POSTs instead; give
# --file as well to do both. Every VIGIL_* field of the hook environment is recorded.
#
# Exit codes: 0 recorded; 1 the write or the POST failed (retryable); 2 usage, a bad URL,
# or --webhook without curl installed (retrying cannot help).
set -euo pipefail

PROG=${0##*/}
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH LC_ALL=C

FIELDS=(EVENT GROUP TERM ROLE NODE FLOATING_IP PREFIX INTERFACE OLD_PRIMARY NEW_PRIMARY)

usage() {
    cat <<EOF
usage: $PROG [--file PATH] [--webhook URL]

  --file PATH     append one line per event (default: \$VIGIL_NOTIFY_FILE or /var/log/vigil/events.log)
  --webhook URL   POST a JSON object instead (http:// or https://, curl --max-time 5)

exit: 0 recorded, 1 write or POST failed, 2 usage error
EOF
}

die_usage() {
    printf '%s: %s\n' "$PROG" "$1" >&2
    usage >&2
    exit 2
}

file=""
webhook=""
while (($# > 0)); do
    case $1 in
        --file=* | --webhook=*)
            set -- "${1%%=*}" "${1#*=}" "${@:2}"
            continue
            ;;
        --file | --webhook)
            (($# >= 2)) || die_usage "option $1 needs a value"
            if [[ $1 == --file ]]; then file=$2; else webhook=$2; fi
            shift 2
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *) die_usage "unknown argument '$1'" ;;
    esac
done

# Vigil checks every value against a strict pattern; by hand anything may come in, so keep
# each value to a safe alphabet: one event stays one line, and needs no JSON escaping.
clean() {
    local v=${1:0:100}
    printf '%s' "${v//[!A-Za-z0-9._:\/-]/?}"
}

now=$(date -u +%Y-%m-%dT%H:%M:%SZ)

write_file() {
    local path=$1 line f v err
    [[ -n $path ]] || die_usage "empty log file name"
    line="$now"
    for f in "${FIELDS[@]}"; do
        v="VIGIL_$f"
        line+=" ${f,,}=$(clean "${!v-}")"
    done
    if ! err=$(mkdir -p -- "$(dirname -- "$path")" 2>&1); then
        printf "%s: cannot create the directory of '%s': %s\n" "$PROG" "$path" "$err" >&2
        exit 1
    fi
    # One printf is one write(2) in O_APPEND mode: concurrent events do not interleave.
    if ! { printf '%s\n' "$line" >>"$path"; } 2>/dev/null; then
        printf "%s: cannot append to '%s'\n" "$PROG" "$path" >&2
        exit 1
    fi
}

post_webhook() {
    local url=$1 body f v sep="" err
    # RFC 3986 characters only: no spaces, quotes, backslashes or control characters.
    local re="^https?://[][A-Za-z0-9._~:/?#@!\$&'()*+,;=%-]+\$"
    [[ ${#url} -le 2000 && $url =~ $re ]] ||
        { printf "%s: webhook '%s' is not valid: must be an http:// or https:// URL without spaces\n" "$PROG" "$url" >&2; exit 2; }
    command -v curl >/dev/null 2>&1 ||
        { printf '%s: --webhook needs curl, which is not installed\n' "$PROG" >&2; exit 2; }
    body="{\"time\":\"$now\""
    sep=","
    for f in "${FIELDS[@]}"; do
        v="VIGIL_$f"
        v=$(clean "${!v-}")
        if [[ $f == TERM && $v =~ ^[0-9]{1,18}$ ]]; then
            body+="$sep\"${f,,}\":$v"
        else
            body+="$sep\"${f,,}\":\"$v\""
        fi
    done
    body+="}"
    # --proto: no file://, no other schemes, also not through a redirect (which curl does not
    # follow without -L anyway). -f: an HTTP error status is a failure. --globoff: [] {} are literal.
    if ! err=$(curl -fsS --globoff --max-time 5 --proto =http,https -X POST \
        -H 'Content-Type: application/json' --data-binary "$body" --url "$url" 2>&1 >/dev/null); then
        printf '%s: POST to webhook failed: %s\n' "$PROG" "${err//$'\n'/ }" >&2
        exit 1
    fi
}

if [[ -n $webhook ]]; then
    post_webhook "$webhook"
    [[ -z $file ]] || write_file "$file"
else
    write_file "${file:-${VIGIL_NOTIFY_FILE:-/var/log/vigil/events.log}}"
fi
printf '%s: %s recorded\n' "$PROG" "$(clean "${VIGIL_EVENT:-event}")" >&2
exit 0
