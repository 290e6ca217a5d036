#!/usr/bin/env bash
# Install and start OpenTAKServer 1.7.13 on loopback, for the team tests.
#
#   bash packaging/tak_server.sh          install if needed, start, wait until it relays
#   bash packaging/tak_server.sh stop     stop OTS, RabbitMQ and (if we started it) PostgreSQL
#   bash packaging/tak_server.sh status   exit 0 when it relays, 1 otherwise
#   bash packaging/tak_server.sh stop-listeners / start-listeners
#                                         the client-facing processes only (tests of a
#                                         server going away under connected clients)
#
# Runs as root on Debian 12 with only the package registries reachable. Everything
# it writes lives under $SITREP_TAK_DIR (default /tmp/sitrep-tak): OTS's own venv
# (kept apart from the app's: OTS pins old libraries), its data folder with the
# certificate authority, logs, pid files, and a test client certificate
# (client.pem / client.key, CN = the OTS user "sitrep-test") for the TLS tests.
# Facts behind the choices: ../shared/TAK-SERVERS.md (1.7.14 does not start on
# Python 3.11; an open port is not "ready", only a relayed CoT is).
set -euo pipefail

ROOT=${SITREP_TAK_DIR:-/tmp/sitrep-tak}
OTS_VERSION=1.7.13
VENV="$ROOT/venv"
DATA="$ROOT/data"
LOGS="$ROOT/logs"
RUN="$ROOT/run"
READY_TIMEOUT=${SITREP_TAK_TIMEOUT:-180}
DB_USER=sitrep_ots
DB_NAME=sitrep_ots
DB_PASS=sitrep-ots-local
TEST_USER=sitrep-test
TEST_PASS=sitrep-test-pass
PYTHON=${PYTHON:-python3}

export SQLALCHEMY_DATABASE_URI="postgresql+psycopg://$DB_USER:$DB_PASS@127.0.0.1/$DB_NAME"
export OTS_LISTENER_ADDRESS=127.0.0.1
export OTS_RABBITMQ_SERVER_ADDRESS=127.0.0.1
export OTS_MEDIAMTX_ENABLE=False
export OTS_DATA_FOLDER="$DATA"
export OTS_STREAMING_INTERFACE=127.0.0.1
# RabbitMQ and its port mapper listen on every interface unless told otherwise.
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_DIST_PORT=25672
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
export RABBITMQ_LOG_BASE="$LOGS/rabbitmq"

log() { echo "tak_server: $*" >&2; }

relays() {
    # Two clients on 8088; the first's CoT must reach the second. OTS drops CoT
    # sent before it opened the connection's queue, hence the pause.
    "$PYTHON" - <<'EOF'
import socket, sys, time, uuid
def client():
    s = socket.create_connection(("127.0.0.1", 8088), timeout=3)
    s.settimeout(3)
    return s
try:
    a, b = client(), client()
except OSError:
    sys.exit(1)
time.sleep(0.6)
tag = uuid.uuid4().hex
def cot(uid, call):
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    stale = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 60))
    return (f'<event version="2.0" uid="{uid}" type="a-f-G" how="h-g-i-g-o" time="{now}" '
            f'start="{now}" stale="{stale}"><point lat="0" lon="0" hae="0" ce="9" le="9"/>'
            f'<detail><contact callsign="{call}"/></detail></event>').encode()
b.sendall(cot("probe-b-" + tag, "probe-b-" + tag))
time.sleep(0.3)
a.sendall(cot("probe-a-" + tag, "probe-a-" + tag))
got = b""
end = time.time() + 4
while time.time() < end and tag.encode() not in got.replace(b"probe-b-" + tag.encode(), b""):
    try:
        chunk = b.recv(65536)
    except OSError:
        break
    if not chunk:
        break
    got += chunk
sys.exit(0 if ("probe-a-" + tag).encode() in got else 1)
EOF
}

pid_alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

