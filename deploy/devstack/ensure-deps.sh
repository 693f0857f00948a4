#!/usr/bin/env bash
# ensure-deps.sh run|test: finds, or installs and starts, what `make run`
# (Postgres) and `make test` (Postgres and Chromium) need on this machine,
# one `deps:` line a step, and does nothing when it is all there.
#
# Postgres is the local server the README and the tests name: 127.0.0.1:5432,
# user postgres, trusted over loopback. On Debian and Ubuntu the script
# installs it with apt-get, creates its cluster if there is none, starts it
# and makes pg_hba.conf trust loopback connections. It leaves Postgres alone
# when DATABASE_URL is set (run) or TEST_DATABASE_URL names another server
# (test). Chromium (Debian package chromium) drives the browser tests.
#
# Where it cannot install (macOS, no apt-get, not root and no password-less
# sudo) it changes nothing, prints the commands to run and exits 1.
#
# Every command is looked up on PATH and every place it reads comes from a
# variable below, so that ensuredeps_test.go can run it against recording
# stubs without touching the machine.
set -euo pipefail

PG_ETC=${PG_ETC:-/etc/postgresql}     # clusters' configuration (pg_hba.conf)
PG_LIB=${PG_LIB:-/usr/lib/postgresql} # installed server versions
DEPS_WAIT_TRIES=${DEPS_WAIT_TRIES:-60} # half-seconds to wait for the server
PG_HOST=127.0.0.1
PG_PORT=5432
# Debian's default is scram-sha-256 over TCP; the tests connect without a
# password. Only the loopback lines change.
HBA_TRUST='s/^(host\s+all\s+all\s+127\.0\.0\.1\/32\s+)\S+/\1trust/; s/^(host\s+all\s+all\s+::1\/128\s+)\S+/\1trust/'
# The names pkg/testkit/browsertest looks for, in its order.
CHROMIUM_NAMES=(chromium chromium-browser google-chrome google-chrome-stable headless-shell)

say() { echo "deps: $*"; }
fail() {
	echo "deps: $*" >&2
	exit 1
}

# --- Postgres -----------------------------------------------------------

# pg_trusts: the tests' own connection works (the one check on a ready machine).
pg_trusts() {
	command -v psql >/dev/null 2>&1 &&
		PGCONNECT_TIMEOUT=3 psql -X -w -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1
}

pg_answers() {
	command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h "$PG_HOST" -p "$PG_PORT"
}

# pg_server_version prints the newest server version installed, if any.
pg_server_version() {
	local bin v best=
	for bin in "$PG_LIB"/*/bin/postgres; do
		[[ -e $bin ]] || continue
		v=${bin%/bin/postgres}
		v=${v##*/}
		if [[ -z $best ]] || ((${v%%.*} > ${best%%.*})); then best=$v; fi
	done
	[[ -n $best ]] && echo "$best"
}

pg_installed() {
	command -v pg_ctlcluster >/dev/null 2>&1 && [[ -n $(pg_server_version) ]]
}

# read_clusters sets CL_VER, CL_NAME, CL_STATUS to the cluster on $PG_PORT
# (empty if none) and CL_OTHERS to the clusters on other ports.
read_clusters() {
	CL_VER='' CL_NAME='' CL_STATUS='' CL_OTHERS=''
	local ver name port status rest
	while read -r ver name port status rest; do
		[[ -n $ver ]] || continue
		if [[ $port == "$PG_PORT" ]]; then
			CL_VER=$ver CL_NAME=$name CL_STATUS=$status
		else
			CL_OTHERS+="${CL_OTHERS:+, }$ver/$name on port $port"
		fi
	done < <(pg_lsclusters -h 2>/dev/null || true)
}

wait_for() {
	local i
	for ((i = 0; i < DEPS_WAIT_TRIES; i++)); do
		"$@" && return 0
		sleep 0.5
	done
	"$@"
}

foreign() {
	fail "postgres: something answers on $PG_HOST:$PG_PORT but user postgres cannot connect without a password," \
		"and it is no local cluster of this machine; point DATABASE_URL (make run) or TEST_DATABASE_URL (make test)" \
		"at a superuser URL of it, or stop it"
}

