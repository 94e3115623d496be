#!/usr/bin/env bash
# Benchmarks against the physical limits, side by side in one run (issue 8). Not part of scripts/test.sh.
#   bash bench/run.sh           full sizes of the issue (1 GiB transfers, 10,000 versions / 3 GiB, 1,000 / 5 GiB, 10 GiB upload)
#   bash bench/run.sh --quick   256 MiB transfers, 1,000 versions, 1 GiB memory upload: a few minutes
# Sizes can be overridden: XFER_MIB, BIG_VERSIONS, BIG_KIB, WIDE_VERSIONS, WIDE_KIB, MEM_MIB, RUNS, VIS_COUNT.
# ROWS=transfers measures only the upload and download rows (for iterating on a fix); ROWS=builds only the
# full builds and restarts. BEFORE_WAR=<a ROOT.war>: each build row is measured for that WAR too, alternately
# with this checkout's on the same files (first in odd runs, second in even ones: use an even BUILD_RUNS), as
# "before" rows (ROWS other than all: the report is printed only).
# ROWS=deltas measures only the delta rows (mmdebstrap twice: needs the Debian mirror of the apt sources).
# ROWS=signing measures only upload -> visible at BIG_VERSIONS, without and with SIGNING_KEY, alternating.
# ROWS=access measures only a private view's download and catalogue, with 100 views and 1,000 users in
# ACCESS_FILE, against the same server without ACCESS_FILE, alternating.
# Builds the WAR, starts the stock Tomcat distribution (docker/server.xml, docker/setenv.sh, -Xmx256m) and
# Debian's nginx on 127.0.0.1, generates data in a temporary directory, writes bench/RESULTS.md and
# bench/results.json, and stops only the processes it started (by PID).
set -euo pipefail
cd "$(dirname "$0")/.."
project=$PWD
# nginx (the baseline) and the JDK come with the test dependencies; python3 computes and formats figures.
bash scripts/install-deps.sh --tests
command -v python3 >/dev/null || apt-get install -y -qq --no-install-recommends python3
mode=full
[ "${1:-}" = "--quick" ] && mode=quick
if [ $mode = quick ]; then
  : "${XFER_MIB:=256}" "${BIG_VERSIONS:=1000}" "${BIG_KIB:=256}" "${WIDE_VERSIONS:=0}" "${WIDE_KIB:=0}"
  : "${MEM_MIB:=1024}" "${RUNS:=3}" "${VIS_COUNT:=50}" "${BUILD_RUNS:=2}"
else
  : "${XFER_MIB:=1024}" "${BIG_VERSIONS:=10000}" "${BIG_KIB:=315}" "${WIDE_VERSIONS:=1000}" "${WIDE_KIB:=5243}"
  : "${MEM_MIB:=10240}" "${RUNS:=5}" "${VIS_COUNT:=50}" "${BUILD_RUNS:=2}"
fi
CMD="bash bench/run.sh $*"
# The Tomcat the tests run on, as the pom names it.
TOMCAT_VERSION=$(sed -n 's:.*<tomcat.version>\(.*\)</tomcat.version>.*:\1:p' pom.xml)
AUTH=bench:bench-secret

work=$(mktemp -d /var/tmp/ssbench.XXXXXX)
rows=$work/rows.tsv
: > "$rows"
pids=()
tomcat_pid=""
cleanup() {
  for p in "${pids[@]}" $tomcat_pid; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}" $tomcat_pid; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$p" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