install() {
    local need=""
    command -v pg_ctlcluster >/dev/null || need="$need postgresql"
    command -v rabbitmq-server >/dev/null || need="$need rabbitmq-server"
    "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || need="$need python3-venv"
    command -v openssl >/dev/null || need="$need openssl"
    if [ -n "$need" ]; then
        log "apt-get install$need"
        # Another apt may hold the lock for a while (unattended upgrades, a CI step).
        apt-get -o DPkg::Lock::Timeout=300 update -qq
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq $need >/dev/null
        # apt starts nothing on a machine without systemd; where it does start
        # RabbitMQ on every interface, stop it so ours runs on loopback.
        if command -v systemctl >/dev/null && systemctl is-active -q rabbitmq-server 2>/dev/null; then
            systemctl stop rabbitmq-server || true
        fi
    fi
    if [ ! -x "$VENV/bin/opentakserver" ]; then
        log "installing opentakserver $OTS_VERSION into $VENV (about 2 minutes)"
        rm -rf "$VENV"
        "$PYTHON" -m venv "$VENV"
        "$VENV/bin/pip" install -q --upgrade pip >/dev/null
        "$VENV/bin/pip" install -q "opentakserver==$OTS_VERSION" >"$LOGS/pip.log" 2>&1 || {
            log "pip install failed; see $LOGS/pip.log"; tail -5 "$LOGS/pip.log" >&2; exit 1; }
    fi
}

start_postgres() {
    local ver
    ver=$(ls /etc/postgresql | sort -V | tail -n 1)
    if ! pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $4}' | grep -q online; then
        log "starting PostgreSQL $ver"
        pg_ctlcluster "$ver" main start
        touch "$RUN/postgres.started-by-us"
    fi
    for _ in $(seq 30); do
        su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
        sleep 0.5
    done
    if ! su postgres -c "psql -qtAc \"select 1 from pg_roles where rolname='$DB_USER'\"" | grep -q 1; then
        su postgres -c "psql -qc \"create role $DB_USER login password '$DB_PASS'\""
    fi
    if ! su postgres -c "psql -qtAc \"select 1 from pg_database where datname='$DB_NAME'\"" | grep -q 1; then
        su postgres -c "createdb -O $DB_USER $DB_NAME"
    fi
}

start_rabbitmq() {
    if rabbitmqctl -q status >/dev/null 2>&1; then return; fi
    log "starting RabbitMQ on 127.0.0.1"
    mkdir -p "$LOGS/rabbitmq"
    chown -R rabbitmq:rabbitmq "$LOGS/rabbitmq" 2>/dev/null || true
    setsid rabbitmq-server >"$LOGS/rabbitmq.out" 2>&1 < /dev/null &
    echo $! >"$RUN/rabbitmq.pid"
    # await_startup fails at once until the node has registered with epmd.
    local deadline=$(( $(date +%s) + 90 ))
    until rabbitmqctl -q await_startup >/dev/null 2>&1; do
        [ "$(date +%s)" -lt "$deadline" ] || { log "RabbitMQ did not start; see $LOGS/rabbitmq.out"; exit 1; }
        sleep 1
    done
}

loopback_only() {
    # The API writes config.yml on first start, and its values win over the
    # environment: the CoT ports must listen on loopback all the same.
    [ -f "$DATA/config.yml" ] && sed -i \
        's/^OTS_STREAMING_INTERFACE: .*/OTS_STREAMING_INTERFACE: 127.0.0.1/' "$DATA/config.yml"
    return 0
}

start_ots() {
    # name, command...: one detached process each, its pid kept for "stop".
    local name=$1; shift
    if pid_alive "$name"; then return; fi
    # The process writes its own pid before it becomes the program: it leads its
    # own process group, so "stop" ends it and whatever it started.
    # No shell stays behind holding this script's output open (a caller reading
    # it to the end would wait for ever).
    (cd "$DATA" && exec setsid bash -c 'echo $$ >"$0"; exec "$@"' "$RUN/$name.pid" "$@") \
        >"$LOGS/$name.log" 2>&1 < /dev/null &
    local _
    for _ in $(seq 50); do [ -s "$RUN/$name.pid" ] && break; sleep 0.1; done
}

wait_port() {
    local port=$1 deadline=$2
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        [ "$(date +%s)" -lt "$deadline" ] || { log "port $port not open in time"; return 1; }
        sleep 0.5
    done
}

