#!/usr/bin/env bash
# Proves a running network (infra/fabric/network.sh up) end to end with the peer CLI alone:
#
#   1. Org1 admin: consortium:initialize            (Org1MSP becomes the governor)
#   2. Org1 admin: consortium:admitMember x2        (the governor admits Org1MSP and Org2MSP)
#   3. Org2 user:  dataset:addDataset               (an admitted member; Org2MSP owns the dataset)
#   4. Org1 user:  dataset:getDataset               (a query, answered by peer0.org1)
#   5. Org1 user:  access:requestAccess             (a pending request on Org2's dataset)
#   6. Org1 user:  access:grantAccess  -> refused with the chaincode error ACCESS.NOT_OWNER
#   7. Org2 user:  access:grantAccess  -> granted (the owner's organisation)
#   8. Org1 user:  a write endorsed by peer0.org1 only -> invalidated (ENDORSEMENT_POLICY_FAILURE):
#                  the committed policy (a MAJORITY of the members; of two, both) really needs both
#
# Meant for the two-organisation network `up` creates by default (FABRIC_ORGS=2).
#
# Every write is sent to BOTH peers for endorsement and waits for its commit event. Identifiers carry a
# run suffix, so the script can run more than once on one network (initialize/admit are skipped when done).
# Usage: FABRIC_BIN=/path/to/bin infra/fabric/smoke.sh     (same FABRIC_DATA_DIR as network.sh)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NETWORK="$SCRIPT_DIR/network.sh"
RUN="$(date +%s)"
FAILURES=0
PASSES=0

step() { printf '\n== %s\n' "$*"; }
pass() { printf 'PASS %s\n' "$*"; PASSES=$((PASSES + 1)); }
fail() { printf 'FAIL %s\n' "$*"; FAILURES=$((FAILURES + 1)); }
# check DESCRIPTION CMD...: PASS when CMD succeeds, FAIL otherwise.
check() {
  local what="$1"
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

# cli ORG ROLE peer-args... : the peer CLI as ROLE of ORG, with the environment `network.sh env` prints.
cli() {
  local org="$1" role="$2"
  shift 2
  (
    eval "$("$NETWORK" env "org$org" "$role" | grep '^export')"
    # info: the CLI then prints "Chaincode invoke successful. result: status:200 payload:..." and the
    # commit status ("txid [...] committed with status (VALID)")
    export FABRIC_LOGGING_SPEC="${SMOKE_LOGGING_SPEC:-info}"
    peer "$@"
  )
}

connection="$(cat "${FABRIC_DATA_DIR:-$SCRIPT_DIR/../../.data/fabric}/connection.json")"
CHANNEL="$(jq -r .channel <<<"$connection")"
CC="$(jq -r .chaincode <<<"$connection")"
ORDERER=(-o "$(jq -r .orderer.endpoint <<<"$connection")" --ordererTLSHostnameOverride
  "$(jq -r .orderer.hostOverride <<<"$connection")" --tls --cafile "$(jq -r .orderer.tlsCACertPath <<<"$connection")")
BOTH_PEERS=()
for i in 0 1; do
  BOTH_PEERS+=(--peerAddresses "$(jq -r ".organizations[$i].peer.endpoint" <<<"$connection")"
    --tlsRootCertFiles "$(jq -r ".organizations[$i].peer.tlsCACertPath" <<<"$connection")")
done
ORG1_PEER_ONLY=("${BOTH_PEERS[@]:0:4}")

# args FN JSON -> the peer CLI's -c value: {"Args":["contract:fn","<JSON string>"]}
args() { jq -cn --arg fn "$1" --arg a "$2" '{Args: [$fn, $a]}'; }

# invoke ORG ROLE FN JSON [peer flags]: submit, endorsed by both peers unless flags say otherwise.
invoke() {
  local org="$1" role="$2" fn="$3" json="$4"
  shift 4
  local -a peers=("${BOTH_PEERS[@]}")
  (($#)) && peers=("$@")
  local t0=$EPOCHREALTIME out rc=0
  out="$(cli "$org" "$role" chaincode invoke "${ORDERER[@]}" -C "$CHANNEL" -n "$CC" "${peers[@]}" \
    --waitForEvent -c "$(args "$fn" "$json")" 2>&1)" || rc=$?
  printf '%s\n' "$out"
  printf '(%s as org%s %s: exit %s, %.2fs)\n' "$fn" "$org" "$role" "$rc" "$(awk -v a="$EPOCHREALTIME" -v b="$t0" 'BEGIN { print a - b }')"
  return $rc
}

query() {
  local org="$1" role="$2" fn="$3" json="$4"
  cli "$org" "$role" chaincode query -C "$CHANNEL" -n "$CC" -c "$(args "$fn" "$json")"
}

pubkey() { openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout; }

step "1. consortium:initialize (Org1 admin)"
if query 1 user consortium:getConsortium '{}' >/dev/null 2>&1; then
  echo "already initialized: $(query 1 user consortium:getConsortium '{}')"
else
  check "initialize" invoke 1 admin consortium:initialize '{"consortiumName":"PHDMF local"}'
fi

step "2. consortium:admitMember by the governor (Org1 admin)"
for org in 1 2; do
  if query 1 user consortium:getMemberByMsp "{\"mspId\":\"Org${org}MSP\"}" >/dev/null 2>&1; then
    echo "Org${org}MSP already admitted"
    continue
  fi
  member="$(jq -cn --arg msp "Org${org}MSP" --arg key "$(pubkey)" --arg n "$org" \
    '{memberId: ("org" + $n), name: ("Institution " + $n), mspId: $msp, nodeId: ("node-org" + $n),
      nodePublicKey: $key, endpoint: ("https://node-org" + $n + ".example.org:8443")}')"
  check "admit Org${org}MSP" invoke 1 admin consortium:admitMember "$member"
done

step "3. dataset:addDataset by an admitted member (Org2 user)"
DATASET="ds-$RUN"
dataset="$(jq -cn --arg id "$DATASET" --arg sha "$(printf 'rows %s' "$RUN" | sha256sum | cut -d' ' -f1)" \
  --arg digest "$(printf 'schema' | sha256sum | cut -d' ' -f1)" \
  '{datasetId: $id, version: 1, fileName: "cohort.csv", sha256: $sha, rowCount: 120, columnCount: 3,
    schemaDigest: $digest, operator: "alice@org2", description: "smoke test cohort",
    name: "Cohort", columns: ["age", "bmi", "sbp"]}')"
check "addDataset $DATASET" invoke 2 user dataset:addDataset "$dataset"

step "4. query dataset:getDataset (Org1 user, peer0.org1)"
if out="$(query 1 user dataset:getDataset "{\"datasetId\":\"$DATASET\"}")" &&
  jq -e --arg id "$DATASET" '.datasetId == $id and .ownerMspId == "Org2MSP"' <<<"$out" >/dev/null; then
  echo "$out"
  pass "getDataset: owner Org2MSP"
else
  echo "$out"
  fail "getDataset"
fi

step "5. access:requestAccess (Org1 user)"
REQUEST="req-$RUN"
request="$(jq -cn --arg id "$REQUEST" --arg ds "$DATASET" --arg exp "$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)" \
  '{requestId: $id, datasetId: $ds, requester: "researcher-1", requesterOrg: "org1",
    purpose: "smoke test", columns: ["age"], statistics: ["count", "mean"], requestedExpiry: $exp}')"
