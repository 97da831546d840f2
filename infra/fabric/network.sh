#!/usr/bin/env bash
# PHDMF local Hyperledger Fabric network, run natively from installed Fabric binaries.
#
#   infra/fabric/network.sh up [--fresh]   start the network (first time: create it and deploy the chaincode)
#   infra/fabric/network.sh down [--purge] stop the processes this script started (--purge: delete the state)
#   infra/fabric/network.sh status         what runs, what answers, chain height, committed chaincode
#   infra/fabric/network.sh start NAME     one process of the network that stopped (orderer2, peer0.org1…), as up starts it
#   infra/fabric/network.sh env ORG [ROLE] print `export` lines for the peer CLI as orgN, admin|user
#   infra/fabric/network.sh org ...        a member organisation joins or leaves the channel (below)
#   infra/fabric/network.sh channel ...    channel configuration updates: sign, submit
#
# Topology: one Raft orderer (OrdererMSP) joined to the channel through the channel participation API
# (no system channel), FABRIC_ORGS organisations (Org1MSP, Org2MSP, ...) with one peer each, channel
# `phdmf`, the PHDMF chaincode run as a service (fabric-chaincode-node server) behind our external builder
# (builders/ccaas), endorsed by a MAJORITY of the channel's member organisations (the channel's
# /Channel/Application/Endorsement policy: it follows the membership). Everything listens on 127.0.0.1.
#
# Growing the consortium (see infra/fabric/README.md, "Admitting and removing an organisation"):
#   org init N [--msp-id ID]   the new institution: its organisation's MSP and peer material (orgN)
#   org propose-add N          an existing member: the channel config update adding orgN -> FILE
#   channel sign FILE ORG      each member's admin signs FILE with its own admin identity
#   channel submit FILE ORG    one member's admin submits it to the ordering service
#   org join N                 the new institution: starts its peer, joins the channel, installs and
#                              approves the chaincode; connection.json then lists it
#   org propose-remove N       the reverse (sign and submit as above), then `org leave N`
#
# Binaries: peer, orderer, osnadmin, configtxgen, cryptogen (discover optional) from $FABRIC_BIN or PATH,
# Fabric >= 2.4. State, logs, PID files and connection.json live under $FABRIC_DATA_DIR
# (default <repo>/.data/fabric).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

# ---------------------------------------------------------------------------------------------------
# Settings (environment overridable). `up` records them in $DATA_DIR/network.env; later commands on the
# same data dir read them back from there, so `status`/`down` never disagree with what `up` started.
# ---------------------------------------------------------------------------------------------------
DATA_DIR="${FABRIC_DATA_DIR:-$REPO_ROOT/.data/fabric}"
DATA_DIR="$(realpath -m "$DATA_DIR")"
SETTINGS_FILE="$DATA_DIR/network.env"

load_settings() {
  if [[ -f "$SETTINGS_FILE" ]]; then
    # shellcheck disable=SC1090
    source "$SETTINGS_FILE"
  fi
  : "${FABRIC_DOMAIN:=phdmf.local}"
  : "${FABRIC_CHANNEL:=phdmf}"
  : "${FABRIC_CHAINCODE_NAME:=phdmf}"
  : "${FABRIC_CHAINCODE_VERSION:=1.0}"
  : "${FABRIC_CHAINCODE_SEQUENCE:=1}"
  : "${FABRIC_CHAINCODE_TLS:=true}"
  # A channel policy path (/Channel/...) or a signature policy (AND('Org1MSP.peer', ...)).
  : "${FABRIC_ENDORSEMENT_POLICY:=/Channel/Application/Endorsement}"
  : "${FABRIC_BATCH_TIMEOUT:=250ms}"
  : "${FABRIC_ORDERER_PORT:=7050}"
  : "${FABRIC_ORDERER_ADMIN_PORT:=7053}"
  : "${FABRIC_ORDERER_OPS_PORT:=9443}"
  # raft: one Raft orderer (OrdererMSP). bft: SmartBFT (Fabric >= 3.0), four orderers, each of its own
  # organisation (Orderer1MSP..Orderer4MSP: one per institution), tolerating one faulty.
  : "${FABRIC_CONSENSUS:=raft}"
  if [[ "$FABRIC_CONSENSUS" == bft ]]; then FABRIC_ORDERER_COUNT=4; else FABRIC_ORDERER_COUNT=1; fi
  local i
  for ((i = 2; i <= FABRIC_ORDERER_COUNT; i++)); do orderer_defaults "$i"; done
  : "${FABRIC_ORGS:=2}"
  # The organisations this data dir knows, by number: the founding ones, then each `org init`.
  : "${FABRIC_ORG_LIST:=$(seq -s ' ' 1 "$FABRIC_ORGS")}"
  local n
  for n in $FABRIC_ORG_LIST; do org_defaults "$n"; done
  : "${FABRIC_CHAINCODE_PORT:=9999}"
  : "${FABRIC_READY_TIMEOUT:=120}"
  : "${FABRIC_LOGGING_SPEC:=info}"
}

# orderer_defaults I (I >= 2; orderer 1 is FABRIC_ORDERER_*): its ports unless set.
orderer_defaults() {
  local i="$1" v
  v="FABRIC_ORDERER${i}_PORT"; printf -v "$v" '%s' "${!v:-$((7050 + 1000 * (i - 1)))}"
  v="FABRIC_ORDERER${i}_ADMIN_PORT"; printf -v "$v" '%s' "${!v:-$((7053 + 1000 * (i - 1)))}"
  v="FABRIC_ORDERER${i}_OPS_PORT"; printf -v "$v" '%s' "${!v:-$((9433 + 10 * i))}"
}

# org_defaults N: organisation N's MSP id and ports unless set (Fabric's usual 7051, 9051, 11051, ...).
org_defaults() {
  local n="$1" v
  v="FABRIC_ORG${n}_MSP_ID"; printf -v "$v" '%s' "${!v:-Org${n}MSP}"
  v="FABRIC_ORG${n}_PEER_PORT"; printf -v "$v" '%s' "${!v:-$((7051 + 2000 * (n - 1)))}"
  v="FABRIC_ORG${n}_CHAINCODE_LISTEN_PORT"; printf -v "$v" '%s' "${!v:-$((7052 + 2000 * (n - 1)))}"
  v="FABRIC_ORG${n}_OPS_PORT"; printf -v "$v" '%s' "${!v:-$((9443 + n))}"
}

SETTING_NAMES=(FABRIC_DOMAIN FABRIC_CHANNEL FABRIC_CHAINCODE_NAME FABRIC_CHAINCODE_VERSION
  FABRIC_CHAINCODE_SEQUENCE FABRIC_CHAINCODE_TLS FABRIC_ENDORSEMENT_POLICY FABRIC_BATCH_TIMEOUT
  FABRIC_ORDERER_PORT FABRIC_ORDERER_ADMIN_PORT FABRIC_ORDERER_OPS_PORT
  FABRIC_CHAINCODE_PORT FABRIC_ORGS FABRIC_ORG_LIST FABRIC_CONSENSUS)

save_settings() {
  local name n
  {
    echo "# written by infra/fabric/network.sh up; read back by status/down/up on this data dir"
    for name in "${SETTING_NAMES[@]}"; do
      printf '%s=%q\n' "$name" "${!name}"
    done
    for ((n = 2; n <= FABRIC_ORDERER_COUNT; n++)); do
      for name in PORT ADMIN_PORT OPS_PORT; do
        name="FABRIC_ORDERER${n}_$name"
        printf '%s=%q\n' "$name" "${!name}"
      done
    done
    for n in $FABRIC_ORG_LIST; do
      for name in MSP_ID PEER_PORT CHAINCODE_LISTEN_PORT OPS_PORT; do
        name="FABRIC_ORG${n}_$name"
        printf '%s=%q\n' "$name" "${!name}"
      done
    done
    # where `up` found the binaries: status/env/a later up use them when FABRIC_BIN is not set
    printf 'FABRIC_BIN_USED=%q\n' "$(dirname "$BIN_PEER")"
  } >"$SETTINGS_FILE"
}