make_test_client() {
    # An OTS user and a client certificate signed by OTS's CA, its CN the user:
    # the TLS port (8089) accepts only such clients.
    [ -s "$ROOT/client.pem" ] && return
    "$VENV/bin/python" - "$TEST_USER" "$TEST_PASS" <<'EOF' >>"$LOGS/users.log" 2>&1
import sys
from opentakserver.app import create_app
from flask_security import hash_password
app = create_app(cli=False) if "cli" in create_app.__code__.co_varnames else create_app()
with app.app_context():
    ds = app.security.datastore
    if not ds.find_user(username=sys.argv[1]):
        ds.create_user(username=sys.argv[1], password=hash_password(sys.argv[2]), roles=["user"])
        ds.commit()
EOF
    local ca="$DATA/ca" pass=${OTS_CA_PASSWORD:-atakatak}
    openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$TEST_USER" \
        -keyout "$ROOT/client.key" -out "$ROOT/client.csr" 2>>"$LOGS/users.log"
    # OTS's CA key has a password (OTS_CA_PASSWORD, "atakatak" unless set).
    openssl x509 -req -in "$ROOT/client.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca-do-not-share.key" \
        -passin "pass:$pass" -CAcreateserial -days 30 -sha256 -out "$ROOT/client.pem.tmp" \
        2>>"$LOGS/users.log"
    # The same certificate and key as a .p12 (password "sitrep"), as TAK hands them out.
    openssl pkcs12 -export -in "$ROOT/client.pem.tmp" -inkey "$ROOT/client.key" \
        -passout pass:sitrep -out "$ROOT/client.p12" 2>>"$LOGS/users.log"
    cp "$ca/ca.pem" "$ROOT/ca.pem"
    chmod 600 "$ROOT/client.p12"
    mv "$ROOT/client.pem.tmp" "$ROOT/client.pem"
    chmod 600 "$ROOT/client.key"
}

start() {
    mkdir -p "$DATA" "$LOGS" "$RUN"
    if relays; then make_test_client; log "already running and relaying"; return 0; fi
    local t0 deadline
    t0=$(date +%s)
    install
    deadline=$(( $(date +%s) + READY_TIMEOUT ))
    start_postgres
    start_rabbitmq
    start_ots api "$VENV/bin/opentakserver"
    wait_port 8081 "$deadline"
    loopback_only
    start_ots cot_parser "$VENV/bin/cot_parser"
    start_ots eud_handler "$VENV/bin/eud_handler"
    start_ots eud_handler_ssl "$VENV/bin/eud_handler" --ssl
    wait_port 8088 "$deadline"
    until relays; do
        [ "$(date +%s)" -lt "$deadline" ] || {
            log "OpenTAKServer did not relay within ${READY_TIMEOUT}s; logs in $LOGS"; exit 1; }
        sleep 1
    done
    make_test_client
    wait_port 8089 "$deadline"
    log "relaying on 127.0.0.1:8088 (TLS 8089) after $(( $(date +%s) - t0 ))s; data in $ROOT"
}

stop() {
    local name
    for name in eud_handler_ssl eud_handler cot_parser api; do
        if pid_alive "$name"; then kill -- "-$(cat "$RUN/$name.pid")" 2>/dev/null || kill "$(cat "$RUN/$name.pid")"; fi
        rm -f "$RUN/$name.pid"
    done
    if [ -f "$RUN/rabbitmq.pid" ]; then
        rabbitmqctl -q shutdown >/dev/null 2>&1 || true
        rm -f "$RUN/rabbitmq.pid"
    fi
    if [ -f "$RUN/postgres.started-by-us" ]; then
        pg_ctlcluster "$(ls /etc/postgresql | sort -V | tail -n 1)" main stop || true
        rm -f "$RUN/postgres.started-by-us"
    fi
    log "stopped"
}

restart_listeners() {
    # The processes clients connect to (8088, 8089), as when a server restarts
    # under connected clients; the API, PostgreSQL and RabbitMQ stay up.
    local name deadline=$(( $(date +%s) + READY_TIMEOUT ))
    for name in eud_handler_ssl eud_handler; do
        if pid_alive "$name"; then kill -- "-$(cat "$RUN/$name.pid")" 2>/dev/null || true; fi
        rm -f "$RUN/$name.pid"
    done
    while (exec 3<>/dev/tcp/127.0.0.1/8088) 2>/dev/null; do sleep 0.2; done
    [ "${1:-}" = "down" ] && { log "listeners stopped"; return; }
    loopback_only
    start_ots eud_handler "$VENV/bin/eud_handler"
    start_ots eud_handler_ssl "$VENV/bin/eud_handler" --ssl
    wait_port 8088 "$deadline"
    until relays; do
        [ "$(date +%s)" -lt "$deadline" ] || { log "listeners did not relay again"; exit 1; }
        sleep 0.5
    done
    log "listeners restarted and relaying"
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    stop-listeners) restart_listeners down ;;
    start-listeners) restart_listeners ;;
    status) mkdir -p "$RUN"; relays ;;
    *) echo "usage: $0 [start|stop|status|stop-listeners|start-listeners]" >&2; exit 2 ;;
esac