check "requestAccess $REQUEST" invoke 1 user access:requestAccess "$request"

step "6. access:grantAccess submitted by Org1 (not the owner) -> ACCESS.NOT_OWNER"
grant="$(jq -cn --arg id "$REQUEST" '{requestId: $id, operator: "mallory@org1"}')"
if out="$(invoke 1 user access:grantAccess "$grant")"; then
  echo "$out"
  fail "grant by a non-owner organisation was accepted"
else
  echo "$out"
  if grep -q '"code\\\{0,1\}":\\\{0,1\}"ACCESS.NOT_OWNER' <<<"$out"; then
    pass "grant by Org1 refused with ACCESS.NOT_OWNER"
  else
    fail "grant by Org1 refused, but not with ACCESS.NOT_OWNER"
  fi
fi

step "7. access:grantAccess submitted by Org2 (the owner)"
grant="$(jq -cn --arg id "$REQUEST" '{requestId: $id, operator: "bob@org2"}')"
check "grant by Org2" invoke 2 user access:grantAccess "$grant"
if out="$(query 2 user access:getRequest "{\"requestId\":\"$REQUEST\"}")" &&
  jq -e '.status == "granted"' <<<"$out" >/dev/null; then
  pass "request $REQUEST is granted on the ledger"
else
  echo "$out"
  fail "request status"
fi

step "8. a write endorsed by Org1's peer only is invalidated (a majority of two members is both)"
dataset1="$(jq -c --arg id "ds1-$RUN" '.datasetId = $id | .operator = "carol@org1"' <<<"$dataset")"
if out="$(invoke 1 user dataset:addDataset "$dataset1" "${ORG1_PEER_ONLY[@]}")"; then
  echo "$out"
  fail "a single-organisation endorsement was committed as valid"
else
  echo "$out"
  if grep -q 'ENDORSEMENT_POLICY_FAILURE' <<<"$out"; then
    pass "single-organisation endorsement invalidated: ENDORSEMENT_POLICY_FAILURE"
  else
    fail "single-organisation endorsement failed, but not with ENDORSEMENT_POLICY_FAILURE"
  fi
fi

printf '\nsmoke: %d passed, %d failed\n' "$PASSES" "$FAILURES"
((FAILURES == 0))
