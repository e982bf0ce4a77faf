#!/usr/bin/env bash
# A BSS's CreateCustomer with kcat and jq (Debian: apt-get install kcat jq): publish the command on
# customer.commands keyed by the WebID, then read customer.events until its task ends.
#
#   docs/examples/kcat/create-customer.sh [binary|structured] [command-id]
#
# BOOTSTRAP (127.0.0.1:9092), COMMAND (a CreateCustomer CloudEvent; the canonical one by default), TIMEOUT (60 s)
# and KCAT_OPTS (any kcat/librdkafka option, e.g. for a secured cluster:
#   KCAT_OPTS="-X security.protocol=SASL_SSL -X sasl.mechanisms=SCRAM-SHA-512 -X sasl.username=bss
#              -X sasl.password=... -X ssl.ca.location=ca.pem")
# come from the environment. Without a command id it makes one, bss-order-<random>; the task id is the command id.
# Prints the task's events, one JSON line each; exits 0 if the customer is active, 1 if not, 2 if nothing came.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BOOTSTRAP=${BOOTSTRAP:-127.0.0.1:9092}
COMMAND=${COMMAND:-$here/../../../contracts/src/mmp_contracts/examples/create-customer.json}
TIMEOUT=${TIMEOUT:-60}
mode=${1:-binary}
id=${2:-bss-order-$RANDOM$RANDOM}
read -r -a options <<<"${KCAT_OPTS:-}"
kcat=(kcat -b "$BOOTSTRAP" "${options[@]}")
webid=$(jq -r .data.details.webid "$COMMAND")
since=$(($(date +%s%3N) - 1000)) # read customer.events from just before the command (1 s for clock skew)

case $mode in
binary) # the attributes as ce_* headers, the data as the value, content-type its media type
  jq -c .data "$COMMAND" | "${kcat[@]}" -P -t customer.commands -k "$webid" \
    -H ce_specversion=1.0 -H "ce_id=$id" -H "ce_source=$(jq -r .source "$COMMAND")" \
    -H ce_type=CreateCustomer -H "ce_dataschema=$(jq -r .dataschema "$COMMAND")" \
    -H "content-type=$(jq -r '.datacontenttype // "application/json"' "$COMMAND")"
  ;;
structured) # the whole event as the value
  jq -c --arg id "$id" '.id = $id | del(.time)' "$COMMAND" |
    "${kcat[@]}" -P -t customer.commands -k "$webid" -H content-type=application/cloudevents+json
  ;;
*)
  echo "mode: binary or structured, not $mode" >&2
  exit 64
  ;;
esac
echo "sent CreateCustomer $id ($mode mode), task $id" >&2

deadline=$((SECONDS + TIMEOUT))
while :; do
  # -o s@<ms>: from that time on; -e: stop at the end of each partition
  events=$("${kcat[@]}" -C -t customer.events -o "s@$since" -e -q -f '%s\n' |
    jq -c --arg task "$id" 'select(.correlationid == $task)')
  if grep -qE '"type":"Task(Completed|Failed)"' <<<"$events"; then
    break
  fi
  if ((SECONDS >= deadline)); then
    echo "no outcome within $TIMEOUT s: GET /api/v1/tasks/$id tells" >&2
    exit 2
  fi
  sleep 1
done
echo "$events"
grep -q '"type":"CustomerActivated"' <<<"$events"
