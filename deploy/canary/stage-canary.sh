#!/usr/bin/env bash
# Stages one day's canary batch into both servers' staging and starts it on server A
# (docs/operations.md "Canary"). The canary is a batch like any other whose submissions are
# synthetic, made by `prio generate` with known true sums; server A compares what it publishes with
# those sums (prio_canary_mismatch) and PrioCanaryMismatch / PrioCanaryMissing alert on it.
#
# Run it where the real staging runs (it needs the same write access to both servers' input
# buckets), e.g. the Airflow DAG deploy/airflow/prio_canary.py, once a day.
#
# Environment:
#   PRIO               the prio command (default: bin/prio of this repository)
#   CANARY_BATCH_ID    default canary-0; must start with "canary-" (reserved: never a real batch id)
#                      and be in DATA_CONFIG on both servers with N_DATA
#   N_DATA             the canary's n_data (default 64)
#   COUNT, INVALID     valid and invalid submissions (default 500 and 5; COUNT must be at least
#                      A's prio.batch.min-batch-size, default 100)
#   PUBLIC_KEY_HEX_A, PUBLIC_KEY_HEX_B   the servers' X25519 public keys (prio keygen's public_key)
#   STAGING_A, STAGING_B  each server's BUCKET_INTERNAL: file:/path or gs://bucket[/prefix]
#                         (gs:// needs gcloud with write access)
#   PRG_MODE           legacy (default) or hashed: what the servers run
#   SUBMISSION_DATE    default today (UTC)
#   PRIO_API_URL, TOKEN_FILE  A's operator API and the file with the plain operator token;
#                      CANARY_NO_TRIGGER=1 stages only
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PRIO=${PRIO:-$repo/bin/prio}
id=${CANARY_BATCH_ID:-canary-0}
case "$id" in canary-*) ;; *) echo "CANARY_BATCH_ID must start with canary- (got $id)" >&2; exit 2 ;; esac
: "${PUBLIC_KEY_HEX_A:?}" "${PUBLIC_KEY_HEX_B:?}" "${STAGING_A:?}" "${STAGING_B:?}"
day=${SUBMISSION_DATE:-$(date -u +%F)}
work=$(mktemp -d "${TMPDIR:-/tmp}/prio-canary.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The day picks the seed: a rerun of the same day stages the same ids, vectors and sums.
seed=$(printf '%s' "$day" | tr -d '-')
prefix="prio/v1/submission_date=$day/batch_id=$id"
$PRIO generate --batch-id "$id" --n-data "${N_DATA:-64}" --count "${COUNT:-500}" --invalid "${INVALID:-5}" \
  --submission-date "$day" --seed "$seed" --prg-mode "${PRG_MODE:-legacy}" \
  --public-key-hex-a "$PUBLIC_KEY_HEX_A" --public-key-hex-b "$PUBLIC_KEY_HEX_B" \
  --output-a "$work/a" --output-b "$work/b" --truth "$work/a/$prefix/truth.json" >/dev/null

upload() { # local-dir destination-root
  case "$2" in
    file:*) mkdir -p "${2#file:}/$prefix" && cp -R "$1/$prefix/." "${2#file:}/$prefix/" ;;
    gs://*) gcloud storage cp --recursive "$1/$prefix/*" "${2%/}/$prefix/" ;;
    *) echo "staging root must be file:/path or gs://bucket[/prefix]: $2" >&2; exit 2 ;;
  esac
}
# B's share first, then A's with the truth: A can only start once both are there.
upload "$work/b" "$STAGING_B"
upload "$work/a" "$STAGING_A"
echo "canary $id for $day staged (truth beside A's input)"

if [ "${CANARY_NO_TRIGGER:-}" = 1 ]; then
  exit 0
fi
: "${PRIO_API_URL:?}" "${TOKEN_FILE:?}"
code=$(curl -sS -o "$work/response" -w '%{http_code}' --max-time 60 --retry 3 -X POST \
  -H "Authorization: Bearer $(cat "$TOKEN_FILE")" -H 'Content-Type: application/json' \
  --data "{\"submissionDate\": \"$day\"}" "$PRIO_API_URL/batches/$id")
case "$code" in
  2??) echo "canary $id for $day started on A ($code)" ;;
  *) echo "POST /batches/$id answered $code: $(cat "$work/response")" >&2; exit 1 ;;
esac