# probe_postgres sets PG_TODO to what the local server needs: nothing (ready),
# install, create, start or trust. It only reads.
probe_postgres() {
	PG_TODO=''
	pg_trusts && return 0
	local answers=0
	pg_answers && answers=1
	if ! pg_installed; then
		((answers)) && foreign
		PG_TODO=install
		return 0
	fi
	read_clusters
	if [[ -z $CL_VER ]]; then
		((answers)) && foreign
		[[ -z $CL_OTHERS ]] || fail "postgres: no cluster listens on port $PG_PORT ($CL_OTHERS);" \
			"move one to $PG_PORT, or point DATABASE_URL / TEST_DATABASE_URL at it"
		PG_TODO=create
	elif [[ $CL_STATUS != online* ]]; then
		PG_TODO=start
	elif ((answers)); then
		PG_TODO=trust
	elif wait_for pg_answers; then # online, still starting up
		pg_trusts || PG_TODO=trust
	else
		fail "postgres: cluster $CL_VER/$CL_NAME is online but does not answer on $PG_HOST:$PG_PORT" \
			"(listen_addresses in $PG_ETC/$CL_VER/$CL_NAME/postgresql.conf?)"
	fi
}

# setup_postgres does what probe_postgres found missing (apt-get has run).
setup_postgres() {
	read_clusters
	if [[ -z $CL_VER ]]; then
		[[ -z $CL_OTHERS ]] || fail "postgres: no cluster listens on port $PG_PORT ($CL_OTHERS)"
		CL_VER=$(pg_server_version) || fail "postgres: no server version under $PG_LIB"
		CL_NAME=main CL_STATUS=down
		say "postgres: creating cluster $CL_VER/$CL_NAME on port $PG_PORT"
		as_root pg_createcluster -p "$PG_PORT" "$CL_VER" "$CL_NAME" >/dev/null
	fi
	if [[ $CL_STATUS != online* ]]; then
		say "postgres: starting cluster $CL_VER/$CL_NAME"
		as_root pg_ctlcluster --skip-systemctl-redirect "$CL_VER" "$CL_NAME" start
	fi
	wait_for pg_answers || fail "postgres: cluster $CL_VER/$CL_NAME does not answer on $PG_HOST:$PG_PORT" \
		"(see /var/log/postgresql/postgresql-$CL_VER-$CL_NAME.log)"
	if ! pg_trusts; then
		local hba=$PG_ETC/$CL_VER/$CL_NAME/pg_hba.conf
		say "postgres: trusting loopback connections in $hba"
		as_root sed -i -E "$HBA_TRUST" "$hba"
		as_root pg_ctlcluster --skip-systemctl-redirect "$CL_VER" "$CL_NAME" reload
		wait_for pg_trusts || fail "postgres: user postgres still needs a password on $PG_HOST:$PG_PORT (see $hba)"
	fi
	say "postgres: ready at $PG_HOST:$PG_PORT (user postgres, trusted)"
}

