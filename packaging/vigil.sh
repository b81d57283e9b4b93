#!/usr/bin/env bash
# vigil - installed as /usr/bin/vigil: runs the Vigil CLI and daemons from the jar that
# packaging/install.sh puts in ../lib/vigil/ beside this script's real location.
#
# Environment: VIGIL_JAVA (the java binary, default: java on PATH), VIGIL_JAVA_OPTS (JVM
# flags, split on whitespace), VIGIL_JAR (another jar, for testing).
set -euo pipefail

here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
jar=${VIGIL_JAR:-$(dirname "$here")/lib/vigil/vigil.jar}
java=${VIGIL_JAVA:-java}

if [[ ! -r $jar ]]; then
  printf 'vigil: %s is missing: reinstall with packaging/install.sh\n' "$jar" >&2
  exit 3
fi
if ! command -v "$java" >/dev/null 2>&1; then
  printf 'vigil: no Java runtime (%s): install a Java 17 runtime, e.g. openjdk-17-jre-headless\n' "$java" >&2
  exit 3
fi

# VIGIL_JAVA_OPTS is split on whitespace on purpose: it holds several JVM flags.
# shellcheck disable=SC2086
exec "$java" ${VIGIL_JAVA_OPTS:-} -jar "$jar" "$@"
