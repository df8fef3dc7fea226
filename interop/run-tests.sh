#!/usr/bin/env bash
# The interop suite: Mozilla's libprio (PyPI binding) against our bin/prio and our server pair.
#   interop/run-tests.sh [pytest args...]
# Environment: INTEROP_SEED=<n>       reproduce a run's random cases (printed at the start)
#              INTEROP_CASES=<n>      differential cases (default 180), INTEROP_BIG=<n> of them at n_data 2046 (4)
#              INTEROP_CLIENT_CASES   our-encoder -> libprio cases (default 24)
#              INTEROP_WORKERS=<n>    pytest-xdist workers (default 2)
#              INTEROP_NO_BUILD=1     do not (re)build the jars
#              INTEROP_KEEP=1         keep every case's files under interop/work/ (failed ones are always kept)
# The last line printed is pytest's summary; the exit status is pytest's.
set -euo pipefail
here="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"

"$here/setup.sh"

# The jars under test: built when missing or older than a source file of their modules.
stale() { # jar modules...
  local jar="$1"; shift
  [ -f "$jar" ] || return 0
  local m
  for m in "$@"; do
    [ -n "$(find "$repo/$m/src/main" "$repo/$m/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ] && return 0
  done
  [ -n "$(find "$repo/pom.xml" -newer "$jar" -print -quit)" ]
}
if [ "${INTEROP_NO_BUILD:-}" != 1 ]; then
  if stale "$repo/prio-cli/target/prio-cli.jar" prio-core prio-cli; then
    echo "run-tests: building bin/prio (prio-cli)"
    (cd "$repo" && ./mvnw -q -B -ntp -DskipTests package -pl prio-cli -am)
  fi
  if stale "$repo/server-a/target/server-a.jar" prio-core prio-server server-a \
     || stale "$repo/server-b/target/server-b.jar" prio-core prio-server server-b; then
    echo "run-tests: building server-a and server-b"
    (cd "$repo" && ./mvnw -q -B -ntp -DskipTests package -pl server-a,server-b -am)
  fi
fi

export INTEROP_SEED="${INTEROP_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ' | awk '{print $1 % 2147483647 + 1}')}"
echo "run-tests: interop seed $INTEROP_SEED (INTEROP_SEED=$INTEROP_SEED interop/run-tests.sh reproduces the cases)"

cd "$here"
exec "$here/.venv/bin/python" -m pytest tests -p no:cacheprovider -W ignore::DeprecationWarning \
  -n "${INTEROP_WORKERS:-2}" --durations=5 "$@"
