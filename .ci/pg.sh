#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster on 127.0.0.1 (a free high port, trust auth,
# fsync off), with TEST_DATABASE_URL exported; stops the cluster and deletes it afterwards, whatever
# happens. Exits with the command's status.
#
#   .ci/pg.sh npx vitest run --project db
#
# Needs the Debian `postgresql` package (apt-get install -y postgresql). apt never starts the
# service here, and initdb refuses to run as root, so as root the cluster runs as the postgres user.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 <command> [args…]   (runs the command with TEST_DATABASE_URL set)" >&2
  exit 2
fi

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
  echo "pg.sh: PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin." >&2
  echo "pg.sh: install them with: apt-get update && apt-get install -y postgresql" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  AS_PG=(runuser -u postgres --)
else
  AS_PG=()
fi

# Under /tmp (not $TMPDIR): the postgres user must reach it and the socket path must stay short.
PG_DIR=$(mktemp -d /tmp/cermin-pg.XXXXXX)
chmod 700 "$PG_DIR"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DIR"

pg_cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
  exit "$status"
}
trap pg_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{const p=s.address().port;s.close(()=>console.log(p))})'
}

"${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 || {
  cat "$PG_DIR/initdb.log" >&2
  exit 1
}

# A port picked from the kernel can be taken before postgres binds it: retry a few times.
PG_PORT=""
for _ in 1 2 3 4 5; do
  port=$(free_port)
  if "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null; then
    PG_PORT=$port
    break
  fi
done
if [ -z "$PG_PORT" ]; then
  echo "pg.sh: PostgreSQL did not start; server log:" >&2
  cat "$PG_DIR/server.log" >&2 || true
  exit 1
fi

export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
# For commands that restart the cluster (bench/reliability.ts): pg_ctl -D "$TEST_PG_DATA", as TEST_PG_USER when root.
export TEST_PG_DATA="$PG_DIR/data" TEST_PG_BIN="$PG_BIN" TEST_PG_USER=postgres
echo "pg.sh: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (data in $PG_DIR)"

# In the background so a TERM/INT to this script is handled at once (bash defers traps until a
# foreground child exits): the signal is passed on to the command, then the cluster is removed.
CHILD=""
forward() {
  [ -n "$CHILD" ] && kill "-$1" "$CHILD" 2>/dev/null
  wait "$CHILD" 2>/dev/null || true
  exit "$2"
}
trap 'forward INT 130' INT
trap 'forward TERM 143' TERM
"$@" <&0 &
CHILD=$!
set +e
wait "$CHILD"
status=$?
set -e
exit "$status"
