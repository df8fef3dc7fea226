#!/bin/sh
# Nightly batch trigger (CronJob prio-batch-trigger, k8s/overlays/project-a):
# POST /batches/{batchId} on server A for every batch id of DATA_CONFIG, with
# {"submissionDate": "<day>"}; <day> is SUBMISSION_DATE or yesterday (UTC).
# POSIX sh + curl only (the curl image has busybox). A batch that exists
# already answers 202 with its current state and is not started again, so the
# trigger is safe to run twice. Any other status (409: the batch exists with a
# different n_data; 401: wrong token) fails the job.
# Exit status 1 if any batch could not be triggered. deploy/test.sh runs this
# script against a stub curl.
set -eu

: "${PRIO_API_URL:?PRIO_API_URL is required}"
: "${DATA_CONFIG:?DATA_CONFIG is required}"
token_file=${TOKEN_FILE:-/var/run/secrets/prio-trigger/PRIO_OPERATOR_TOKEN}
tmp=${TMPDIR:-/tmp}

token=$(cat "$token_file")
day=${SUBMISSION_DATE:-}
if [ -z "$day" ]; then
  day=$(date -u -d "@$(($(date -u +%s) - 86400))" +%Y-%m-%d)
fi
case "$day" in
  [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) ;;
  *) echo "bad submission date: $day" >&2; exit 1 ;;
esac

# DATA_CONFIG is prio-processor's content.json: [{"batch_id": "...", "n_data": N}, ...]
# shellcheck disable=SC2020 # one newline for each of , { and }
ids=$(printf '%s' "$DATA_CONFIG" | tr ',{}' '\n\n\n' \
  | sed -n 's/.*"batch_id"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
if [ -z "$ids" ]; then
  echo "no batch ids in DATA_CONFIG" >&2
  exit 1
fi

failed=0
for id in $ids; do
  case "$id" in
    # Reserved for the canary (docs/operations.md "Canary"): staged and started by the canary job.
    canary-*) echo "batch $id: canary, left to the canary job"; continue ;;
  esac
  code=$(curl -sS -o "$tmp/response" -w '%{http_code}' --max-time 60 --retry 3 --retry-connrefused \
    -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data "{\"submissionDate\":\"$day\"}" "$PRIO_API_URL/batches/$id") || code=000
  case "$code" in
    2??) echo "batch $id $day: HTTP $code" ;;
    *) echo "batch $id $day: HTTP $code $(cat "$tmp/response" 2>/dev/null || true)" >&2; failed=1 ;;
  esac
done
exit "$failed"
