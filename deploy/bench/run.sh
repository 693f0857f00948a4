#!/usr/bin/env bash
# make bench: a same-run Postgres baseline (pgbench -N -c 8 -j 2), then the
# platform end to end on the same machine, so the ratio can be compared.
set -euo pipefail
cd "$(dirname "$0")/../.."
ADMIN_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
DURATION=${BENCH_DURATION:-15}
DB=pgbench_baseline_$$

psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
trap 'psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
PGURL=${ADMIN_URL/\/postgres\?/\/$DB?}
echo "baseline: pgbench -i -s 10, then pgbench -N -c 8 -j 2 -T $DURATION"
pgbench -q -i -s 10 "$PGURL" >/dev/null 2>&1
out=$(pgbench -N -c 8 -j 2 -T "$DURATION" "$PGURL" 2>&1)
tps=$(echo "$out" | sed -nE 's/^tps = ([0-9.]+) \(without initial connection time\)/\1/p')
echo "  pgbench -N -c 8: ${tps} TPS"
psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null

go run ./deploy/devstack/bench -db "$ADMIN_URL" -duration "${DURATION}s" -pgbench-tps "$tps" "$@"

# One replica's mailer: queued e-mails sent to a local SMTP server through
# the Postgres queue, by one worker and by MAIL_WORKERS' default (4).
echo "mailer: e-mails/s of one replica (pkg/mailer BenchmarkMailer)"
TEST_DATABASE_URL=$ADMIN_URL go test -run '^$' -bench BenchmarkMailer -benchtime 5x ./pkg/mailer/ | grep -E 'e-mails/s'

# takeover-matching: a new listing matched against N open searches and a
# new search against N listings (N = 10,000 then 100,000): p50/p99 of one
# match pass, and how many candidates it read (they follow the market
# sharing its sector and area, not the market).
echo "takeover matching: one match pass (services/takeover-matching BenchmarkMatching)"
TEST_DATABASE_URL=$ADMIN_URL go test -run '^$' -bench BenchmarkMatching -benchtime 300x \
  ./services/takeover-matching/internal/adapters/postgres/ | grep -E 'p99-ms'

# difficulty-alert: the daily rescoring of 100,000 businesses after a
# day's decay (s/run, businesses/s), and a burst of 10,000 signals applied
# as the BODACC import applies them, each rescoring its business in the
# same transaction (s/burst, signals/s).
echo "difficulty scoring: daily rescoring and a burst of signals (services/difficulty-alert BenchmarkDailyRescoring, BenchmarkSignalBurst)"
TEST_DATABASE_URL=$ADMIN_URL go test -run '^$' -bench 'BenchmarkDailyRescoring|BenchmarkSignalBurst' -benchtime 2x \
  ./services/difficulty-alert/internal/adapters/postgres/ | grep -E 's/run|s/burst'