# local_url: the URL names the local server (127.0.0.1, localhost or ::1 on
# port 5432, or no host at all).
local_url() {
	local u=$1
	case $u in postgres://* | postgresql://*) ;; *) return 1 ;; esac
	u=${u#*://}
	u=${u%%[/?]*}
	u=${u##*@}
	case $u in
	'' | 127.0.0.1 | "127.0.0.1:$PG_PORT" | localhost | "localhost:$PG_PORT" | '[::1]' | "[::1]:$PG_PORT") return 0 ;;
	esac
	return 1
}

# --- Chromium -----------------------------------------------------------

# chromium_path prints the browser the tests will use, if there is one.
chromium_path() {
	if [[ -n ${CHROMIUM_PATH:-} ]]; then
		echo "$CHROMIUM_PATH"
		return 0
	fi
	local n
	for n in "${CHROMIUM_NAMES[@]}"; do
		command -v "$n" && return 0
	done
	return 1
}

# --- Privileges and instructions ---------------------------------------

as_root() {
	if ((${#SUDO[@]})); then "${SUDO[@]}" "$@"; else "$@"; fi
}

# cannot prints the commands that set up what is missing, and stops.
cannot() {
	local why=$1 s=$2 ver=${CL_VER:-} name=${CL_NAME:-main}
	[[ -n $ver ]] || ver=$(pg_server_version) || ver="\$(ls $PG_ETC)"
	{
		echo "deps: cannot set up what \`make $mode\` needs here: $why. Run these, then \`make $mode\` again:"
		if [[ $OS == Darwin ]]; then
			if [[ -n $PG_TODO ]]; then
				echo "  brew install postgresql@17"
				echo "  brew services start postgresql@17"
				echo "  \"\$(brew --prefix postgresql@17)/bin/createuser\" -s -h $PG_HOST postgres"
			fi
			if ((CHROMIUM_MISSING)); then
				echo "  brew install --cask chromium"
				echo "  export CHROMIUM_PATH=/Applications/Chromium.app/Contents/MacOS/Chromium"
			fi
		else
			if ((${#PKGS[@]})); then
				echo "  ${s}apt-get update"
				echo "  ${s}apt-get install -y ${PKGS[*]}"
			fi
			[[ $PG_TODO != create ]] || echo "  ${s}pg_createcluster -p $PG_PORT $ver $name"
			case $PG_TODO in install | create | start)
				echo "  ${s}pg_ctlcluster --skip-systemctl-redirect $ver $name start" ;;
			esac
			if [[ -n $PG_TODO ]]; then
				echo "  ${s}sed -i -E '$HBA_TRUST' $PG_ETC/$ver/$name/pg_hba.conf"
				echo "  ${s}pg_ctlcluster --skip-systemctl-redirect $ver $name reload"
			fi
		fi
		[[ -z $PG_TODO ]] || echo "deps: or point DATABASE_URL (make run) or TEST_DATABASE_URL (make test) at a Postgres superuser URL."
		[[ -z ${SUDO_ASKS:-} ]] || echo "deps: or run \`sudo -v\` first: then \`make $mode\` does all of it."
	} >&2
	exit 1
}

# --- Main ---------------------------------------------------------------

mode=${1:-}
case $mode in
run | test) ;;
*)
	echo "usage: $0 run|test" >&2
	exit 2
	;;
esac

PG_TODO=''
if [[ $mode == run && -n ${DATABASE_URL:-} ]]; then
	say "postgres: DATABASE_URL is set, devstack uses it as it is"
elif [[ $mode == test && -n ${TEST_DATABASE_URL:-} ]] && ! local_url "$TEST_DATABASE_URL"; then
	say "postgres: TEST_DATABASE_URL names another server, the tests use it as it is"
else
	probe_postgres
	[[ -n $PG_TODO ]] || say "postgres: ready at $PG_HOST:$PG_PORT (user postgres, trusted)"
fi

CHROMIUM_MISSING=0
if [[ $mode == test ]]; then
	# Installing Debian's chromium would not help a test told to use another.
	if [[ -n ${CHROMIUM_PATH:-} && ! -x $CHROMIUM_PATH ]]; then
		fail "chromium: CHROMIUM_PATH=$CHROMIUM_PATH is no executable"
	fi
	if path=$(chromium_path); then
		say "chromium: ready ($path)"
	else
		CHROMIUM_MISSING=1
	fi
fi

[[ -n $PG_TODO ]] || ((CHROMIUM_MISSING)) || exit 0

PKGS=()
[[ $PG_TODO != install ]] || PKGS+=(postgresql)
((!CHROMIUM_MISSING)) || PKGS+=(chromium)

OS=$(uname -s)
SUDO=()
prefix=''
if [[ $(id -u) != 0 ]]; then
	SUDO=(sudo -n)
	prefix='sudo '
fi
[[ $OS != Darwin ]] || cannot "macOS has no apt-get" "$prefix"
if ((${#PKGS[@]})) && ! command -v apt-get >/dev/null 2>&1; then
	cannot "no apt-get on this machine" "$prefix"
fi
if ((${#SUDO[@]})); then
	command -v sudo >/dev/null 2>&1 || cannot "not root, and no sudo" "$prefix"
	if ! sudo -n true 2>/dev/null; then
		SUDO_ASKS=1
		cannot "not root, and sudo asks for a password" "$prefix"
	fi
fi

if ((${#PKGS[@]})); then
	say "apt-get update"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	say "installing ${PKGS[*]} (apt-get)"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${PKGS[@]}" >/dev/null
fi
[[ -z $PG_TODO ]] || setup_postgres
if ((CHROMIUM_MISSING)); then
	path=$(chromium_path) || fail "chromium: installed, but not found on PATH"
	say "chromium: ready ($path)"
fi
