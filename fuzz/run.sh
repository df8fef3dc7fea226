#!/usr/bin/env bash
# Fuzzes both servers' APIs with schemathesis, from the OpenAPI documents the servers serve
# themselves (docs/openapi/ holds the committed copies): server A's and server B's operator API
# with the operator bearer token, and server B's peer API through fuzz/sign_proxy.py, which signs
# every request as server A does (RFC 9421, Ed25519; docs/peer-auth.md). Requires no 5xx and every
# response conforming to the document (status, content type, headers, schema), plus schemathesis'
# negative-data, missing-header, unsupported-method and (operator API) ignored-auth checks.
#
#   fuzz/run.sh            # installs schemathesis into fuzz/.venv on first use
# Environment: FUZZ_EXAMPLES=<n>  test cases per operation and phase (default 40)
#              FUZZ_SEED=<n>      reproduce a run (printed at the start)
#              FUZZ_NO_BUILD=1    do not (re)build the jars
# Exit status: 0 when every run passed; the last line is "fuzz: N passed, N failed" (operations x APIs).
set -euo pipefail
here="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
cd "$repo"
venv="$here/.venv"
SCHEMATHESIS=4.32.5
CRYPTOGRAPHY=50.0.2
say() { printf 'fuzz: %s\n' "$*"; }
die() { printf 'fuzz: ERROR: %s\n' "$*" >&2; exit 2; }

# --- schemathesis, pinned, in its own venv -------------------------------------------------------
if ! "$venv/bin/python" -c "import schemathesis, cryptography, sys; sys.exit(0 if schemathesis.__version__ == '$SCHEMATHESIS' else 1)" 2>/dev/null; then
  say "installing schemathesis $SCHEMATHESIS and cryptography $CRYPTOGRAPHY into fuzz/.venv"
  python3 -m venv "$venv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS" "cryptography==$CRYPTOGRAPHY"
fi

# --- jars ------------------------------------------------------------------------------------------
stale() { # jar modules...
  local jar="$1"; shift
  [ -f "$jar" ] || return 0
  local m
  for m in "$@"; do
    [ -n "$(find "$repo/$m/src/main" "$repo/$m/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ] && return 0
  done
  return 1
}
if [ "${FUZZ_NO_BUILD:-}" != 1 ] && { stale prio-cli/target/prio-cli.jar prio-core prio-cli \
    || stale server-a/target/server-a.jar prio-core prio-server server-a || stale server-b/target/server-b.jar prio-core prio-server server-b; }; then
  say "building prio-cli, server-a, server-b"
  ./mvnw -q -B -ntp -DskipTests package -pl prio-cli,server-a,server-b -am
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/prio-fuzz.XXXXXX")"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "${keep:-0}" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
cp server-a/target/server-a.jar server-b/target/server-b.jar "$work/"

# --- keys, seed, token, config ----------------------------------------------------------------------
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
bin/prio keygen >"$work/key-a.json"
bin/prio keygen >"$work/key-b.json"
seed=$(bin/prio shared-seed | field shared_seed)
for s in a b; do
  openssl genpkey -algorithm ed25519 -out "$work/sign-$s.pem" 2>/dev/null
  openssl pkey -in "$work/sign-$s.pem" -pubout -out "$work/sign-$s.pub.pem" 2>/dev/null
done
token=$(openssl rand -hex 24)
token_sha=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
config='[{"batch_id": "fuzz-0", "n_data": 8}, {"batch_id": "fuzz-1", "n_data": 16}]'
read -r port_a port_b port_proxy < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')

