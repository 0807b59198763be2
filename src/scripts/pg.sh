#!/usr/bin/env bash
# The embedded PostgreSQL: a private cluster under DATA_DIR, listening only
# on a Unix socket in DATA_DIR/pg-socket (no TCP), database "abri", role
# "abri". Used by `up.sh` when no DSN is configured and by the test harness.
#
#   pg.sh start DATA_DIR    initdb if needed, then start (idempotent)
#   pg.sh stop DATA_DIR
#   pg.sh dsn DATA_DIR      print the libpq connection string
#   pg.sh reachable DATA_DIR   exit 0 if the cluster's owner can reach DATA_DIR
#
# PostgreSQL refuses to run as root: when run as root the cluster belongs to
# the unprivileged system user $ABRI_PG_USER (default "abri"), created if
# missing.
set -euo pipefail

cmd=${1:?usage: pg.sh start|stop|dsn DATA_DIR}
dir=${2:?usage: pg.sh start|stop|dsn DATA_DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
pgdata=$dir/pgdata
sock=$dir/pg-socket
log=$dir/postgresql.log

PGBIN=${PGBIN:-}
if [ -z "$PGBIN" ]; then
  for v in 17 16 15; do
    [ -x /usr/lib/postgresql/$v/bin/initdb ] && { PGBIN=/usr/lib/postgresql/$v/bin; break; }
  done
fi
[ -n "$PGBIN" ] || { echo "pg.sh: PostgreSQL server binaries not found (run src/scripts/deps.sh)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    # From /: the unprivileged user may not enter the caller's directory.
    (cd / && runuser -u "$PGUSER_OS" -- "$@")
  else
    "$@"
  fi
}

PGUSER_OS=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  PGUSER_OS=${ABRI_PG_USER:-abri}
  id "$PGUSER_OS" >/dev/null 2>&1 ||
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PGUSER_OS"
fi

reachable() { [ "$(id -u)" -ne 0 ] || runuser -u "$PGUSER_OS" -- test -x "$dir"; }
if [ "$cmd" = reachable ]; then reachable; exit; fi
if [ "$cmd" = start ] && ! reachable; then
  echo "pg.sh: $dir is not reachable by the unprivileged user $PGUSER_OS that runs PostgreSQL" >&2
  echo "pg.sh: (a parent directory is private); choose another data directory, e.g. ABRI_DATA_DIR=/var/lib/abri" >&2
  exit 1
fi

case "$cmd" in
dsn)
  echo "host=$sock dbname=abri user=abri"
  ;;
start)
  if [ ! -s "$pgdata/PG_VERSION" ]; then
    mkdir -p "$pgdata" "$sock"
    [ "$(id -u)" -eq 0 ] && chown "$PGUSER_OS" "$pgdata" "$sock"
    chmod 700 "$pgdata"
    # The socket directory is the access boundary (trust auth on a socket
    # only the owner, and root, can reach).
    chmod 700 "$sock"
    # 1 MiB WAL segments: the housekeeping switches segments after
    # activity (docs/operations.md, "Housekeeping"), each switch costs a
    # new segment file. (ABRI_PG_WAL_SEGSIZE: bench/wal-residue.sh makes a
    # cluster with PostgreSQL's default of 16 to compare.)
    as_owner "$PGBIN/initdb" -D "$pgdata" -U abri -A trust -E UTF8 --locale=C.UTF-8 \
      --wal-segsize="${ABRI_PG_WAL_SEGSIZE:-1}" >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  # abri's settings live in their own file, rewritten at every start so a
  # cluster made by an older pg.sh gets them too.
  grep -q "^include_if_exists = 'abri.conf'" "$pgdata/postgresql.conf" ||
    echo "include_if_exists = 'abri.conf'" | as_owner tee -a "$pgdata/postgresql.conf" >/dev/null
  # Segment size in MiB (1 here; 16 in clusters made by older versions).
  seg=$(( $(as_owner "$PGBIN/pg_controldata" "$pgdata" | awk -F: '/Bytes per WAL segment/ {print $2}') / 1048576 ))
  as_owner tee "$pgdata/abri.conf" >/dev/null <<CONF
# Written by abri's src/scripts/pg.sh at every start: edits are lost.
# Why each setting: SECURITY.md, "What a copy of the server shows", and
# docs/operations.md, "PostgreSQL settings".
# Unix socket only.
listen_addresses = ''
unix_socket_directories = '$sock'
unix_socket_permissions = 0700
# No commit times kept apart from the WAL.
track_commit_timestamp = off
# The WAL: no archive, no replica, the least that must be logged, and old
# segments deleted rather than kept for reuse with their old bytes.
archive_mode = off
wal_level = minimal
max_wal_senders = 0
wal_keep_size = 0
wal_recycle = off
wal_init_zero = on
min_wal_size = $((2 * seg))MB
max_wal_size = $((seg > 8 ? 4 * seg : 32))MB
# The server log: no time, no process id, no statement, no connection,
# no checkpoint or vacuum report, no detail that could quote a value.
log_line_prefix = ''
log_connections = off
log_disconnections = off
log_statement = 'none'
log_min_duration_statement = -1
log_min_error_statement = panic
log_error_verbosity = terse
log_checkpoints = off
log_autovacuum_min_duration = -1
log_lock_waits = off
log_temp_files = -1
log_parameter_max_length = 0
log_parameter_max_length_on_error = 0
fsync = on
synchronous_commit = on
CONF
  if as_owner "$PGBIN/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
    :
  else
    touch "$log"; [ "$(id -u)" -eq 0 ] && chown "$PGUSER_OS" "$log"
    as_owner "$PGBIN/pg_ctl" -D "$pgdata" -l "$log" -w -t 60 start >/dev/null ||
      { tail -n 30 "$log" >&2; exit 1; }
  fi
  if ! as_owner "$PGBIN/psql" -h "$sock" -U abri -d postgres -Atqc "select 1 from pg_database where datname='abri'" | grep -q 1; then
    as_owner "$PGBIN/createdb" -h "$sock" -U abri abri
  fi
  ;;
stop)
  if [ -s "$pgdata/PG_VERSION" ]; then
    as_owner "$PGBIN/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1 || true
  fi
  ;;
*)
  echo "pg.sh: unknown command $cmd" >&2; exit 1
  ;;
esac
