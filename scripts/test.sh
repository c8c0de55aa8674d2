#!/usr/bin/env bash
# Runs every test on a fresh Debian 12 machine (as root): installs what is
# missing (scripts/setup.sh), starts a throwaway PostgreSQL for the hall's
# PostgreSQL suite, then `make test`. This is the README's test command and
# what CI runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
start=$SECONDS
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
# make test ends with package-check: the Windows cross-build, the .debs and
# the hall binary, so setup installs the packaging tools too.
export SETUP_PACKAGING="${SETUP_PACKAGING:-1}"

bash scripts/setup.sh

if [[ -z "${YIZHAN_PG_DSN:-}" ]]; then
	# A failed start inside $(…) would not stop the script: check it.
	pgenv="$(bash scripts/pg-start.sh)" || {
		echo "test: could not start PostgreSQL (is port ${YIZHAN_PG_PORT:-55432} taken by another cluster?)" >&2
		exit 1
	}
	eval "$pgenv"
	trap 'su postgres -s /bin/sh -c "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)/pg_ctl -D $YIZHAN_PG_DATA -m immediate stop" >/dev/null 2>&1 || true' EXIT
fi
# PostgreSQL tests never skip when this is set.
export YIZHAN_REQUIRE_PG=1

make test
echo "all tests passed in $((SECONDS - start))s"