start_server() { # a|b own other port extra-args...
  local s=$1 own=$2 other=$3 port=$4; shift 4
  env PRIVATE_KEY_HEX="$(field private_key <"$work/key-$own.json")" \
    PUBLIC_KEY_HEX_INTERNAL="$(field public_key <"$work/key-$own.json")" \
    PUBLIC_KEY_HEX_EXTERNAL="$(field public_key <"$work/key-$other.json")" \
    SHARED_SECRET="$seed" BUCKET_INTERNAL="file:$work/$s" DATA_CONFIG="$config" \
    java -Xmx256m -XX:TieredStopAtLevel=1 -jar "$work/server-$s.jar" --server.address=127.0.0.1 --server.port="$port" \
    --prio.peer-auth.private-key="file:$work/sign-$own.pem" --prio.peer-auth.key-id="fuzz-$own" \
    --prio.peer-auth.peer-public-key="file:$work/sign-$other.pub.pem" --prio.peer-auth.peer-key-id="fuzz-$other" \
    --prio.peer-auth.operator-token-sha256="$token_sha" "$@" >"$work/$s.log" 2>&1 &
  pids+=($!)
}
start_server b b a "$port_b"
start_server a a b "$port_a" --prio.peer.url="http://127.0.0.1:$port_b" --prio.peer.max-attempts=1
auth=(-H "Authorization: Bearer $token")
for port in "$port_b" "$port_a"; do
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/actuator/health/readiness" 2>/dev/null && break
    sleep 0.5
  done
  curl -fsS -o /dev/null "http://127.0.0.1:$port/actuator/health/readiness" || { keep=1; tail -n 40 "$work"/*.log; die "a server did not start"; }
done
say "servers up: A on $port_a, B on $port_b"

# --- the documents each server serves --------------------------------------------------------------
for s in a b; do
  port=$port_a; [ $s = b ] && port=$port_b
  for api in operator peer; do
    curl -fsS "${auth[@]}" "http://127.0.0.1:$port/v3/api-docs/$api" >"$work/$s-$api.json" \
      || die "server $s does not serve /v3/api-docs/$api"
  done
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v3/api-docs/operator")
  [ "$code" = 401 ] || die "server $s serves its API document without the operator token ($code)"
done

# --- the signing proxy in front of B's peer API ----------------------------------------------------
"$venv/bin/python" "$here/sign_proxy.py" --listen "127.0.0.1:$port_proxy" --upstream "http://127.0.0.1:$port_b" \
  --key "$work/sign-a.pem" --key-id fuzz-a &
pids+=($!)
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:$port_proxy/_proxy/stats" 2>/dev/null && break; sleep 0.2; done

# --- schemathesis ------------------------------------------------------------------------------------
fuzz_seed="${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ' | awk '{print $1 % 2147483647 + 1}')}"
say "seed $fuzz_seed (FUZZ_SEED=$fuzz_seed fuzz/run.sh reproduces the cases)"
# One worker: CPython 3.11 before 3.11.8 can fail ast.parse in concurrent threads ("AST constructor
# recursion depth mismatch"), which hypothesis hits while describing strategies.
common=(--max-examples "${FUZZ_EXAMPLES:-40}" --seed "$fuzz_seed" --workers 1 --request-timeout 30
        --phases examples,coverage,fuzzing,stateful --suppress-health-check too_slow,filter_too_much
        --output-truncate true)
# positive_data_acceptance and ensure_resource_availability expect 2xx for any schema-valid input,
# which a batch id or date that this server does not hold can never give; the others all apply.
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance
checks+=,response_schema_conformance,negative_data_rejection,missing_required_header,unsupported_method
checks+=,use_after_free
passed=0 failed=0
run() { # name schema base-url extra...
  local name=$1 schema=$2 url=$3; shift 3
  say "schemathesis: $name"
  local rc=0
  "$venv/bin/st" run "$schema" --url "$url" "${common[@]}" --report junit \
    --report-junit-path "$work/junit-$name.xml" "$@" >"$work/st-$name.log" 2>&1 || rc=$?
  sed -n '/SUMMARY/,$p' "$work/st-$name.log" | grep -v '^\s*$' | sed 's/^/  /'
  if [ $rc = 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); keep=1
    sed -n '/= FAILURES =/,/= WARNINGS =\|= SUMMARY =/p' "$work/st-$name.log" | cut -c1-300 | head -n 200 >&2
  fi
}
run operator-a "$work/a-operator.json" "http://127.0.0.1:$port_a" "${auth[@]}" --checks "$checks,ignored_auth"
run operator-b "$work/b-operator.json" "http://127.0.0.1:$port_b" "${auth[@]}" --checks "$checks,ignored_auth"
# ignored_auth does not apply behind the proxy: it signs every request, as A does.
run peer-b "$work/b-peer.json" "http://127.0.0.1:$port_proxy" --checks "$checks"

stats=$(curl -fsS "http://127.0.0.1:$port_proxy/_proxy/stats")
say "signing proxy: $stats"
unsigned=$(echo "$stats" | field unsigned_put)
[ "$unsigned" = 0 ] || { failed=$((failed + 1)); say "B answered $unsigned requests A could send without a signature"; }
for s in a b; do
  if grep -q "unexpected .* while handling a request" "$work/$s.log"; then
    failed=$((failed + 1)); keep=1; say "server $s logged an unexpected error:"; grep "unexpected" "$work/$s.log" | sort | uniq -c >&2
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
