#!/usr/bin/env bash
# promote-example.sh - an example promote/demote hook for a PostgreSQL-like service.
#
#   promote-example.sh [promote|demote] [-- COMMAND [ARG...]]
#
# The event comes from the first argument, else from $VIGIL_EVENT. Without a command after
# `--` it is a dry run: it only logs what an operator would put there and exits 0. With one,
# it runs that command (argv, no shell) and passes its exit code on, which Vigil reads as
# 0 success, 1 retryable, 2+ permanent.
#
# Why argv and not an environment variable such as VIGIL_PROMOTE_COMMAND: Vigil clears a
# hook's environment (only PATH, LANG and the VIGIL_* values it sets itself get through), so
# the command has to come from the cluster file's argv list:
#
#   hooks:
#     promote: [/usr/lib/vigil/promote-example.sh, promote, --,
#               /usr/bin/pg_ctlcluster, "15", main, promote]
#     demote:  [/usr/lib/vigil/promote-example.sh, demote, --,
#               /usr/bin/systemctl, stop, postgresql@15-main]
#
# What an operator puts there, for PostgreSQL:
#   promote: `pg_ctl promote -D $PGDATA -t 8` (or `pg_ctlcluster 15 main promote` on Debian,
#            or `psql -c 'SELECT pg_promote(true, 8)'`). Keep its wait below Vigil's
#            hooks.timeout (10 s by default): pg_ctl waits up to 60 s unless told -t.
#            Idempotence: promoting a server that is already primary fails ("server is not in
#            standby mode"); wrap the command in a script that first checks
#            `psql -Atc 'SELECT pg_is_in_recovery()'` and exits 0 on 'f'.
#   demote:  PostgreSQL cannot demote in place: stop the server (or fence it) and rebuild it
#            as a standby later (pg_rewind), outside the hook's timeout.
#
# Exit codes: 0 success or dry run; 2 usage or a command that is not an absolute path to an
# executable; otherwise the command's own exit code (a command killed by a signal: 1, retryable).
set -euo pipefail

PROG=${0##*/}
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH LC_ALL=C

die_usage() {
    printf '%s: %s\n' "$PROG" "$1" >&2
    printf 'usage: %s [promote|demote] [-- COMMAND [ARG...]]\n' "$PROG" >&2
    exit 2
}

event=""
while (($# > 0)); do
    case $1 in
        promote | demote)
            [[ -z $event ]] || die_usage "more than one event: '$event' and '$1'"
            event=$1
            shift
            ;;
        --)
            shift
            break
            ;;
        *) die_usage "unknown argument '$1'" ;;
    esac
done
if [[ -z $event ]]; then
    case ${VIGIL_EVENT-} in
        promote | demote) event=$VIGIL_EVENT ;;
        "") die_usage "no event: pass promote or demote, or set VIGIL_EVENT" ;;
        *) die_usage "VIGIL_EVENT '${VIGIL_EVENT//[!A-Za-z0-9._-]/?}' is neither promote nor demote" ;;
    esac
fi

# Only safe characters of the context reach the log line.
ctx="group ${VIGIL_GROUP:-?}, term ${VIGIL_TERM:-?}, node ${VIGIL_NODE:-?}, ${VIGIL_OLD_PRIMARY:-none} -> ${VIGIL_NEW_PRIMARY:-none}"
ctx=${ctx//[!A-Za-z0-9 ._:>,?-]/?}

if (($# == 0)); then
    if [[ $event == promote ]]; then
        example="pg_ctl promote -D \$PGDATA -t 8"
    else
        example="systemctl stop postgresql"
    fi
    printf '%s: %s (%s): dry run, nothing done; would run e.g. "%s" (pass the command after --)\n' \
        "$PROG" "$event" "$ctx" "$example" >&2
    exit 0
fi

cmd=$1
[[ $cmd == /* ]] || die_usage "command '$cmd' must be an absolute path (hooks get a fixed PATH)"
[[ -f $cmd && -x $cmd ]] || die_usage "command '$cmd' is not an executable file"

printf '%s: %s (%s): running %s\n' "$PROG" "$event" "$ctx" "$*" >&2
rc=0
"$@" </dev/null || rc=$?
if ((rc > 128)); then
    printf '%s: %s: %s killed by signal %d\n' "$PROG" "$event" "$cmd" $((rc - 128)) >&2
    exit 1
fi
printf '%s: %s: %s exited %d\n' "$PROG" "$event" "$cmd" "$rc" >&2
exit "$rc"