log() { printf '%s  [load %s] %s\n' "$(date -u +%H:%M:%S)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$*" >&2; }
load() { cut -d' ' -f1 /proc/loadavg; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# row: name | baseline name | values | baseline values | unit | target (the 1-minute load is appended)
# values are space-separated lists (one per run); ratio = median(value)/median(baseline) (or as the target says)
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$(load)" >> "$rows"; }

log "building the WAR and unpacking Tomcat $TOMCAT_VERSION"
mvn -q -B -ntp package -DskipTests
dist=$project/target/bench-tomcat
if [ ! -x "$dist/apache-tomcat-$TOMCAT_VERSION/bin/catalina.sh" ]; then
  # The tests unpack the same artifact elsewhere, and the plugin's marker would make it skip this copy.
  mvn -q -B -ntp org.apache.maven.plugins:maven-dependency-plugin:3.8.1:unpack -Dmdep.overWriteReleases=true \
    -Dartifact=org.apache.tomcat:tomcat:$TOMCAT_VERSION:tar.gz -DoutputDirectory="$dist"
fi
home=$dist/apache-tomcat-$TOMCAT_VERSION
tool() { java -Xmx512m "$project/bench/BenchTool.java" "$@"; }

tport=$(free_port)
T=http://127.0.0.1:$tport
start_tomcat() { # data root [war]; sets tomcat_pid; echoes nothing
  local data=$1 war=${2:-target/ROOT.war} base=$work/tomcat-base
  rm -rf "$base"; mkdir -p "$base"/{bin,conf,logs,temp,webapps,work}
  cp "$home"/conf/{web.xml,logging.properties,catalina.properties,context.xml} "$base/conf/"
  cp docker/server.xml "$base/conf/server.xml"
  cp docker/setenv.sh "$base/bin/setenv.sh"
  cp "$war" "$base/webapps/ROOT.war"
  CATALINA_HOME=$home CATALINA_BASE=$base SIMPLESTREAMS_DIR=$data UPLOAD_USER=${AUTH%%:*} \
    UPLOAD_PASSWORD=${AUTH#*:} CATALINA_OPTS="-Xmx256m -Dhttp.address=127.0.0.1 -Dhttp.port=$tport ${BENCH_JAVA_OPTS:-}" \
    "$home/bin/catalina.sh" run > "$work/catalina.out" 2>&1 &
  tomcat_pid=$!
}
await_ready() { # seconds to /readyz 200, timeout 1800 s
  local t0=$1
  for _ in $(seq 18000); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$T/readyz")" = 200 ]; then
      python3 -c "import time; print(f'{time.time()-$t0:.3f}')"; return 0
    fi
    kill -0 "$tomcat_pid" 2>/dev/null || { tail -50 "$work/catalina.out" >&2; return 1; }
    sleep 0.1
  done
  return 1
}
first_pass_seconds() { # seconds from $1 to the end of the server's first pass, read once it is over: asking /status
  # during the pass would make a restarted server parse its last publication's model while the pass runs. A WAR
  # without last_change has only the last pass's end, which after 20 s may be an idle pass's.
  local t0=$1 finished
  sleep 20
  for _ in $(seq 600); do
    finished=$(curl -s "$T/status" | python3 -c "import sys,json; i=json.load(sys.stdin)['indexer']
print(i['last_change']['finished'] if 'last_change' in i else i['last_indexed'])" 2>/dev/null) && break
    sleep 1
  done
  python3 -c "import datetime; print(f'{datetime.datetime.fromisoformat(\"$finished\".replace(\"Z\", \"+00:00\")).timestamp() - $t0:.3f}')"
}
stop_tomcat() {
  [ -n "$tomcat_pid" ] || return 0
  kill "$tomcat_pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$tomcat_pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$tomcat_pid" 2>/dev/null || true
  wait "$tomcat_pid" 2>/dev/null || true
  tomcat_pid=""
}
status_field() { curl -s "$T/status" | python3 -c "import sys,json; d=json.load(sys.stdin); print(d$1)"; }
now() { date +%s.%N; }
curl_up() { curl -sS --max-time 600 -o /dev/null -w '%{http_code} %{time_total}\n' "$@"; }
mbps() { python3 -c "print(f'{$bytes/$1/1e6:.1f}')"; } # MB/s of $bytes in $1 seconds

meta=$work/lxd.tar.xz
mkdir -p "$work/meta/templates"
printf 'architecture: x86_64\ncreation_date: 1767225600\nproperties:\n  architecture: x86_64\n  description: bench\n  os: bench\n  release: bench\n  variant: default\ntemplates: {}\n' > "$work/meta/metadata.yaml"
tar -C "$work/meta" -czf "$meta" metadata.yaml templates

if [ "${ROWS:-all}" != builds ]; then # the transfer and small-repository rows, not indented to keep history
# --- nginx, the baseline: DAV PUT to a file on the same disk, sendfile downloads of the same files -------
data=$work/data
mkdir -p "$data/images" "$work/nginx/tmp" "$work/nginx/logs"
nport=$(free_port)
N=http://127.0.0.1:$nport
cat > "$work/nginx/nginx.conf" <<NGX
daemon off;
user root;
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  client_max_body_size 0;
  client_body_temp_path $work/nginx/tmp;
  client_body_buffer_size 1m;
  server {
    listen 127.0.0.1:$nport;
    root $data;
    location /nginx-up/ { dav_methods PUT DELETE; create_full_put_path on; }
  }
}
NGX
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
pids+=($!)
start_tomcat "$data"
t0=$(date +%s.%N)
await_ready "$t0" > /dev/null
log "tomcat (pid $tomcat_pid) on $T, nginx (pid ${pids[0]}) on $N, data in $work"

# --- deltas (issue 18), ROWS=deltas: a Debian rootfs and the same with one package added ---------------------
if [ "${ROWS:-all}" = deltas ]; then
  : "${DELTA_SUITE:=bookworm}" "${DELTA_PACKAGE:=less}"
  # The apt sources' first mirror (either file may be missing).
  mirror=$( (sed -n 's/^URIs: *//p; s/^deb \(\[[^]]*\] \)\?\([^ ]*\).*/\2/p' /etc/apt/sources.list \
    /etc/apt/sources.list.d/* 2>/dev/null || true) | head -1)
  log "mmdebstrap $DELTA_SUITE minbase from $mirror, twice: without and with $DELTA_PACKAGE"
  mmdebstrap -q --variant=minbase --format=directory "$DELTA_SUITE" "$work/v1" "$mirror"
  mmdebstrap -q --variant=minbase --include="$DELTA_PACKAGE" --format=directory "$DELTA_SUITE" "$work/v2" "$mirror"
  for v in v1 v2; do mksquashfs "$work/$v" "$work/$v.squashfs" -noappend -quiet -no-progress; done
  enc_flags=(-B $((64 << 20)) -W $((8 << 20)))
  srv=(); hand=(); rss=()
  for r in $(seq "$RUNS"); do
    prod=debian/$DELTA_SUITE-$r/amd64/default
    for i in 1 2; do
      mkdir -p "$work/meta$r$i"
      printf 'architecture: x86_64\ncreation_date: %s\nproperties:\n  os: debian\n  release: %s\n  variant: default\n' \
        "$((1767225600 + r * 1000 + i))" "$DELTA_SUITE-$r" > "$work/meta$r$i/metadata.yaml"
      tar -C "$work/meta$r$i" -cJf "$work/meta$r$i.tar.xz" metadata.yaml
      dir=$data/images/$prod/2026010${i}_00:00
      mkdir -p "$data/images/$prod/.stage$i"
      cp "$work/meta$r$i.tar.xz" "$data/images/$prod/.stage$i/lxd.tar.xz"
      cp "$work/v$i.squashfs" "$data/images/$prod/.stage$i/rootfs.squashfs"
      mv "$data/images/$prod/.stage$i" "$dir"
      [ $i = 2 ] || until curl -s "$T/streams/v1/images.json" | grep -q "debian:$DELTA_SUITE-$r:"; do sleep 0.2; done
    done
    spent0=$(status_field "['deltas']['seconds_spent']")
    until [ "$(status_field "['deltas']['generated']")" = "$r" ]; do
      [ "$(status_field "['deltas']['failed']")" = 0 ] || { curl -s "$T/status"; exit 1; }
      sleep 0.2
    done
    srv+=("$(python3 -c "print($(status_field "['deltas']['seconds_spent']") - $spent0)")")
    t=$(now)
    /usr/bin/time -f %M -o "$work/rss" xdelta3 -e -f "${enc_flags[@]}" -s "$work/v1.squashfs" "$work/v2.squashfs" \
      "$work/hand.vcdiff"
    hand+=("$(python3 -c "print($(now) - $t)")"); rss+=("$(python3 -c "print($(cat "$work/rss") / 1024)")")
    log "run $r: server ${srv[-1]} s, xdelta3 -e by hand ${hand[-1]} s, peak RSS ${rss[-1]} MiB"
  done
  items=$(curl -s "$T/streams/v1/images.json" | python3 -c "import sys,json; p=json.load(sys.stdin)['products']; \
i=p['debian:$DELTA_SUITE-1:amd64:default']['versions']['20260102_00:00']['items']; \
print(i['rootfs.20260101_00:00.vcdiff']['size'], i['rootfs.squashfs']['size'], i['lxd.tar.xz']['size'])")
  read -r delta_b root_b meta_b <<<"$items"
  row "delta of a Debian $DELTA_SUITE minbase squashfs, $DELTA_PACKAGE added (server-generated)" \
    "the full rootfs.squashfs" "$delta_b" "$root_b" "bytes" "<= DELTA_MAX_PERCENT (50%)"
  row "delta generation by the server (encode, decode check, publish)" "xdelta3 -e -s by hand, same files" \
    "${srv[*]}" "${hand[*]}" "s" "(cost of the check: ~2x)"
  row "bytes a refreshing host downloads, with the delta (lxd.tar.xz + delta)" \
    "without (lxd.tar.xz + rootfs.squashfs)" "$((meta_b + delta_b))" "$((meta_b + root_b))" "bytes" "(saving)"
  row "xdelta3 -e peak RSS with the server's -B 64 MiB -W 8 MiB" "the full rootfs.squashfs, MiB" "${rss[*]}" \
    "$(python3 -c "print($root_b / 1048576)")" "MiB" "bounded"
  stop_tomcat
  python3 bench/report.py "$rows" "ROWS=deltas $CMD" "$mode" "$(nproc) cores" "$(cat /proc/loadavg)" \
    "$work/r.md" "$work/r.json"
  cat "$work/r.md"; exit 0
fi

# --- transfers ---------------------------------------------------------------------------------------------
body=$work/body.bin

if [ "${ROWS:-all}" = signing ]; then # the cost of signing the catalogue (issue 20), one key-less run as baseline
  stop_tomcat
  mkdir -m 700 "$work/gnupg"
  GNUPGHOME=$work/gnupg gpg -q --batch --passphrase '' --quick-gen-key 'bench <bench@example.invalid>' ed25519 sign never
  GNUPGHOME=$work/gnupg gpg -q --batch --armor --export-secret-keys > "$work/signing.asc"
  GNUPGHOME=$work/gnupg gpgconf --kill all
  log "generating $BIG_VERSIONS versions x $BIG_KIB KiB"
  mkdir -p "$work/big"; tool gen "$work/big" "$BIG_VERSIONS" $((BIG_KIB * 1024)) "$meta" 2
  declare -A disk_us served_us sent_us
  for r in $(seq "$RUNS"); do
    for side in unsigned signed; do
      if [ $side = signed ]; then export SIGNING_KEY=$work/signing.asc; else unset SIGNING_KEY; fi
      t0=$(now); start_tomcat "$work/big"; await_ready "$t0" > /dev/null
      out=$(tool visible "$T" "$work/big" "$VIS_COUNT" "$AUTH" "$meta" "vis-$side-$r")
      disk_us[$side]+=" $(sed -n 's/^disk_us //p' <<<"$out")"; served_us[$side]+=" $(sed -n 's/^served_us //p' <<<"$out")"
      sent_us[$side]+=" $(sed -n 's/^sent_us //p' <<<"$out")"
      log "run $r, $side: $VIS_COUNT uploads done"
      stop_tomcat
    done
  done
  unset SIGNING_KEY
  row "root upload sent -> catalogue on disk, $BIG_VERSIONS versions, SIGNING_KEY set (.sjson written first)" "same server, no key" "${disk_us[signed]}" "${disk_us[unsigned]}" "us" "<= 1.1x"
  row "upload response -> visible in the served catalogue, $BIG_VERSIONS versions, SIGNING_KEY set" "same server, no key" "${served_us[signed]}" "${served_us[unsigned]}" "us" "<= 1.1x"
  row "root upload sent -> visible in the served catalogue, $BIG_VERSIONS versions, SIGNING_KEY set (signing happens before the answer)" "same server, no key" "${sent_us[signed]}" "${sent_us[unsigned]}" "us" "<= 1.1x"
  python3 bench/report.py "$rows" "ROWS=signing $CMD" "$mode" "$(nproc) cores" "$(cat /proc/loadavg)" "$work/r.md" "$work/r.json"
  cat "$work/r.md"; exit 0
fi
if [ "${ROWS:-all}" = access ]; then # the cost of access control (issue 14): the same server without ACCESS_FILE
  stop_tomcat
  log "generating $BIG_VERSIONS versions x $BIG_KIB KiB and one $XFER_MIB MiB image file"
  acc=$work/access-data; mkdir -p "$acc"; tool gen "$acc" "$BIG_VERSIONS" $((BIG_KIB * 1024)) "$meta" 2
  dl=bench/dl/amd64/default/20260101_00:00
  mkdir -p "$acc/images/$dl"; cp "$meta" "$acc/images/$dl/lxd.tar.xz"
  tool file "$acc/images/$dl/rootfs.squashfs" $((XFER_MIB * 1048576)) 42
  bytes=$((XFER_MIB * 1048576))
  # One PBKDF2 hash for every user: each login is checked against its own user's entry all the same.
  hash=$("$home/bin/digest.sh" -a PBKDF2WithHmacSHA512 -i 210000 -s 16 -k 512 \
    -h org.apache.catalina.realm.SecretKeyCredentialHandler bench-reader-secret | sed 's/.*://')
  # 99 team views and their writers, and the view read here: every user may read it, through a role.
  python3 - "$hash" > "$work/access.json" <<'PY'
import json, sys
h = sys.argv[1]
users = {f"user-{i:04d}": {"password_hash": h, "roles": [f"team-{i % 99:02d}", "bench-readers"]} for i in range(1000)}
views = {f"team-{t:02d}": {"roles": [f"team-{t:02d}"], "under": [f"images/team-{t:02d}/"]} for t in range(99)}
views["bench"] = {"roles": ["bench-readers"], "under": ["images/bench/"]}
writers = [{"roles": [f"team-{t:02d}"], "may": ["create"], "under": [f"images/team-{t:02d}/"]} for t in range(99)]
print(json.dumps({"users": users, "writers": writers, "views": views}))
PY
  reader=user-0999:bench-reader-secret
  declare -A dl_mbps cat_us
  for r in $(seq "$RUNS"); do
    for side in off on; do
      if [ $side = on ]; then export ACCESS_FILE=$work/access.json; v=$T/v/bench; a=$reader; basic=(-u "$a")
      else unset ACCESS_FILE; v=$T; a=-; basic=(); fi
      t0=$(now); start_tomcat "$acc"; await_ready "$t0" > /dev/null
      cat "$acc/images/$dl/rootfs.squashfs" > /dev/null
      # Catalogue first, as clients do: it is the request that pays for the login's PBKDF2 check.
      cat_us[$side]+=" $(tool latency "$v/streams/v1/images.json" 200 "$a" | sed -n 's/^us //p')"
      read -r code t <<<"$(curl_up "${basic[@]}" "$v/images/$dl/rootfs.squashfs")"
      [ "$code" = 200 ] || { echo "download through $v: $code" >&2; exit 1; }
      dl_mbps[$side]+=" $(mbps "$t")"
      log "run $r, access $side: download ${dl_mbps[$side]##* } MB/s"
      stop_tomcat
    done
  done
  unset ACCESS_FILE
  row "download $XFER_MIB MiB through a private view (Basic), ACCESS_FILE: 100 views, 1000 users" "same server, no ACCESS_FILE, /images/" "${dl_mbps[on]}" "${dl_mbps[off]}" "MB/s" ">= 0.95x"
  row "GET images.json of a private view (Basic, kept-alive), $BIG_VERSIONS versions, 100 views, 1000 users" "same server, no ACCESS_FILE, /streams/v1/" "${cat_us[on]}" "${cat_us[off]}" "us" "<= 1.05x"
  python3 bench/report.py "$rows" "ROWS=access $CMD" "$mode" "$(nproc) cores" "$(cat /proc/loadavg)" "$work/r.md" "$work/r.json"
  cat "$work/r.md"; exit 0
fi
tool file "$body" $((XFER_MIB * 1048576)) 42
bytes=$((XFER_MIB * 1048576))
vid=0
newdir() { vid=$((vid+1)); d="bench/up$vid/amd64/default/20260101_00:00"; } # sets d (no subshell: vid must count)
put_t=(); put_n=(); mp_t=(); dd_n=()
log "uploads: $RUNS x ($XFER_MIB MiB PUT to nginx, PUT to Tomcat, multipart to Tomcat, dd to the disk), alternating"
for r in $(seq "$RUNS"); do
  read -r code t <<<"$(curl_up -T "$body" "$N/nginx-up/run$r.bin")"; [ "${code:0:1}" = 2 ] || { echo "nginx PUT $code" >&2; exit 1; }
  put_n+=("$(mbps "$t")"); rm -f "$data/nginx-up/run$r.bin"
  newdir; curl_up -u "$AUTH" -T "$meta" "$T/images/$d/lxd.tar.xz" > /dev/null
  read -r code t <<<"$(curl_up -u "$AUTH" -T "$body" "$T/images/$d/rootfs.squashfs")"; [ "${code:0:1}" = 2 ] || { echo "PUT $code" >&2; exit 1; }
  put_t+=("$(mbps "$t")"); rm -rf "$data/images/$d"
  newdir; curl_up -u "$AUTH" -T "$meta" "$T/images/$d/lxd.tar.xz" > /dev/null
  read -r code t <<<"$(curl_up -u "$AUTH" -F "f=@$body;filename=$d/rootfs.squashfs" "$T/images/")"; [ "${code:0:1}" = 2 ] || { echo "multipart $code" >&2; exit 1; }
  mp_t+=("$(mbps "$t")"); rm -rf "$data/images/$d"
  # nginx answers before its file is on disk; we answer after (fsync before the rename that publishes), so
  # the disk's own sequential write rate is the other limit.
  t0=$(date +%s.%N); dd if="$body" of="$data/dd-run$r.bin" bs=4M oflag=direct status=none; t1=$(date +%s.%N)
  dd_n+=("$(mbps "$(python3 -c "print($t1-$t0)")")"); rm -f "$data/dd-run$r.bin"
  log "run $r: nginx PUT ${put_n[-1]} MB/s, Tomcat PUT ${put_t[-1]} MB/s, multipart ${mp_t[-1]} MB/s, dd direct ${dd_n[-1]} MB/s"
done
row "upload $XFER_MIB MiB, PUT (curl -T), hash included" "nginx DAV PUT to a file" "${put_t[*]}" "${put_n[*]}" "MB/s" ">= 0.8x"
row "upload $XFER_MIB MiB, PUT, on disk when answered" "dd oflag=direct of the same file, same disk" "${put_t[*]}" "${dd_n[*]}" "MB/s" "(context: the disk)"
row "upload $XFER_MIB MiB, multipart (curl -F), hash included" "our PUT" "${mp_t[*]}" "${put_t[*]}" "MB/s" ">= 0.7x"

# downloads of one file served by both
dl=bench/dl/amd64/default/20260101_00:00
mkdir -p "$data/images/$dl"; cp "$body" "$data/images/$dl/rootfs.squashfs"
cat "$data/images/$dl/rootfs.squashfs" > /dev/null
dl_t=(); dl_n=()
for r in $(seq "$RUNS"); do
  read -r code t <<<"$(curl_up "$N/images/$dl/rootfs.squashfs")"; [ "$code" = 200 ] || exit 1; dl_n+=("$(mbps "$t")")
  read -r code t <<<"$(curl_up "$T/images/$dl/rootfs.squashfs")"; [ "$code" = 200 ] || exit 1; dl_t+=("$(mbps "$t")")
  log "run $r: download nginx ${dl_n[-1]} MB/s, Tomcat ${dl_t[-1]} MB/s"
done
row "download $XFER_MIB MiB image file" "nginx sendfile, same file" "${dl_t[*]}" "${dl_n[*]}" "MB/s" ">= 0.9x"

if [ "${ROWS:-all}" = transfers ]; then # ROWS=transfers: only the rows above, for iterating on a fix
  stop_tomcat
  python3 bench/report.py "$rows" "ROWS=transfers $CMD" "$mode" "$(nproc) cores" "$(cat /proc/loadavg)" "$work/r.md" "$work/r.json"
  cat "$work/r.md"; exit 0
fi

# 32 downloads while 4 uploads, bounded by count and --max-time; the same mix served by nginx (sendfile, and DAV
# PUTs that neither hash nor wait for the disk) is what this machine gives for it, measured alternately.
mix() { # base, upload URL prefix, then curl's options for the uploads; prints "<aggregate MB/s> <errors>"
  local base=$1 up=$2 c0 c1 cpids=() fails=0 bad i; shift 2
  c0=$(now)
  for i in $(seq 32); do curl -sS --max-time 600 -o /dev/null -w '%{http_code}\n' "$base/images/$dl/rootfs.squashfs" > "$work/dl-$i.out" & cpids+=($!); done
  for i in $(seq 4); do curl -sS --max-time 600 "$@" -o /dev/null -w '%{http_code}\n' -T "$body" "$up$i/rootfs.squashfs" > "$work/ul-$i.out" & cpids+=($!); done
  for p in "${cpids[@]}"; do wait "$p" || fails=$((fails+1)); done
  c1=$(now)
  bad=$(cat "$work"/dl-*.out "$work"/ul-*.out | grep -cv '^20[01]$' || true)
  echo "$(python3 -c "print(f'{36*$bytes/($c1-$c0)/1e6:.1f}')") $((bad+fails))"
}
log "32 concurrent downloads while 4 uploads, $RUNS x (nginx, Tomcat) alternating"
mix_t=(); mix_n=(); mix_errors=0
for r in $(seq "$RUNS"); do
  read -r a e <<<"$(mix "$N" "$N/nginx-up/mix$r-")"; mix_n+=("$a"); rm -rf "$data"/nginx-up/mix*
  read -r a e <<<"$(mix "$T" "$T/images/bench/mix$r/amd64/default/20260101_00:0" -u "$AUTH")"; mix_t+=("$a")
  mix_errors=$((mix_errors + e)); rm -rf "$data/images/bench/mix$r"
  log "run $r: nginx ${mix_n[-1]} MB/s, Tomcat ${mix_t[-1]} MB/s aggregate, errors $e"
done
single=$(python3 -c "import statistics; print(statistics.median([$(IFS=,; echo "${dl_t[*]}")]))")
row "32 downloads + 4 uploads concurrently (errors: $mix_errors)" "single-stream download" "${mix_t[*]}" "$single" "MB/s aggregate" ">= 0.8x, no errors"
row "32 downloads + 4 uploads concurrently (errors: $mix_errors)" "nginx, the same mix (no hashing, answers before the disk)" "${mix_t[*]}" "${mix_n[*]}" "MB/s aggregate" "(the machine's limit for the mix)"

# memory: a MEM_MIB upload with -Xmx256m
mem_ok=fail
if [ "$MEM_MIB" -gt 0 ]; then
  big=$work/mem.bin; tool file "$big" $((MEM_MIB * 1048576)) 7
  newdir
  read -r code t <<<"$(curl_up -u "$AUTH" -T "$big" "$T/images/$d/rootfs.squashfs")"
  [ "${code:0:1}" = 2 ] && mem_ok=ok
  hwm=$(awk '/VmHWM/{print $2/1024}' /proc/$tomcat_pid/status)
  rm -f "$big"; rm -rf "$data/images/bench/up$vid"
  row "$MEM_MIB MiB upload with -Xmx256m ($mem_ok, HTTP $code)" "-" "$(python3 -c "print(f'{$MEM_MIB*1048576/$t/1e6:.1f}')")" "" "MB/s; peak RSS ${hwm} MiB" "works"
  log "memory: $MEM_MIB MiB upload $mem_ok ($code), peak RSS $hwm MiB"
fi

# latencies on a small repository
log "upload -> visible, $VIS_COUNT uploads (small repository)"
out=$(tool visible "$T" "$data" "$VIS_COUNT" "$AUTH" "$meta" vis)
row "upload response -> visible in the served catalogue (small repo)" "predecessor 15.06 s" "$(sed -n 's/^served_us //p' <<<"$out")" "15060000" "us" "p99 <= 100 ms"
log "copy -> visible, 5 copies"
out=$(tool copyvisible "$T" "$data" 5 "$meta" copied)
row "cp -r of a version -> visible in the served catalogue" "predecessor >= 15 s" "$(sed -n 's/^served_us //p' <<<"$out")" "15000000" "us" "<= 2 s"
stop_tomcat
fi

# --- full builds ---------------------------------------------------------------------------------------------
# The build's pass: /status keeps it as last_change once idle passes follow; a WAR before that field has only
# the last pass, which is the build's only if no idle pass came before the server was ready.
build_pass_seconds() {
  curl -s "$T/status" | python3 -c "import sys,json; i=json.load(sys.stdin)['indexer']; c=i.get('last_change')
print((c['duration_ms'] if c else i['last_duration_ms'])/1000)"
}
full_build() { # repo war label run prefix; appends to the caller's ${prefix}full, pass, cold, coldpass, coldfiles
  local repo=$1 war=$2 label=$3 r=$4 s
  local -n _full=${5}full _pass=${5}pass _cold=${5}cold _coldpass=${5}coldpass _coldfiles=${5}coldfiles
  rm -rf "$repo/.state" "$repo/streams"
  t0=$(now); start_tomcat "$repo" "$war"; s=$(await_ready "$t0")
  _full+=("$s"); _pass+=("$(build_pass_seconds)")
  log "$label run $r: full build (start to ready) $s s, index pass ${_pass[-1]} s, files hashed $(status_field "['indexer']['files_hashed']")"
  stop_tomcat
  t0=$(now); start_tomcat "$repo" "$war"; s=$(await_ready "$t0")
  # A restart may be ready before its first pass has checked the tree: files re-read are counted after it.
  _cold+=("$s"); _coldpass+=("$(first_pass_seconds "$t0")")
  _coldfiles+=("$(status_field "['indexer']['files_hashed']")")
  log "$label run $r: restart with the cache $s s, first pass done ${_coldpass[-1]} s, files re-read ${_coldfiles[-1]}"
}
build_rows() { # name versions kib
  local name=$1 versions=$2 kib=$3 repo=$work/$1
  log "generating $versions versions x $kib KiB in $repo"
  mkdir -p "$repo"; tool gen "$repo" "$versions" $((kib * 1024)) "$meta" 2
  local raw=() full=() cold=() coldpass=() coldfiles=() pass=() b_full=() b_cold=() b_coldpass=() b_coldfiles=()
  local b_pass=()
  local what="$versions versions ($((versions * kib / 1024)) MiB)"
  local base="raw 2x SHA-256 (each byte through two digests), 2 threads, same files"
  for r in $(seq "$BUILD_RUNS"); do
    raw+=("$(tool rawhash "$repo/images" 2 2 | sed -n 's/^seconds //p')")
    log "$name run $r: raw SHA-256, 2 threads, 2 digests per byte ${raw[-1]} s"
    # The two WARs take turns going first: the second build of a run starts after the first one's restart and 20 s
    # of idle, and came out up to 0.9 s slower than the first for the same WAR on this machine.
    if [ -n "${BEFORE_WAR:-}" ] && [ $((r % 2)) = 1 ]; then
      full_build "$repo" "$BEFORE_WAR" "$name (before)" "$r" b_; stop_tomcat
    fi
    full_build "$repo" target/ROOT.war "$name" "$r" ""
    if [ -n "${BEFORE_WAR:-}" ] && [ $((r % 2)) = 0 ]; then
      stop_tomcat; full_build "$repo" "$BEFORE_WAR" "$name (before)" "$r" b_
      if [ "$r" = "$BUILD_RUNS" ]; then # the rows after the builds measure this checkout's server
        stop_tomcat; start_tomcat "$repo"; await_ready "$(now)" > /dev/null
      fi
    fi
    [ "$r" = "$BUILD_RUNS" ] || stop_tomcat
  done
  if [ -n "${BEFORE_WAR:-}" ]; then
    row "before: full build, empty cache, $what, start to ready" "$base" "${b_full[*]}" "${raw[*]}" "s" "<= 1.5x"
    row "before: indexing pass alone (/status last_duration_ms), $what, empty cache" "$base" "${b_pass[*]}" "${raw[*]}" "s" "<= 1.2x"
    row "before: restart, cache present, $versions versions (files re-read: ${b_coldfiles[*]})" "start with an empty cache" "${b_cold[*]}" "${b_full[*]}" "s" "<= 3 s, 0 files"
    row "before: restart, cache present, $versions versions, to the first pass's end" "start with an empty cache" "${b_coldpass[*]}" "${b_full[*]}" "s" "-"
  fi
  row "full build, empty cache, $what, start to ready" "$base" "${full[*]}" "${raw[*]}" "s" "<= 1.5x"
  row "indexing pass alone (/status last_change), $what, empty cache" "$base" "${pass[*]}" "${raw[*]}" "s" "<= 1.2x"
  row "restart, cache present, $versions versions (files re-read: ${coldfiles[*]})" "start with an empty cache" "${cold[*]}" "${full[*]}" "s" "<= 3 s, 0 files"
  row "restart, cache present, $versions versions, to the first pass's end" "start with an empty cache" "${coldpass[*]}" "${full[*]}" "s" "-"
}
build_rows big "$BIG_VERSIONS" "$BIG_KIB"
if [ "${ROWS:-all}" != builds ]; then # the server is still up on the big repository
log "one new version into the $BIG_VERSIONS-version repository, $VIS_COUNT uploads"
out=$(tool visible "$T" "$work/big" "$VIS_COUNT" "$AUTH" "$meta" vis)
row "root upload sent -> new catalogue on disk (at most its round trip), $BIG_VERSIONS versions" "full rebuild (above)" "$(sed -n 's/^disk_us //p' <<<"$out")" "" "us" "<= 50 ms"
row "upload response -> visible in the served catalogue, $BIG_VERSIONS versions" "predecessor 15.35 s" "$(sed -n 's/^served_us //p' <<<"$out")" "15350000" "us" "p99 <= 100 ms"
plain=$(curl -s -o /dev/null -w '%{size_download}' "$T/streams/v1/images.json")
gz=$(curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' -D "$work/h" "$T/streams/v1/images.json")
enc=$(grep -i '^content-encoding' "$work/h" | tr -d '\r' | cut -d' ' -f2 || true)
row "images.json, $BIG_VERSIONS versions, Accept-Encoding: gzip (Content-Encoding: ${enc:-none})" "uncompressed" "$gz" "$plain" "bytes" "gzip when asked"
fi
stop_tomcat
rm -rf "$work/big"
if [ "$WIDE_VERSIONS" -gt 0 ]; then build_rows wide "$WIDE_VERSIONS" "$WIDE_KIB"; stop_tomcat; rm -rf "$work/wide"; fi

# --- report --------------------------------------------------------------------------------------------------
machine=$(printf 'nproc %s; %s; RAM %s; disk %s; kernel %s' "$(nproc)" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
  "$(free -h | awk '/Mem:/{print $2}')" \
  "$(df -h "$work" | awk 'NR==2{print $1" ("$2", "$5" used)"}')" "$(uname -r)")
if [ "${ROWS:-all}" != all ]; then
  python3 bench/report.py "$rows" "ROWS=$ROWS $CMD" "$mode" "$machine" "$(cat /proc/loadavg)" "$work/r.md" "$work/r.json"
  cat "$work/r.md"; exit 0
fi
python3 bench/report.py "$rows" "$CMD" "$mode" "$machine" "$(cat /proc/loadavg)" bench/RESULTS.md bench/results.json
cat bench/RESULTS.md