derive_paths() {
  CRYPTO="$DATA_DIR/crypto"
  CONFIG_DIR="$DATA_DIR/config"
  LOG_DIR="$DATA_DIR/logs"
  PID_DIR="$DATA_DIR/pids"
  ARTIFACTS="$DATA_DIR/artifacts"
  DEPLOYED_MARK="$DATA_DIR/deployed"
  # Orderer 1: where the peer CLI and connection.json send transactions.
  ORDERER_HOST="$(orderer_host 1)"
  ORDERER_DIR="$(orderer_dir 1)"
  ORDERER_TLS_CA="$ORDERER_DIR/tls/ca.crt"
  CC_TLS_ORG_DIR="$CRYPTO/peerOrganizations/chaincode.$FABRIC_DOMAIN"
  CHAINCODE_DIR="$REPO_ROOT/chaincode"
  # what the peer CLI needs for the transactions it sends to the ordering service
  ORDERER_FLAGS=(-o "127.0.0.1:$FABRIC_ORDERER_PORT" --ordererTLSHostnameOverride "$ORDERER_HOST"
    --tls --cafile "$ORDERER_TLS_CA")
  UPDATES_DIR="$DATA_DIR/updates"
  if [[ "$FABRIC_ENDORSEMENT_POLICY" == /Channel/* ]]; then
    CC_POLICY_FLAGS=(--channel-config-policy "$FABRIC_ENDORSEMENT_POLICY")
  else
    CC_POLICY_FLAGS=(--signature-policy "$FABRIC_ENDORSEMENT_POLICY")
  fi
}

# Per-orderer values (I = 1..FABRIC_ORDERER_COUNT). Raft keeps its single orderer's historical names.
orderer_ids() { seq -s ' ' 1 "$FABRIC_ORDERER_COUNT"; }
orderer_name() { if [[ "$FABRIC_CONSENSUS" == bft ]]; then echo "orderer$1"; else echo orderer; fi; }
orderer_port() { if (($1 == 1)); then local v="FABRIC_ORDERER_$2"; else local v="FABRIC_ORDERER$1_$2"; fi; echo "${!v}"; }
orderer_domain() { if [[ "$FABRIC_CONSENSUS" == bft ]]; then echo "ord$1.$FABRIC_DOMAIN"; else echo "$FABRIC_DOMAIN"; fi; }
orderer_msp() { if [[ "$FABRIC_CONSENSUS" == bft ]]; then echo "Orderer$1MSP"; else echo OrdererMSP; fi; }
orderer_host() { echo "orderer.$(orderer_domain "$1")"; }
orderer_org_dir() { echo "$CRYPTO/ordererOrganizations/$(orderer_domain "$1")"; }
orderer_dir() { echo "$(orderer_org_dir "$1")/orderers/$(orderer_host "$1")"; }
orderer_admin_dir() { echo "$(orderer_org_dir "$1")/users/Admin@$(orderer_domain "$1")"; }

# Per-organisation values: org_port 1 PEER_PORT -> $FABRIC_ORG1_PEER_PORT, and the crypto paths.
org_domain() { echo "org$1.$FABRIC_DOMAIN"; }
org_msp() { local v="FABRIC_ORG$1_MSP_ID"; echo "${!v}"; }
# An organisation's peer is part of the network once it joined the channel (founding ones: at create).
org_joined() { [[ -f "$DATA_DIR/peer0.org$1/joined" ]]; }
joined_orgs() { local n; for n in $FABRIC_ORG_LIST; do if org_joined "$n"; then printf '%s ' "$n"; fi; done; }
founding_orgs() { seq -s ' ' 1 "$FABRIC_ORGS"; }
org_peer_host() { echo "peer0.$(org_domain "$1")"; }
org_port() { local v="FABRIC_ORG$1_$2"; echo "${!v}"; }
org_dir() { echo "$CRYPTO/peerOrganizations/$(org_domain "$1")"; }
org_peer_dir() { echo "$(org_dir "$1")/peers/$(org_peer_host "$1")"; }
org_peer_tls_ca() { echo "$(org_peer_dir "$1")/tls/ca.crt"; }
org_user_name() { if [[ "$2" == admin ]]; then echo "Admin@$(org_domain "$1")"; else echo "User1@$(org_domain "$1")"; fi; }
org_user_msp() { echo "$(org_dir "$1")/users/$(org_user_name "$1" "$2")/msp"; }

log() { printf '[fabric %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[fabric] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------------
# Preflight: binaries, versions, Node chaincode runtime, free ports.
# ---------------------------------------------------------------------------------------------------
REQUIRED_BINARIES=(peer orderer osnadmin configtxgen cryptogen)
MIN_MAJOR=2
MIN_MINOR=4

find_binaries() {
  local missing=() b
  BIN_DIR=""
  if [[ -n "${FABRIC_BIN:-}" ]]; then
    [[ -d "$FABRIC_BIN" ]] || die "FABRIC_BIN=$FABRIC_BIN is not a directory"
    BIN_DIR="$(cd "$FABRIC_BIN" && pwd)"
  elif [[ -n "${FABRIC_BIN_USED:-}" && -d "$FABRIC_BIN_USED" ]]; then
    BIN_DIR="$FABRIC_BIN_USED"
  fi
  for b in "${REQUIRED_BINARIES[@]}" discover; do
    local path=""
    if [[ -n "$BIN_DIR" && -x "$BIN_DIR/$b" ]]; then
      path="$BIN_DIR/$b"
    elif path="$(command -v "$b" 2>/dev/null)"; then
      :
    else
      path=""
    fi
    if [[ -z "$path" ]]; then
      [[ "$b" == discover ]] || missing+=("$b")
      continue
    fi
    printf -v "BIN_${b^^}" '%s' "$path"
  done
  if ((${#missing[@]})); then
    {
      echo "[fabric] Missing Hyperledger Fabric binaries: ${missing[*]}"
      echo "[fabric] Looked in: ${BIN_DIR:+$BIN_DIR, }PATH"
      echo "[fabric] Needed: ${REQUIRED_BINARIES[*]} (Fabric >= $MIN_MAJOR.$MIN_MINOR; discover optional)."
      echo "[fabric] Put them on PATH or set FABRIC_BIN to the directory holding them."
    } >&2
    exit 2
  fi
  BIN_DISCOVER="${BIN_DISCOVER:-}"
}

check_versions() {
  local b out ver
  for b in peer orderer; do
    local var="BIN_${b^^}"
    out="$("${!var}" version 2>&1)" || die "'${!var} version' failed: $out"
    ver="$(sed -n 's/^ *Version: *v\{0,1\}\([0-9][0-9.]*\).*/\1/p' <<<"$out" | head -1)"
    [[ -n "$ver" ]] || die "cannot read the version of ${!var}: $out"
    local major="${ver%%.*}" rest="${ver#*.}"
    local minor="${rest%%.*}"
    if ((major < MIN_MAJOR || (major == MIN_MAJOR && minor < MIN_MINOR))); then
      {
        echo "[fabric] ${!var} is Fabric $ver; Fabric >= $MIN_MAJOR.$MIN_MINOR is required"
        echo "[fabric] (the gateway service the ledger service's client uses arrived in 2.4)."
      } >&2
      exit 2
    fi
    printf -v "VERSION_${b^^}" '%s' "$ver"
  done
}

check_node_runtime() {
  command -v node >/dev/null 2>&1 || die "node is not on PATH (the chaincode server is a Node.js process)"
  SHIM_CLI="$(cd "$CHAINCODE_DIR" && node -p "require.resolve('fabric-shim/cli.js')" 2>/dev/null)" ||
    die "fabric-shim is not installed for $CHAINCODE_DIR: run 'npm ci' at the repository root"
}

# Rebuilds chaincode/dist when it is missing or older than chaincode/src.
build_chaincode_if_stale() {
  local dist="$CHAINCODE_DIR/dist/index.js"
  if [[ -f "$dist" ]] && [[ -z "$(find "$CHAINCODE_DIR/src" -newer "$dist" -type f -print -quit)" ]]; then
    return 0
  fi
  log "building the chaincode (npm run build -w @phdmf/chaincode)"
  (cd "$REPO_ROOT" && npm run build -w @phdmf/chaincode >"$LOG_DIR/chaincode-build.log" 2>&1) ||
    die "chaincode build failed, see $LOG_DIR/chaincode-build.log"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

check_ports_free() {
  local busy=() name names=(FABRIC_ORDERER_PORT FABRIC_ORDERER_ADMIN_PORT FABRIC_ORDERER_OPS_PORT FABRIC_CHAINCODE_PORT) n
  for ((n = 2; n <= FABRIC_ORDERER_COUNT; n++)); do
    names+=("FABRIC_ORDERER${n}_PORT" "FABRIC_ORDERER${n}_ADMIN_PORT" "FABRIC_ORDERER${n}_OPS_PORT")
  done
  for n in "$@"; do
    names+=("FABRIC_ORG${n}_PEER_PORT" "FABRIC_ORG${n}_CHAINCODE_LISTEN_PORT" "FABRIC_ORG${n}_OPS_PORT")
  done
  for name in "${names[@]}"; do
    if port_in_use "${!name}"; then busy+=("$name=${!name}"); fi
  done
  if ((${#busy[@]})); then
    die "ports already in use on 127.0.0.1: ${busy[*]} (override them with these variables)"
  fi
}

check_org_ports_free() {
  local busy=() name n="$1"
  for name in "FABRIC_ORG${n}_PEER_PORT" "FABRIC_ORG${n}_CHAINCODE_LISTEN_PORT" "FABRIC_ORG${n}_OPS_PORT"; do
    if port_in_use "${!name}"; then busy+=("$name=${!name}"); fi
  done
  ((${#busy[@]} == 0)) || die "ports already in use on 127.0.0.1: ${busy[*]} (override them with these variables)"
}

# ---------------------------------------------------------------------------------------------------
# Processes: started detached (own session), with a clean environment, PID files under $PID_DIR.
# ---------------------------------------------------------------------------------------------------
# pid_alive NAME -> 0 when the PID file's process still runs the command recorded beside it.
pid_alive() {
  local pidfile="$PID_DIR/$1.pid" pid expect
  [[ -f "$pidfile" ]] || return 1
  pid="$(head -1 "$pidfile")"
  expect="$(sed -n 2p "$pidfile")"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$expect"
}

# start_process NAME MARKER CMD... ; MARKER is a string of the command line used to recognise the PID
# later (guards against a recycled PID). The environment is only what CMD is given explicitly.
start_process() {
  local name="$1" marker="$2"
  shift 2
  if pid_alive "$name"; then die "$name is already running (pid $(head -1 "$PID_DIR/$name.pid"))"; fi
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  local pid=$!
  printf '%s\n%s\n' "$pid" "$marker" >"$PID_DIR/$name.pid"
  log "started $name (pid $pid, log $LOG_DIR/$name.log)"
}

stop_process() {
  local name="$1" pidfile="$PID_DIR/$1.pid" pid i
  [[ -f "$pidfile" ]] || return 0
  pid="$(head -1 "$pidfile")"
  if pid_alive "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      pid_alive "$name" || break
      sleep 0.1
    done
    if pid_alive "$name"; then
      log "$name (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$pidfile"
}

# chaincode first, orderer last; the peers of every organisation this data dir knows in between.
process_names() {
  local n names=(chaincode)
  for n in $FABRIC_ORG_LIST; do names+=("peer0.org$n"); done
  for n in $(orderer_ids); do names+=("$(orderer_name "$n")"); done
  echo "${names[@]}"
}

# wait_for DESCRIPTION PROCESS-NAME-OR-"" CMD... : polls CMD (every 0.5 s) until it succeeds, the watched
# process dies, or FABRIC_READY_TIMEOUT passes.
wait_for() {
  local what="$1" proc="$2"
  shift 2
  local start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if [[ -n "$proc" ]] && ! pid_alive "$proc"; then
      tail -n 30 "$LOG_DIR/$proc.log" >&2 || true
      die "$proc exited while waiting for: $what"
    fi
    if ((SECONDS - start >= FABRIC_READY_TIMEOUT)); then
      [[ -n "$proc" ]] && tail -n 30 "$LOG_DIR/$proc.log" >&2
      die "timed out after ${FABRIC_READY_TIMEOUT}s waiting for: $what"
    fi
    sleep 0.5
  done
  log "ready: $what ($((SECONDS - start))s)"
}

# retry DESCRIPTION CMD... : for operations that may be refused while the ordering service elects its
# Raft leader or a peer catches up; retries until success or timeout, then shows the last error.
retry() {
  local what="$1"
  shift
  local start=$SECONDS out
  while ! out="$("$@" 2>&1)"; do
    if ((SECONDS - start >= FABRIC_READY_TIMEOUT)); then
      printf '%s\n' "$out" >&2
      die "gave up after ${FABRIC_READY_TIMEOUT}s: $what"
    fi
    sleep 1
  done
  log "done: $what ($((SECONDS - start))s)"
}

http_ok() { curl -fsS --max-time 2 "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------------------------------------------
# Fabric CLI environments
# ---------------------------------------------------------------------------------------------------
# peer_env ORG ROLE: the environment the peer CLI needs to act as ROLE (admin|user) of ORG (a number) against
# that organisation's peer. Printed by `network.sh env`, used by as_org below.
peer_env() {
  local org="$1" role="$2"
  cat <<EOF
FABRIC_CFG_PATH=$CONFIG_DIR/peer0.org$org
CORE_PEER_LOCALMSPID=$(org_msp "$org")
CORE_PEER_MSPCONFIGPATH=$(org_user_msp "$org" "$role")
CORE_PEER_ADDRESS=127.0.0.1:$(org_port "$org" PEER_PORT)
CORE_PEER_TLS_ENABLED=true
CORE_PEER_TLS_ROOTCERT_FILE=$(org_peer_tls_ca "$org")
EOF
}

# as_org ORG ROLE CMD...: runs CMD (peer CLI) with only that environment plus PATH/HOME.
as_org() {
  local org="$1" role="$2"
  shift 2
  local -a vars
  mapfile -t vars < <(peer_env "$org" "$role")
  env -i PATH="$PATH" HOME="${HOME:-/tmp}" FABRIC_LOGGING_SPEC=warning "${vars[@]}" "$@"
}

# osnadmin_cmd I ARGS...: the channel participation API of orderer I, as its organisation's admin (TLS client cert).
osnadmin_cmd() {
  local i="$1" admin
  shift
  admin="$(orderer_admin_dir "$i")"
  "$BIN_OSNADMIN" "$@" -o "127.0.0.1:$(orderer_port "$i" ADMIN_PORT)" --ca-file "$(orderer_dir "$i")/tls/ca.crt" \
    --client-cert "$admin/tls/client.crt" --client-key "$admin/tls/client.key"
}


# ---------------------------------------------------------------------------------------------------
# Creating the network (first `up`, or `up --fresh`)
# ---------------------------------------------------------------------------------------------------
render() { # render TEMPLATE OUTPUT KEY=VALUE...
  local template="$1" output="$2"
  shift 2
  # Bash >= 5.2 would read '&' in a replacement as the matched text (configtx.yaml's &Org1 anchors).
  shopt -u patsub_replacement 2>/dev/null || true
  local content kv
  content="$(<"$template")"
  for kv in "$@"; do
    content="${content//\{\{${kv%%=*}\}\}/${kv#*=}}"
  done
  if grep -q '{{[A-Z_0-9]*}}' <<<"$content"; then
    die "unrendered placeholder in $output: $(grep -o '{{[A-Z_0-9]*}}' <<<"$content" | sort -u | tr '\n' ' ')"
  fi
  printf '%s\n' "$content" >"$output"
}

generate_crypto_and_config() {
  mkdir -p "$CONFIG_DIR" "$ARTIFACTS"
  local n peer_orgs="" orderer_orgs=""
  for n in $(founding_orgs); do peer_orgs+="$(crypto_config_org "$n")"$'\n'; done
  for n in $(orderer_ids); do orderer_orgs+="$(crypto_config_orderer_org "$n")"$'\n'; done
  render "$SCRIPT_DIR/config/crypto-config.yaml.tmpl" "$CONFIG_DIR/crypto-config.yaml" DOMAIN="$FABRIC_DOMAIN" \
    PEER_ORGS="$peer_orgs" ORDERER_ORGS="$orderer_orgs"
  "$BIN_CRYPTOGEN" generate --config "$CONFIG_DIR/crypto-config.yaml" --output "$CRYPTO" >"$LOG_DIR/cryptogen.log" 2>&1 ||
    die "cryptogen failed: $(cat "$LOG_DIR/cryptogen.log")"
  log "crypto material generated in $CRYPTO"

  local orgs="" members="" orderer_orgs="" orderer_members="" capability=V2_0
  for n in $(founding_orgs); do
    orgs+="$(configtx_org "$n")"$'\n'
    members+="        - *Org$n"$'\n'
  done
  for n in $(orderer_ids); do
    orderer_orgs+="$(orderer_org_configtx "$n")"$'\n'
    orderer_members+="        - *OrdererOrg$n"$'\n'
  done
  # SmartBFT needs the V3_0 channel capability (every peer and orderer at Fabric >= 3.0).
  [[ "$FABRIC_CONSENSUS" == bft ]] && capability=V3_0
  render "$SCRIPT_DIR/config/configtx.yaml.tmpl" "$CONFIG_DIR/configtx.yaml" \
    DOMAIN="$FABRIC_DOMAIN" CRYPTO="$CRYPTO" ORDERER_ORGANIZATIONS="$orderer_orgs" ORDERER_MEMBERS="$orderer_members" \
    ORDERER_CONSENSUS="$(orderer_consensus_configtx)" CHANNEL_CAPABILITY="$capability" \
    PEER_ORGANIZATIONS="$orgs" APPLICATION_MEMBERS="$members" BATCH_TIMEOUT="$FABRIC_BATCH_TIMEOUT"
  env -i PATH="$PATH" HOME="${HOME:-/tmp}" FABRIC_CFG_PATH="$CONFIG_DIR" \
    "$BIN_CONFIGTXGEN" -profile PhdmfChannel -channelID "$FABRIC_CHANNEL" \
    -outputBlock "$ARTIFACTS/$FABRIC_CHANNEL.block" >"$LOG_DIR/configtxgen.log" 2>&1 ||
    die "configtxgen failed: $(tail -5 "$LOG_DIR/configtxgen.log")"
  log "channel genesis block: $ARTIFACTS/$FABRIC_CHANNEL.block"
}

# One organisation's entry in cryptogen's PeerOrgs (one peer, one client user; NodeOUs on).
crypto_config_org() {
  cat <<EOF
  - Name: Org$1
    Domain: $(org_domain "$1")
    EnableNodeOUs: true
    Template:
      Count: 1
      SANS:
        - localhost
        - 127.0.0.1
    Users:
      Count: 1
EOF
}

# One orderer organisation's entry in cryptogen's OrdererOrgs (one orderer node, its admin).
crypto_config_orderer_org() {
  cat <<EOF
  - Name: OrdererOrg$1
    Domain: $(orderer_domain "$1")
    EnableNodeOUs: true
    Specs:
      - Hostname: orderer
        SANS:
          - localhost
          - 127.0.0.1
EOF
}

orderer_org_configtx() {
  local msp
  msp="$(orderer_msp "$1")"
  cat <<EOF
  - &OrdererOrg$1
    Name: $msp
    ID: $msp
    MSPDir: $(orderer_org_dir "$1")/msp
    Policies:
      Readers:
        Type: Signature
        Rule: "OR('$msp.member')"
      Writers:
        Type: Signature
        Rule: "OR('$msp.member')"
      Admins:
        Type: Signature
        Rule: "OR('$msp.admin')"
    OrdererEndpoints:
      - 127.0.0.1:$(orderer_port "$1" PORT)
EOF
}

# The consensus part of configtx.yaml's Orderer section. Raft: one consenter. SmartBFT: the four
# consenters with their identities; timeouts short enough that a stopped leader is replaced in seconds.
orderer_consensus_configtx() {
  local i
  if [[ "$FABRIC_CONSENSUS" == bft ]]; then
    cat <<EOF
  OrdererType: BFT
  SmartBFT:
    RequestBatchMaxCount: 500
    RequestBatchMaxInterval: $FABRIC_BATCH_TIMEOUT
    RequestForwardTimeout: 2s
    RequestComplainTimeout: 20s
    RequestAutoRemoveTimeout: 3m
    ViewChangeResendInterval: 5s
    ViewChangeTimeout: 20s
    LeaderHeartbeatTimeout: 10s
    LeaderHeartbeatCount: 10
    CollectTimeout: 1s
    IncomingMessageBufferSize: 200
    RequestPoolSize: 100000
  ConsenterMapping:
EOF
    for i in $(orderer_ids); do
      cat <<EOF
    - ID: $i
      Host: 127.0.0.1
      Port: $(orderer_port "$i" PORT)
      MSPID: $(orderer_msp "$i")
      Identity: $(orderer_dir "$i")/msp/signcerts/$(orderer_host "$i")-cert.pem
      ClientTLSCert: $(orderer_dir "$i")/tls/server.crt
      ServerTLSCert: $(orderer_dir "$i")/tls/server.crt
EOF
    done
  else
    cat <<EOF
  OrdererType: etcdraft
  Addresses: []
  EtcdRaft:
    Consenters:
      - Host: 127.0.0.1
        Port: $(orderer_port 1 PORT)
        ClientTLSCert: $(orderer_dir 1)/tls/server.crt
        ServerTLSCert: $(orderer_dir 1)/tls/server.crt
    Options:
      TickInterval: 500ms
      ElectionTick: 10
      HeartbeatTick: 1
      MaxInflightBlocks: 5
      SnapshotIntervalSize: 16 MB
EOF
  fi
}

# One organisation's entry in configtx.yaml's Organizations (`org propose-add` gives a joining one the
# same policies, through channel-config.mjs). Anchor peers are in it, so gossip between organisations
# (and therefore service discovery of the others' endorsers) needs no separate anchor-peer update.
configtx_org() {
  local msp
  msp="$(org_msp "$1")"
  cat <<EOF
  - &Org$1
    Name: $msp
    ID: $msp
    MSPDir: $(org_dir "$1")/msp
    Policies:
      Readers:
        Type: Signature
        Rule: "OR('$msp.admin', '$msp.peer', '$msp.client')"
      Writers:
        Type: Signature
        Rule: "OR('$msp.admin', '$msp.client')"
      Admins:
        Type: Signature
        Rule: "OR('$msp.admin')"
      Endorsement:
        Type: Signature
        Rule: "OR('$msp.peer')"
    AnchorPeers:
      - Host: 127.0.0.1
        Port: $(org_port "$1" PEER_PORT)
EOF
}

render_node_configs() {
  local i name
  for i in $(orderer_ids); do
    name="$(orderer_name "$i")"
    mkdir -p "$CONFIG_DIR/$name" "$DATA_DIR/$name"
    render "$SCRIPT_DIR/config/orderer.yaml.tmpl" "$CONFIG_DIR/$name/orderer.yaml" \
      ORDERER_DIR="$(orderer_dir "$i")" ORDERER_MSP="$(orderer_msp "$i")" STATE_DIR="$DATA_DIR/$name" \
      ORDERER_PORT="$(orderer_port "$i" PORT)" ORDERER_ADMIN_PORT="$(orderer_port "$i" ADMIN_PORT)" \
      ORDERER_OPS_PORT="$(orderer_port "$i" OPS_PORT)"
  done
  local org
  for org in $(founding_orgs); do render_peer_config "$org"; done
}

render_peer_config() {
  local org="$1"
  mkdir -p "$CONFIG_DIR/peer0.org$org" "$DATA_DIR/peer0.org$org"
  render "$SCRIPT_DIR/config/core.yaml.tmpl" "$CONFIG_DIR/peer0.org$org/core.yaml" \
    PEER_HOST="$(org_peer_host $org)" MSP_ID="$(org_msp $org)" PEER_DIR="$(org_peer_dir $org)" \
    STATE_DIR="$DATA_DIR/peer0.org$org" PEER_PORT="$(org_port $org PEER_PORT)" \
    PEER_CC_PORT="$(org_port $org CHAINCODE_LISTEN_PORT)" PEER_OPS_PORT="$(org_port $org OPS_PORT)" \
    BUILDER_DIR="$SCRIPT_DIR/builders/ccaas"
}

# The chaincode-as-a-service package: metadata.json (type ccaas) + code.tar.gz holding connection.json.
# Built reproducibly (sorted, fixed mtime/owner, gzip -n), so the same settings give the same package id.
package_chaincode() {
  local work="$ARTIFACTS/ccpkg" label="${FABRIC_CHAINCODE_NAME}_${FABRIC_CHAINCODE_VERSION}"
  rm -rf "$work"
  mkdir -p "$work/src"
  if [[ "$FABRIC_CHAINCODE_TLS" == true ]]; then
    local server="$CC_TLS_ORG_DIR/peers/phdmf.chaincode.$FABRIC_DOMAIN/tls"
    local client="$CC_TLS_ORG_DIR/users/User1@chaincode.$FABRIC_DOMAIN/tls"
    jq -n --arg address "127.0.0.1:$FABRIC_CHAINCODE_PORT" \
      --rawfile root "$server/ca.crt" --rawfile cert "$client/client.crt" --rawfile key "$client/client.key" \
      '{address: $address, dial_timeout: "10s", tls_required: true, client_auth_required: true,
        client_cert: $cert, client_key: $key, root_cert: $root}' >"$work/src/connection.json"
  else
    jq -n --arg address "127.0.0.1:$FABRIC_CHAINCODE_PORT" \
      '{address: $address, dial_timeout: "10s", tls_required: false}' >"$work/src/connection.json"
  fi
  jq -n --arg lbl "$label" '{type: "ccaas", label: $lbl}' >"$work/metadata.json"
  local tarflags=(--sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner)
  tar "${tarflags[@]}" -C "$work/src" -cf - connection.json | gzip -n >"$work/code.tar.gz"
  tar "${tarflags[@]}" -C "$work" -cf - metadata.json code.tar.gz | gzip -n >"$ARTIFACTS/$label.tar.gz"
  CC_PACKAGE="$ARTIFACTS/$label.tar.gz"
  CC_PACKAGE_ID="$(as_org 1 admin "$BIN_PEER" lifecycle chaincode calculatepackageid "$CC_PACKAGE")"
  echo "$CC_PACKAGE_ID" >"$ARTIFACTS/package-id"
  log "chaincode package $CC_PACKAGE (id $CC_PACKAGE_ID)"
}

channel_active_on_orderer() { # channel_active_on_orderer I
  osnadmin_cmd "$1" channel list --channelID "$FABRIC_CHANNEL" 2>/dev/null |
    grep -q '"status": *"active"'
}

# The single Raft node must have elected itself leader before it accepts transactions (after a restart
# that takes a few election ticks); the orderer's Prometheus metrics on the operations endpoint say so.
raft_leader_elected() {
  curl -fsS --max-time 2 "http://127.0.0.1:$FABRIC_ORDERER_OPS_PORT/metrics" |
    grep -q "^consensus_etcdraft_is_leader{channel=\"$FABRIC_CHANNEL\"} 1"
}

peer_joined() { as_org "$1" admin "$BIN_PEER" channel getinfo -c "$FABRIC_CHANNEL"; }

approved_by_all() {
  local out
  out="$(as_org 1 admin "$BIN_PEER" lifecycle chaincode checkcommitreadiness -C "$FABRIC_CHANNEL" \
    -n "$FABRIC_CHAINCODE_NAME" -v "$FABRIC_CHAINCODE_VERSION" --sequence "$FABRIC_CHAINCODE_SEQUENCE" \
    "${CC_POLICY_FLAGS[@]}" --output json)" || return 1
  jq -e '.approvals | to_entries | all(.value == true)' <<<"$out" >/dev/null
}

committed_on() {
  as_org "$1" admin "$BIN_PEER" lifecycle chaincode querycommitted -C "$FABRIC_CHANNEL" \
    -n "$FABRIC_CHAINCODE_NAME" --output json |
    jq -e --arg v "$FABRIC_CHAINCODE_VERSION" --argjson s "$FABRIC_CHAINCODE_SEQUENCE" \
      '.version == $v and .sequence == $s' >/dev/null
}

# The contract runtime's own metadata transaction: answers once the peer reaches the chaincode server.
chaincode_answers_on() {
  as_org "$1" user "$BIN_PEER" chaincode query -C "$FABRIC_CHANNEL" -n "$FABRIC_CHAINCODE_NAME" \
    -c '{"Args":["org.hyperledger.fabric:GetMetadata"]}'
}

# Service discovery is what the gateway uses to pick endorsers: until gossip has connected the
# organisations' peers, it cannot offer a layout satisfying the endorsement policy and a gateway submit
# fails. Ready when discovery's endorsement plan for the chaincode names peers of every joined organisation.
discovery_plans_all() {
  local org="$1" out
  if [[ -n "$BIN_DISCOVER" ]]; then
    local user
    user="$(org_user_msp "$org" user)"
    out="$("$BIN_DISCOVER" --peerTLSCA "$(org_peer_tls_ca "$org")" --userKey "$user/keystore/priv_sk" \
      --userCert "$user/signcerts/$(org_user_name "$org" user)-cert.pem" --MSP "$(org_msp "$org")" \
      endorsers --chaincode "$FABRIC_CHAINCODE_NAME" --channel "$FABRIC_CHANNEL" \
      --server "127.0.0.1:$(org_port "$org" PEER_PORT)")" || return 1
    local want
    want="$(for n in $(joined_orgs); do org_msp "$n"; done | jq -R . | jq -s .)"
    jq -e --argjson want "$want" '([.[0].EndorsersByGroups[][] | .MSPID] | unique) as $have
      | all($want[]; . as $m | $have | index($m) != null) and (.[0].Layouts | length > 0)' <<<"$out" >/dev/null
  else
    # Without the discover CLI: the peer logs each other organisation's peer joining its channel view.
    local other
    for other in $(joined_orgs); do
      [[ "$other" == "$org" ]] && continue
      grep -q "went online.*127.0.0.1:$(org_port "$other" PEER_PORT)" "$LOG_DIR/peer0.org$org.log" || return 1
    done
  fi
}

# install_and_approve ORG: the package on the organisation's peer, the committed (or to be committed)
# definition approved for its organisation (a later member approves the definition in force, same
# sequence: its peer needs that approval to know which package serves the chaincode).
install_and_approve() {
  local org="$1"
  retry "install chaincode package on peer0.org$org" \
    as_org "$org" admin "$BIN_PEER" lifecycle chaincode install "$CC_PACKAGE"
  retry "approve chaincode definition for $(org_msp "$org")" \
    as_org "$org" admin "$BIN_PEER" lifecycle chaincode approveformyorg "${ORDERER_FLAGS[@]}" \
    -C "$FABRIC_CHANNEL" -n "$FABRIC_CHAINCODE_NAME" -v "$FABRIC_CHAINCODE_VERSION" \
    --sequence "$FABRIC_CHAINCODE_SEQUENCE" --package-id "$CC_PACKAGE_ID" \
    "${CC_POLICY_FLAGS[@]}" --waitForEvent
}

deploy_chaincode() {
  package_chaincode
  start_chaincode
  local org peers=()
  for org in $(founding_orgs); do
    install_and_approve "$org"
    peers+=(--peerAddresses "127.0.0.1:$(org_port "$org" PEER_PORT)" --tlsRootCertFiles "$(org_peer_tls_ca "$org")")
  done
  wait_for "every organisation approved the chaincode definition" "" approved_by_all
  retry "commit chaincode definition ($FABRIC_ENDORSEMENT_POLICY)" \
    as_org 1 admin "$BIN_PEER" lifecycle chaincode commit "${ORDERER_FLAGS[@]}" \
    -C "$FABRIC_CHANNEL" -n "$FABRIC_CHAINCODE_NAME" -v "$FABRIC_CHAINCODE_VERSION" \
    --sequence "$FABRIC_CHAINCODE_SEQUENCE" "${CC_POLICY_FLAGS[@]}" "${peers[@]}" --waitForEvent
  for org in $(founding_orgs); do
    wait_for "chaincode definition committed on peer0.org$org" "peer0.org$org" committed_on "$org"
  done
}

create_network() {
  log "creating a new network in $DATA_DIR"
  generate_crypto_and_config
  render_node_configs
  start_orderers
  local i
  for i in $(orderer_ids); do
    retry "$(orderer_name "$i") joins channel $FABRIC_CHANNEL (osnadmin channel join)" \
      osnadmin_cmd "$i" channel join --channelID "$FABRIC_CHANNEL" --config-block "$ARTIFACTS/$FABRIC_CHANNEL.block"
  done
  wait_ordering_ready
  start_peers $(founding_orgs)
  local org
  for org in $(founding_orgs); do
    retry "peer0.org$org joins channel $FABRIC_CHANNEL" \
      as_org "$org" admin "$BIN_PEER" channel join -b "$ARTIFACTS/$FABRIC_CHANNEL.block"
    wait_for "peer0.org$org has channel $FABRIC_CHANNEL" "peer0.org$org" peer_joined "$org"
    touch "$DATA_DIR/peer0.org$org/joined"
  done
  deploy_chaincode
  touch "$DEPLOYED_MARK"
}

# ---------------------------------------------------------------------------------------------------
# Starting the processes (create and resume)
# ---------------------------------------------------------------------------------------------------
start_orderers() {
  local i
  for i in $(orderer_ids); do start_orderer "$i"; done
  for i in $(orderer_ids); do wait_orderer_healthy "$i"; done
}

start_orderer() { # start_orderer I
  local name
  name="$(orderer_name "$1")"
  start_process "$name" "$BIN_ORDERER" env -i PATH="$PATH" HOME="${HOME:-/tmp}" \
    FABRIC_CFG_PATH="$CONFIG_DIR/$name" FABRIC_LOGGING_SPEC="$FABRIC_LOGGING_SPEC" "$BIN_ORDERER"
}

wait_orderer_healthy() { # wait_orderer_healthy I
  wait_for "$(orderer_name "$1") /healthz (127.0.0.1:$(orderer_port "$1" OPS_PORT))" "$(orderer_name "$1")" \
    http_ok "http://127.0.0.1:$(orderer_port "$1" OPS_PORT)/healthz"
}

# Every orderer has the channel active; Raft: its leader is elected. (SmartBFT orders from the start:
# its first leader is fixed; the retries around the first transactions cover a slow start.)
wait_ordering_ready() {
  local i
  for i in $(orderer_ids); do
    wait_for "channel $FABRIC_CHANNEL active on $(orderer_name "$i")" "$(orderer_name "$i")" channel_active_on_orderer "$i"
  done
  if [[ "$FABRIC_CONSENSUS" != bft ]]; then
    wait_for "Raft leader elected for $FABRIC_CHANNEL" orderer raft_leader_elected
  fi
}

start_peers() { # start_peers ORG...
  local org
  for org in "$@"; do
    start_process "peer0.org$org" "$BIN_PEER node start" env -i PATH="$PATH" HOME="${HOME:-/tmp}" \
      FABRIC_CFG_PATH="$CONFIG_DIR/peer0.org$org" FABRIC_LOGGING_SPEC="$FABRIC_LOGGING_SPEC" \
      "$BIN_PEER" node start
  done
  for org in "$@"; do
    wait_for "peer0.org$org /healthz (127.0.0.1:$(org_port $org OPS_PORT))" "peer0.org$org" \
      http_ok "http://127.0.0.1:$(org_port $org OPS_PORT)/healthz"
  done
}

# The chaincode server: fabric-chaincode-node in server mode. Its environment holds NO CORE_* variable:
# the shim would take them as its own options (CORE_CHAINCODE_ID_NAME, CORE_PEER_ADDRESS, ...).
start_chaincode() {
  CC_PACKAGE_ID="$(cat "$ARTIFACTS/package-id")"
  local -a tls=()
  if [[ "$FABRIC_CHAINCODE_TLS" == true ]]; then
    local server="$CC_TLS_ORG_DIR/peers/phdmf.chaincode.$FABRIC_DOMAIN/tls"
    tls=(--chaincode-tls-cert-file "$server/server.crt" --chaincode-tls-key-file "$server/server.key"
      --chaincode-tls-client-cacert-file "$server/ca.crt")
  fi
  start_process chaincode "--chaincode-id $CC_PACKAGE_ID" env -i PATH="$PATH" HOME="${HOME:-/tmp}" \
    NODE_ENV=production node "$SHIM_CLI" server --chaincode-address "127.0.0.1:$FABRIC_CHAINCODE_PORT" \
    --chaincode-id "$CC_PACKAGE_ID" --module-path "$CHAINCODE_DIR" "${tls[@]}"
  wait_for "chaincode server listening (127.0.0.1:$FABRIC_CHAINCODE_PORT)" chaincode \
    port_in_use "$FABRIC_CHAINCODE_PORT"
}

wait_network_ready() {
  local org
  for org in $(joined_orgs); do
    wait_for "peer0.org$org reaches the chaincode" "peer0.org$org" chaincode_answers_on "$org"
  done
  for org in $(joined_orgs); do
    wait_for "discovery on peer0.org$org plans endorsement with every member's peer" "peer0.org$org" \
      discovery_plans_all "$org"
  done
}

# ---------------------------------------------------------------------------------------------------
# connection.json: what the ledger service's Fabric adapter reads (schema in README.md)
# ---------------------------------------------------------------------------------------------------
write_connection_json() {
  local orgs=() org
  for org in $(joined_orgs); do
    local user admin
    user="$(org_user_msp $org user)"
    admin="$(org_user_msp $org admin)"
    orgs+=("$(jq -n --arg mspId "$(org_msp $org)" \
      --arg endpoint "127.0.0.1:$(org_port $org PEER_PORT)" --arg host "$(org_peer_host $org)" \
      --arg ca "$(org_peer_tls_ca $org)" \
      --arg ucert "$user/signcerts/$(org_user_name $org user)-cert.pem" --arg ukey "$user/keystore/priv_sk" \
      --arg acert "$admin/signcerts/$(org_user_name $org admin)-cert.pem" --arg akey "$admin/keystore/priv_sk" \
      --arg uname "$(org_user_name $org user)" --arg aname "$(org_user_name $org admin)" \
      '{mspId: $mspId,
        peer: {endpoint: $endpoint, hostOverride: $host, tlsCACertPath: $ca},
        user: {name: $uname, certPath: $ucert, keyPath: $ukey},
        admin: {name: $aname, certPath: $acert, keyPath: $akey}}')")
  done
  printf '%s\n' "${orgs[@]}" | jq -s \
    --arg channel "$FABRIC_CHANNEL" --arg chaincode "$FABRIC_CHAINCODE_NAME" \
    --arg packageId "$(cat "$ARTIFACTS/package-id")" --arg policy "$FABRIC_ENDORSEMENT_POLICY" \
    --arg oendpoint "127.0.0.1:$FABRIC_ORDERER_PORT" --arg ohost "$ORDERER_HOST" --arg oca "$ORDERER_TLS_CA" \
    --arg peerVersion "$VERSION_PEER" --arg dataDir "$DATA_DIR" --arg consensus "$FABRIC_CONSENSUS" \
    '{schemaVersion: 1, fabricVersion: $peerVersion, dataDir: $dataDir,
      channel: $channel, chaincode: $chaincode, chaincodePackageId: $packageId, endorsementPolicy: $policy,
      consensus: $consensus,
      orderer: {endpoint: $oendpoint, hostOverride: $ohost, tlsCACertPath: $oca},
      organizations: .}' >"$DATA_DIR/connection.json.tmp"
  mv "$DATA_DIR/connection.json.tmp" "$DATA_DIR/connection.json"
  log "connection details: $DATA_DIR/connection.json"
}

# ---------------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------------
# Any process a PID file of this data dir names (before the settings, which list the peers, are read).
any_running() {
  local file
  for file in "$PID_DIR"/*.pid; do
    [[ -f "$file" ]] || continue
    pid_alive "$(basename "$file" .pid)" && return 0
  done
  return 1
}

# Only what this script creates is removed; the data dir itself may be user-chosen.
remove_state() {
  rm -rf "$CRYPTO" "$CONFIG_DIR" "$ARTIFACTS" "$DATA_DIR"/orderer* "$DATA_DIR"/peer0.org* \
    "$LOG_DIR" "$PID_DIR" "$UPDATES_DIR" "$DATA_DIR/connection.json" "$DEPLOYED_MARK"
}

cmd_up() {
  local fresh=false
  [[ "${1:-}" == --fresh ]] && fresh=true
  command -v jq >/dev/null 2>&1 || die "jq is required (apt-get install jq)"
  command -v curl >/dev/null 2>&1 || die "curl is required (apt-get install curl)"
  PID_DIR="$DATA_DIR/pids"
  any_running && die "the network in $DATA_DIR is already running ('network.sh status'; 'network.sh down' first)"
  if [[ "$fresh" == true || ! -f "$DATA_DIR/deployed" ]]; then
    # a new network: the settings come from the environment, not from an earlier run
    rm -f "$SETTINGS_FILE"
  fi
  load_settings
  derive_paths
  find_binaries
  check_versions
  check_node_runtime
  [[ "$FABRIC_CONSENSUS" == raft || "$FABRIC_CONSENSUS" == bft ]] || die "FABRIC_CONSENSUS must be raft or bft"
  if [[ "$FABRIC_CONSENSUS" == bft && "${VERSION_PEER%%.*}" -lt 3 ]]; then
    die "FABRIC_CONSENSUS=bft (SmartBFT) needs Fabric >= 3.0 binaries; $(dirname "$BIN_PEER") holds $VERSION_PEER"
  fi
  if [[ "$fresh" == true || ! -f "$DEPLOYED_MARK" ]]; then
    check_ports_free $(founding_orgs)
    remove_state
  else
    check_ports_free $(joined_orgs)
  fi
  mkdir -p "$LOG_DIR" "$PID_DIR"
  save_settings
  log "Fabric $VERSION_PEER binaries: $(dirname "$BIN_PEER")"
  build_chaincode_if_stale
  local start=$SECONDS
  # any failure from here on (a command failing under set -e, a die, a timeout) stops what was started
  trap 'rc=$?; if ((rc != 0)); then log "up failed; stopping what was started (logs in $LOG_DIR)"; stop_all; fi' EXIT
  if [[ -f "$DEPLOYED_MARK" ]]; then
    log "resuming the existing network in $DATA_DIR"
    start_orderers
    wait_ordering_ready
    start_peers $(joined_orgs)
    start_chaincode
  else
    create_network
  fi
  wait_network_ready
  write_connection_json
  trap - EXIT
  log "network up in $((SECONDS - start))s: channel $FABRIC_CHANNEL, chaincode $FABRIC_CHAINCODE_NAME" \
    "($FABRIC_ENDORSEMENT_POLICY)"
}

stop_all() {
  local name
  for name in $(process_names); do stop_process "$name"; done
}

cmd_down() {
  load_settings
  derive_paths
  stop_all
  if [[ "${1:-}" == --purge ]]; then
    remove_state
    rm -f "$SETTINGS_FILE"
    rmdir "$DATA_DIR" 2>/dev/null || true
    log "network state removed"
  fi
  log "network down"
}

cmd_status() {
  load_settings
  derive_paths
  local name rc=0 org
  for name in $(for i in $(orderer_ids); do printf '%s ' "$(orderer_name "$i")"; done) \
    $(for org in $(joined_orgs); do printf 'peer0.org%s ' "$org"; done) chaincode; do
    if pid_alive "$name"; then
      printf '%-11s running (pid %s)\n' "$name" "$(head -1 "$PID_DIR/$name.pid")"
    else
      printf '%-11s stopped\n' "$name"
      rc=3
    fi
  done
  local health="health:" i
  for i in $(orderer_ids); do
    health+=" $(orderer_name "$i") $(http_ok "http://127.0.0.1:$(orderer_port "$i" OPS_PORT)/healthz" && echo ok || echo down),"
  done
  for org in $(joined_orgs); do
    health+=" peer0.org$org $(http_ok "http://127.0.0.1:$(org_port "$org" OPS_PORT)/healthz" && echo ok || echo down)"
  done
  echo "$health"
  if ((rc == 0)); then
    find_binaries
    for org in $(joined_orgs); do
      echo "peer0.org$org: $(as_org $org user "$BIN_PEER" channel getinfo -c "$FABRIC_CHANNEL" 2>&1 | tail -1)"
    done
    echo "committed: $(as_org 1 admin "$BIN_PEER" lifecycle chaincode querycommitted -C "$FABRIC_CHANNEL" 2>&1 | tail -1)"
    echo "connection details: $DATA_DIR/connection.json"
  fi
  return $rc
}

cmd_env() {
  local org="${1:-}" role="${2:-admin}"
  org="${org#org}"
  [[ "$role" == admin || "$role" == user ]] || die "usage: network.sh env orgN [admin|user]"
  load_settings
  derive_paths
  known_org "$org" || die "usage: network.sh env orgN [admin|user]; organisations here: $FABRIC_ORG_LIST"
  find_binaries
  echo "export PATH=$(dirname "$BIN_PEER"):\$PATH"
  peer_env "$org" "$role" | sed 's/^/export /'
  echo "# orderer flags for submits: ${ORDERER_FLAGS[*]}"
}

# ---------------------------------------------------------------------------------------------------
# Growing and shrinking the consortium: org init/propose-add/join/propose-remove/leave, channel sign/submit
# ---------------------------------------------------------------------------------------------------
known_org() { [[ "$1" =~ ^[0-9]+$ && " $FABRIC_ORG_LIST " == *" $1 "* ]]; }

require_deployed() {
  [[ -f "$DEPLOYED_MARK" ]] || die "no network in $DATA_DIR ('network.sh up' first)"
}

# org init N [--msp-id ID]: the joining institution's side. Its organisation's MSP and TLS material (here
# from cryptogen; a real institution brings certificates from its own CA) and its peer's configuration.
# Nothing is sent to the network: the channel learns of the organisation through `org propose-add`.
org_init() {
  local n="${1:-}" msp_id=""
  shift || true
  [[ "${1:-}" == --msp-id ]] && msp_id="${2:-}"
  [[ "$n" =~ ^[0-9]+$ ]] || die "usage: network.sh org init N [--msp-id ID]"
  known_org "$n" && die "organisation $n is already known here ($(org_msp "$n"))"
  require_deployed
  [[ -n "$msp_id" ]] && printf -v "FABRIC_ORG${n}_MSP_ID" '%s' "$msp_id"
  org_defaults "$n"
  FABRIC_ORG_LIST="$FABRIC_ORG_LIST $n"
  crypto_config_org "$n" | { echo "PeerOrgs:"; cat; } >"$CONFIG_DIR/crypto-config-org$n.yaml"
  "$BIN_CRYPTOGEN" generate --config "$CONFIG_DIR/crypto-config-org$n.yaml" --output "$CRYPTO" >>"$LOG_DIR/cryptogen.log" 2>&1 ||
    die "cryptogen failed: $(tail -5 "$LOG_DIR/cryptogen.log")"
  render_peer_config "$n"
  save_settings
  log "organisation $n ($(org_msp "$n")): MSP $(org_dir "$n")/msp, peer 127.0.0.1:$(org_port "$n" PEER_PORT)"
}

# org propose-add N [--as ORG] / org propose-remove N [--as ORG]: a member's admin (ORG, default 1)
# fetches the channel's current config from the ordering service and writes the unsigned update adding
# (removing) organisation N. Prints the update file's path; it then needs the signatures of a majority
# of the members' admins (the Application group's MAJORITY Admins): `channel sign`, then `channel submit`.
org_propose() {
  local change="$1" n="${2:-}" as=1
  [[ "${3:-}" == --as ]] && as="${4:-}"
  known_org "$n" || die "usage: network.sh org propose-$change N [--as ORG]; organisations here: $FABRIC_ORG_LIST"
  known_org "$as" && org_joined "$as" || die "--as $as: not a member organisation with a peer here"
  require_deployed
  mkdir -p "$UPDATES_DIR"
  local stamp block out
  stamp="$(date +%Y%m%dT%H%M%S)-$$"
  block="$UPDATES_DIR/config-$stamp.block"
  out="$UPDATES_DIR/$change-$(org_msp "$n")-$stamp.tx"
  as_org "$as" admin "$BIN_PEER" channel fetch config "$block" -c "$FABRIC_CHANNEL" "${ORDERER_FLAGS[@]}" \
    >>"$LOG_DIR/channel-updates.log" 2>&1 || die "fetching the channel config failed: $(tail -3 "$LOG_DIR/channel-updates.log")"
  local args=(--config-block "$block" --channel "$FABRIC_CHANNEL" --msp-id "$(org_msp "$n")" --out "$out")
  if [[ "$change" == add ]]; then
    args+=(--msp-dir "$(org_dir "$n")/msp" --anchor "127.0.0.1:$(org_port "$n" PEER_PORT)")
  fi
  node "$SCRIPT_DIR/channel-config.mjs" "$change-org" "${args[@]}" >/dev/null
  log "channel update proposed by $(org_msp "$as"): $out"
  echo "$out"
}

# channel sign FILE ORG: ORG's admin adds its signature to the update (peer channel signconfigtx). In a
# real consortium each institution runs this itself, with its own admin identity, on the file it received.
channel_sign() {
  local file="${1:-}" org="${2:-}"
  org="${org#org}"
  [[ -f "$file" ]] && known_org "$org" || die "usage: network.sh channel sign FILE ORG"
  as_org "$org" admin "$BIN_PEER" channel signconfigtx -f "$file" >>"$LOG_DIR/channel-updates.log" 2>&1 ||
    die "signing $file as $(org_msp "$org") failed: $(tail -3 "$LOG_DIR/channel-updates.log")"
  log "$(org_msp "$org") admin signed $file"
}

# channel submit FILE ORG: ORG's admin (whose signature is added too) sends the update to the ordering
# service, which applies it only if the signatures satisfy the modified groups' mod policies.
channel_submit() {
  local file="${1:-}" org="${2:-}"
  org="${org#org}"
  [[ -f "$file" ]] && known_org "$org" || die "usage: network.sh channel submit FILE ORG"
  as_org "$org" admin "$BIN_PEER" channel update -f "$file" -c "$FABRIC_CHANNEL" "${ORDERER_FLAGS[@]}" \
    >>"$LOG_DIR/channel-updates.log" 2>&1 ||
    die "the ordering service refused $file: $(grep -i 'error' "$LOG_DIR/channel-updates.log" | tail -1)"
  log "$(org_msp "$org") admin submitted $file"
}

# org join N: the admitted institution's side, once the update adding it is in the channel: its peer
# starts, pulls the channel from block 0 (readable now that its MSP is a member), installs the chaincode
# package and approves the definition in force for its organisation; connection.json then lists it.
org_join() {
  local n="${1:-}"
  known_org "$n" || die "usage: network.sh org join N; organisations here: $FABRIC_ORG_LIST"
  org_joined "$n" && die "organisation $n has already joined"
  require_deployed
  check_org_ports_free "$n"
  trap 'rc=$?; if ((rc != 0)); then log "org join failed; stopping peer0.org'"$n"'"; stop_process "peer0.org'"$n"'"; fi' EXIT
  start_peers "$n"
  local block="$ARTIFACTS/$FABRIC_CHANNEL-org$n-genesis.block"
  retry "$(org_msp "$n") fetches the channel's first block (needs the update adding it)" \
    as_org "$n" admin "$BIN_PEER" channel fetch 0 "$block" -c "$FABRIC_CHANNEL" "${ORDERER_FLAGS[@]}"
  retry "peer0.org$n joins channel $FABRIC_CHANNEL" as_org "$n" admin "$BIN_PEER" channel join -b "$block"
  wait_for "peer0.org$n has channel $FABRIC_CHANNEL" "peer0.org$n" peer_joined "$n"
  CC_PACKAGE="$ARTIFACTS/${FABRIC_CHAINCODE_NAME}_${FABRIC_CHAINCODE_VERSION}.tar.gz"
  CC_PACKAGE_ID="$(cat "$ARTIFACTS/package-id")"
  install_and_approve "$n"
  wait_for "chaincode definition committed on peer0.org$n" "peer0.org$n" committed_on "$n"
  touch "$DATA_DIR/peer0.org$n/joined"
  wait_network_ready
  write_connection_json
  trap - EXIT
  log "organisation $n ($(org_msp "$n")) joined channel $FABRIC_CHANNEL"
}

# org leave N: after the update removing it is in the channel, its peer stops and connection.json drops it.
org_leave() {
  local n="${1:-}"
  known_org "$n" && org_joined "$n" || die "usage: network.sh org leave N (a joined organisation)"
  stop_process "peer0.org$n"
  rm -f "$DATA_DIR/peer0.org$n/joined"
  write_connection_json
  log "organisation $n ($(org_msp "$n")) left: its peer is stopped, connection.json no longer lists it"
}

cmd_org() {
  local sub="${1:-}"
  shift || true
  load_settings
  derive_paths
  find_binaries
  check_versions
  case "$sub" in
  init) org_init "$@" ;;
  propose-add) org_propose add "$@" ;;
  propose-remove) org_propose remove "$@" ;;
  join) org_join "$@" ;;
  leave) org_leave "$@" ;;
  *) die "usage: network.sh org init|propose-add|propose-remove|join|leave N ..." ;;
  esac
}

cmd_channel() {
  local sub="${1:-}"
  shift || true
  load_settings
  derive_paths
  find_binaries
  case "$sub" in
  sign) channel_sign "$@" ;;
  submit) channel_submit "$@" ;;
  *) die "usage: network.sh channel sign|submit FILE ORG" ;;
  esac
}

# start NAME: one process of a deployed network that is not running (it crashed, or was stopped), started as
# `up` starts it, on its existing ledger; the others are left as they are.
cmd_start() {
  local name="${1:-}" i n
  load_settings
  derive_paths
  [[ -f "$DEPLOYED_MARK" ]] || die "no network deployed in $DATA_DIR ('network.sh up' first)"
  [[ -n "$name" ]] || die "usage: network.sh start NAME (one of: $(process_names))"
  find_binaries
  mkdir -p "$LOG_DIR" "$PID_DIR"
  for i in $(orderer_ids); do
    if [[ "$name" == "$(orderer_name "$i")" ]]; then
      start_orderer "$i"
      wait_orderer_healthy "$i"
      return
    fi
  done
  for n in $(joined_orgs); do
    if [[ "$name" == "peer0.org$n" ]]; then
      start_peers "$n"
      return
    fi
  done
  if [[ "$name" == chaincode ]]; then
    check_node_runtime
    start_chaincode
    return
  fi
  die "no process $name in this network (its processes: $(process_names))"
}

usage() {
  sed -n '2,29p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

case "${1:-}" in
up) shift; cmd_up "$@" ;;
down) shift; cmd_down "$@" ;;
status) shift; cmd_status "$@" ;;
start) shift; cmd_start "$@" ;;
env) shift; cmd_env "$@" ;;
org) shift; cmd_org "$@" ;;
channel) shift; cmd_channel "$@" ;;
-h | --help | help) usage ;;
*) usage >&2; exit 64 ;;
esac
