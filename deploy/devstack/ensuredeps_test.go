package main

// ensure-deps.sh decides what to install and start from what it finds. These
// tests run it on a fake machine: every command it may run (apt-get, sudo,
// pg_lsclusters, pg_createcluster, pg_ctlcluster, pg_isready, psql, sed, id,
// uname) is a shell stub, alone on PATH with a few plain tools, that appends
// its command line to a log and acts like the real one on the fake machine's
// state (files in a temporary directory): apt-get "installs" the stubs of a
// package, pg_ctlcluster "starts" a cluster that pg_isready then finds, psql
// connects only once pg_hba.conf trusts loopback, and the commands that need
// root refuse to run without it. Nothing on this machine is read or changed.

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// fakeMachine is the state a scenario starts from.
type fakeMachine struct {
	os       string // uname -s; empty: Linux
	uid      int
	sudo     string // "": no sudo; "ok": password-less; "asks": needs a password
	noApt    bool
	client   bool // psql and pg_isready, without a server
	pg       bool // the postgresql package (server 15 and postgresql-common)
	cluster  int  // port of cluster 15/main; 0: no cluster
	running  bool
	trust    bool // pg_hba.conf trusts loopback
	deaf     bool // the server never answers on TCP
	foreign  bool // another server answers on 5432, refusing user postgres
	chromium bool
}

// machineState is what a run leaves behind.
type machineState struct {
	pg, running, trust, chromium bool
}

// The command lines the stubs record ($W is the fake machine's directory).
const (
	hbaTrust   = `s/^(host\s+all\s+all\s+127\.0\.0\.1\/32\s+)\S+/\1trust/; s/^(host\s+all\s+all\s+::1\/128\s+)\S+/\1trust/`
	hbaPath    = "$W/etc/postgresql/15/main/pg_hba.conf"
	psqlProbe  = "psql -X -w -h 127.0.0.1 -p 5432 -U postgres -d postgres -tAc select 1"
	isReady    = "pg_isready -q -h 127.0.0.1 -p 5432"
	lsClusters = "pg_lsclusters -h"
	create     = "pg_createcluster -p 5432 15 main"
	start      = "pg_ctlcluster --skip-systemctl-redirect 15 main start"
	reload     = "pg_ctlcluster --skip-systemctl-redirect 15 main reload"
	trustSed   = "sed -i -E " + hbaTrust + " " + hbaPath
	uname      = "uname -s"
	idU        = "id -u"
	sudoCheck  = "sudo -n true"
	aptUpdate  = "apt-get update -qq"
	ready      = "deps: postgres: ready at 127.0.0.1:5432 (user postgres, trusted)"
	chromiumOK = "deps: chromium: ready ($W/bin/chromium)"
	starting   = "deps: postgres: starting cluster 15/main"
	trusting   = "deps: postgres: trusting loopback connections in " + hbaPath
)

func aptInstall(pkgs string) string { return "apt-get install -y -qq " + pkgs }

// sudoed is the line sudo records before the command's own.
func sudoed(line string) string {
	if strings.HasPrefix(line, "apt-get ") {
		return "sudo -n env DEBIAN_FRONTEND=noninteractive " + line
	}
	return "sudo -n " + line
}

// withSudo expands each privileged line into sudo's line and the command's.
func withSudo(lines ...string) []string {
	var out []string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "apt-get "), strings.HasPrefix(l, "pg_ctlcluster "),
			strings.HasPrefix(l, "pg_createcluster "), strings.HasPrefix(l, "sed -i "):
			out = append(out, sudoed(l), l)
		default:
			out = append(out, l)
		}
	}
	return out
}

func TestEnsureDeps(t *testing.T) {
	readyPG := fakeMachine{pg: true, cluster: 5432, running: true, trust: true}
	withChromium := func(m fakeMachine) fakeMachine { m.chromium = true; return m }
	stopped := fakeMachine{pg: true, cluster: 5432, trust: true, chromium: true}
	all := machineState{pg: true, running: true, trust: true, chromium: true}
	debianInstructions := func(mode, why, sudo string, pkgs string, ver string, start bool, tail ...string) []string {
		out := []string{"deps: cannot set up what `make " + mode + "` needs here: " + why + ". Run these, then `make " + mode + "` again:"}
		if pkgs != "" {
			out = append(out, "  "+sudo+"apt-get update", "  "+sudo+"apt-get install -y "+pkgs)
		}
		if ver != "" {
			if start {
				out = append(out, "  "+sudo+"pg_ctlcluster --skip-systemctl-redirect "+ver+" main start")
			}
			out = append(out,
				"  "+sudo+"sed -i -E '"+hbaTrust+"' $W/etc/postgresql/"+ver+"/main/pg_hba.conf",
				"  "+sudo+"pg_ctlcluster --skip-systemctl-redirect "+ver+" main reload",
				"deps: or point DATABASE_URL (make run) or TEST_DATABASE_URL (make test) at a Postgres superuser URL.")
		}
		return append(out, tail...)
	}
	const anyVersion = "$(ls $W/etc/postgresql)"

	tests := []struct {
		name     string
		mode     string
		env      map[string]string
		machine  fakeMachine
		wantCode int
		wantLog  []string
		wantOut  []string
		want     machineState // after the run
	}{
		{
			name: "ready for test: one connection, nothing else", mode: "test",
			machine: withChromium(readyPG),
			wantLog: []string{psqlProbe},
			wantOut: []string{ready, chromiumOK},
			want:    all,
		},
		{
			name: "ready for run, not root: no sudo asked", mode: "run",
			machine: fakeMachine{uid: 1000, sudo: "asks", pg: true, cluster: 5432, running: true, trust: true},
			wantLog: []string{psqlProbe},
			wantOut: []string{ready},
			want:    machineState{pg: true, running: true, trust: true},
		},
		{
			name: "stopped, root: starts the cluster", mode: "run",
			machine: stopped,
			wantLog: []string{psqlProbe, isReady, lsClusters, uname, idU, lsClusters, start, isReady, psqlProbe},
			wantOut: []string{starting, ready},
			want:    all,
		},
		{
			name: "stopped, not root: starts it through sudo -n", mode: "run",
			machine: fakeMachine{uid: 1000, sudo: "ok", pg: true, cluster: 5432, trust: true},
			wantLog: withSudo(psqlProbe, isReady, lsClusters, uname, idU, sudoCheck, lsClusters, start, isReady, psqlProbe),
			wantOut: []string{starting, ready},
			want:    machineState{pg: true, running: true, trust: true},
		},
		{
			name: "fresh machine, root: installs, starts, trusts loopback", mode: "test",
			machine: fakeMachine{},
			wantLog: []string{uname, idU, aptUpdate, aptInstall("postgresql chromium"),
				lsClusters, start, isReady, psqlProbe, trustSed, reload, psqlProbe},
			wantOut: []string{"deps: apt-get update", "deps: installing postgresql chromium (apt-get)",
				starting, trusting, ready, chromiumOK},
			want: all,
		},
		{
			name: "fresh machine, not root: everything through sudo -n", mode: "run",
			machine: fakeMachine{uid: 1000, sudo: "ok"},
			wantLog: withSudo(uname, idU, sudoCheck, aptUpdate, aptInstall("postgresql"),
				lsClusters, start, isReady, psqlProbe, trustSed, reload, psqlProbe),
			wantOut: []string{"deps: apt-get update", "deps: installing postgresql (apt-get)", starting, trusting, ready},
			want:    machineState{pg: true, running: true, trust: true},
		},
		{
			name: "installed without a cluster: creates one", mode: "run",
			machine: fakeMachine{pg: true},
			wantLog: []string{psqlProbe, isReady, lsClusters, uname, idU, lsClusters, create, start, isReady,
				psqlProbe, trustSed, reload, psqlProbe},
			wantOut: []string{"deps: postgres: creating cluster 15/main on port 5432", starting, trusting, ready},
			want:    machineState{pg: true, running: true, trust: true},
		},
		{
			name: "running but asks a password: trusts loopback, no restart", mode: "run",
			machine: fakeMachine{pg: true, cluster: 5432, running: true},
			wantLog: []string{psqlProbe, isReady, lsClusters, uname, idU, lsClusters, isReady,
				psqlProbe, trustSed, reload, psqlProbe},
			wantOut: []string{trusting, ready},
			want:    machineState{pg: true, running: true, trust: true},
		},
		{
			name: "started but never answers: gives up, says where to look", mode: "run",
			machine:  fakeMachine{pg: true, cluster: 5432, trust: true, deaf: true},
			wantCode: 1,
			wantLog:  []string{psqlProbe, isReady, lsClusters, uname, idU, lsClusters, start, isReady, isReady, isReady},
			wantOut: []string{starting, "deps: postgres: cluster 15/main does not answer on 127.0.0.1:5432 " +
				"(see /var/log/postgresql/postgresql-15-main.log)"},
			want: machineState{pg: true, running: true, trust: true},
		},
		{
			name: "another server on 5432: stops before anything", mode: "test",
			machine:  fakeMachine{client: true, foreign: true},
			wantCode: 1,
			wantLog:  []string{psqlProbe, isReady},
			wantOut: []string{"deps: postgres: something answers on 127.0.0.1:5432 but user postgres cannot connect without a password, " +
				"and it is no local cluster of this machine; point DATABASE_URL (make run) or TEST_DATABASE_URL (make test) " +
				"at a superuser URL of it, or stop it"},
		},
		{
			name: "cluster on another port: stops before anything", mode: "run",
			machine:  fakeMachine{pg: true, cluster: 5433, trust: true},
			wantCode: 1,
			wantLog:  []string{psqlProbe, isReady, lsClusters},
			wantOut: []string{"deps: postgres: no cluster listens on port 5432 (15/main on port 5433); " +
				"move one to 5432, or point DATABASE_URL / TEST_DATABASE_URL at it"},
			want: machineState{pg: true, trust: true},
		},
		{
			name: "no apt-get, not root, no sudo: prints the commands, runs nothing", mode: "test",
			machine:  fakeMachine{uid: 1000, noApt: true},
			wantCode: 1,
			wantLog:  []string{uname, idU},
			wantOut:  debianInstructions("test", "no apt-get on this machine", "sudo ", "postgresql chromium", anyVersion, true),
		},
		{
			name: "not root, sudo asks a password: prints the commands", mode: "run",
			machine:  fakeMachine{uid: 1000, sudo: "asks", pg: true, cluster: 5432, trust: true},
			wantCode: 1,
			wantLog:  []string{psqlProbe, isReady, lsClusters, uname, idU, sudoCheck},
			wantOut: debianInstructions("run", "not root, and sudo asks for a password", "sudo ", "", "15", true,
				"deps: or run `sudo -v` first: then `make run` does all of it."),
			want: machineState{pg: true, trust: true},
		},
		{
			name: "not root, no sudo: prints the commands", mode: "test",
			machine:  withChromium(fakeMachine{uid: 1000, pg: true, cluster: 5432, running: true}),
			wantCode: 1,
			wantLog:  []string{psqlProbe, isReady, lsClusters, uname, idU},
			wantOut:  append([]string{chromiumOK}, debianInstructions("test", "not root, and no sudo", "sudo ", "", "15", false)...),
			want:     machineState{pg: true, running: true, chromium: true},
		},
		{
			name: "root without apt-get, Chromium missing: prints the commands", mode: "test",
			machine:  fakeMachine{noApt: true, pg: true, cluster: 5432, running: true, trust: true},
			wantCode: 1,
			wantLog:  []string{psqlProbe, uname, idU},
			wantOut:  append([]string{ready}, debianInstructions("test", "no apt-get on this machine", "", "chromium", "", false)...),
			want:     machineState{pg: true, running: true, trust: true},
		},
		{
			name: "root without apt-get, installed but stopped: starts it", mode: "run",
			machine: fakeMachine{noApt: true, pg: true, cluster: 5432, trust: true},
			wantLog: []string{psqlProbe, isReady, lsClusters, uname, idU, lsClusters, start, isReady, psqlProbe},
			wantOut: []string{starting, ready},
			want:    machineState{pg: true, running: true, trust: true},
		},
		{
			name: "macOS: prints the Homebrew commands", mode: "test",
			machine:  fakeMachine{os: "Darwin", uid: 501, noApt: true},
			wantCode: 1,
			wantLog:  []string{uname, idU},
			wantOut: []string{
				"deps: cannot set up what `make test` needs here: macOS has no apt-get. Run these, then `make test` again:",
				"  brew install postgresql@17",
				"  brew services start postgresql@17",
				`  "$(brew --prefix postgresql@17)/bin/createuser" -s -h 127.0.0.1 postgres`,
				"  brew install --cask chromium",
				"  export CHROMIUM_PATH=/Applications/Chromium.app/Contents/MacOS/Chromium",
				"deps: or point DATABASE_URL (make run) or TEST_DATABASE_URL (make test) at a Postgres superuser URL.",
			},
		},
		{
			name: "DATABASE_URL set: nothing checked, installed or started", mode: "run",
			env:     map[string]string{"DATABASE_URL": "postgres://admin@db.example:5432/ccicma"},
			machine: fakeMachine{},
			wantOut: []string{"deps: postgres: DATABASE_URL is set, devstack uses it as it is"},
		},
		{
			name: "TEST_DATABASE_URL elsewhere: no Postgres, Chromium still installed", mode: "test",
			env:     map[string]string{"TEST_DATABASE_URL": "postgres://postgres@db.example:5432/postgres"},
			machine: fakeMachine{},
			wantLog: []string{uname, idU, aptUpdate, aptInstall("chromium")},
			wantOut: []string{"deps: postgres: TEST_DATABASE_URL names another server, the tests use it as it is",
				"deps: apt-get update", "deps: installing chromium (apt-get)", chromiumOK},
			want: machineState{chromium: true},
		},
		{
			name: "TEST_DATABASE_URL naming the local server: still set up", mode: "test",
			env:     map[string]string{"TEST_DATABASE_URL": "postgres://postgres@localhost:5432/postgres?sslmode=disable"},
			machine: stopped,
			wantLog: []string{psqlProbe, isReady, lsClusters, uname, idU, lsClusters, start, isReady, psqlProbe},
			wantOut: []string{chromiumOK, starting, ready},
			want:    all,
		},
		{
			name: "Chromium missing, not root: apt-get through sudo -n", mode: "test",
			machine: fakeMachine{uid: 1000, sudo: "ok", pg: true, cluster: 5432, running: true, trust: true},
			wantLog: withSudo(psqlProbe, uname, idU, sudoCheck, aptUpdate, aptInstall("chromium")),
			wantOut: []string{ready, "deps: apt-get update", "deps: installing chromium (apt-get)", chromiumOK},
			want:    all,
		},
		{
			name: "CHROMIUM_PATH not executable: says so, installs nothing", mode: "test",
			env:      map[string]string{"CHROMIUM_PATH": "$W/no-such-browser"},
			machine:  readyPG,
			wantCode: 1,
			wantLog:  []string{psqlProbe},
			wantOut:  []string{ready, "deps: chromium: CHROMIUM_PATH=$W/no-such-browser is no executable"},
			want:     machineState{pg: true, running: true, trust: true},
		},
		{
			name: "no mode: usage", mode: "",
			machine:  fakeMachine{},
			wantCode: 2,
			wantOut:  []string{"usage: $S run|test"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newFakeMachine(t, tc.machine)
			code, out := w.run(t, tc.mode, tc.env)
			if code != tc.wantCode {
				t.Errorf("exit status %d, want %d", code, tc.wantCode)
			}
			if got := w.log(t); !slices.Equal(got, tc.wantLog) {
				t.Errorf("commands run:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.wantLog, "\n  "))
			}
			if !slices.Equal(out, tc.wantOut) {
				t.Errorf("output:\n%s\nwant:\n%s", strings.Join(out, "\n"), strings.Join(tc.wantOut, "\n"))
			}
			if got := w.state(t); got != tc.want {
				t.Errorf("machine after the run %+v, want %+v", got, tc.want)
			}
		})
	}
}

// fakeWorld is a fake machine's directory: bin/ (the installed commands,
// first on PATH), tools/ (plain tools the stubs use), pkg/ (the packages
// apt-get installs), etc/ and usr/ (PG_ETC and PG_LIB), state flags and log.
type fakeWorld struct{ dir string }

const (
	hbaDefault = `local   all             postgres                                peer
host    all             all             127.0.0.1/32            scram-sha-256
host    all             all             ::1/128                 scram-sha-256
`
	// stubHead records the command line; W is the fake machine's directory.
	stubHead = `#!/bin/sh
printf '%s\n' "%NAME% $*" >> "$W/log"
uid() { echo "${FAKE_UID:-$(cat "$W/uid")}"; }
need_root() { [ "$(uid)" = 0 ] || { echo "%NAME%: permission denied" >&2; exit 1; }; }
hba="$PG_ETC/15/main/pg_hba.conf"
`
)

// stubs are the commands of the fake machine, by package.
var stubs = map[string]map[string]string{
	"base": {
		"uname": `cat "$W/os"`,
		"id":    `[ "$1" = -u ] || exit 1; uid`,
	},
	"sudo": {
		"sudo": `[ "$1" = -n ] && shift
[ -e "$W/sudo-ok" ] || { echo "sudo: a password is required" >&2; exit 1; }
export FAKE_UID=0
exec "$@"`,
	},
	"apt": {
		"apt-get": `need_root
[ "$DEBIAN_FRONTEND" = noninteractive ] || { echo "apt-get: would ask questions" >&2; exit 1; }
case "$1" in
update) ;;
install) shift
  for p; do case "$p" in
    -*) ;;
    postgresql) "$W/pkg/postgresql.install" ;;
    chromium) cp "$W/pkg/chromium/chromium" "$W/bin/" ;;
    *) echo "E: Unable to locate package $p" >&2; exit 100 ;;
  esac; done ;;
*) exit 1 ;;
esac`,
	},
	"client": {
		"psql": `[ -e "$W/running" ] && [ ! -e "$W/deaf" ] && [ ! -e "$W/foreign" ] &&
  grep -Eq '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba" && exit 0
echo "psql: error: connection refused or password required" >&2; exit 2`,
		"pg_isready": `[ "$*" = "-q -h 127.0.0.1 -p 5432" ] || exit 3
[ -e "$W/foreign" ] && exit 0
[ -e "$W/deaf" ] && exit 2
[ -e "$W/running" ] && exit 0
exit 2`,
	},
	"postgresql": {
		"pg_lsclusters": `[ "$1" = -h ] || exit 1
[ -f "$hba" ] || exit 0
st=down; [ -e "$W/running" ] && st=online
echo "15 main $(cat "$W/port") $st postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log"`,
		"pg_createcluster": `need_root
[ "$*" = "-p 5432 15 main" ] || { echo "pg_createcluster: unexpected arguments" >&2; exit 1; }
[ -f "$hba" ] && { echo "Error: cluster configuration already exists" >&2; exit 1; }
"$W/pkg/newcluster" 5432`,
		"pg_ctlcluster": `need_root
[ "$1" = --skip-systemctl-redirect ] || { echo "Redirecting to systemctl: no systemd here" >&2; exit 1; }
[ "$2 $3" = "15 main" ] && [ -f "$hba" ] || { echo "Error: no such cluster" >&2; exit 1; }
case "$4" in
start) [ -e "$W/running" ] && { echo "Cluster is already running." >&2; exit 2; }; touch "$W/running" ;;
stop) rm -f "$W/running" ;;
reload) [ -e "$W/running" ] || exit 1 ;;
*) exit 1 ;;
esac`,
	},
	"chromium": {"chromium": `exit 0`},
}

func newFakeMachine(t *testing.T, m fakeMachine) fakeWorld {
	t.Helper()
	w := fakeWorld{dir: t.TempDir()}
	for _, d := range []string{"bin", "tools", "pkg/postgresql", "pkg/chromium", "etc/postgresql"} {
		mustMkdir(t, w.path(d))
	}
	for name, body := range stubs["base"] {
		w.stub(t, "bin", name, body)
	}
	w.write(t, "bin/sleep", "#!/bin/sh\n", 0o755) // waits are instant and unrecorded
	for _, pkg := range []string{"client", "postgresql"} {
		for name, body := range stubs[pkg] {
			w.stub(t, "pkg/postgresql", name, body)
		}
	}
	w.stub(t, "pkg/chromium", "chromium", stubs["chromium"]["chromium"])
	// The package's maintainer scripts, as Debian's: postgresql-common and the
	// server, and a main cluster on 5432 (created, not started: no systemd).
	w.write(t, "pkg/newcluster", `#!/bin/sh
mkdir -p "$PG_ETC/15/main"
cat > "$PG_ETC/15/main/pg_hba.conf" <<'EOF'
`+hbaDefault+`EOF
echo "$1" > "$W/port"
`, 0o755)
	w.write(t, "pkg/postgresql.install", `#!/bin/sh
cp "$W"/pkg/postgresql/* "$W/bin/"
mkdir -p "$PG_LIB/15/bin" && touch "$PG_LIB/15/bin/postgres"
[ -f "$PG_ETC/15/main/pg_hba.conf" ] || "$W/pkg/newcluster" 5432
`, 0o755)

	// The tools the stubs use; the script itself needs only bash's builtins
	// and the stubbed commands (and env, for apt-get's environment).
	for _, tool := range []string{"cat", "cp", "mkdir", "rm", "touch", "grep", "env", "true"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Fatalf("the fake machine needs %s: %v", tool, err)
		}
		if err := os.Symlink(p, w.path("tools", tool)); err != nil {
			t.Fatal(err)
		}
	}
	realSed, err := exec.LookPath("sed")
	if err != nil {
		t.Fatalf("the fake machine needs sed: %v", err)
	}
	w.stub(t, "bin", "sed", `case " $* " in *" -i "*) need_root ;; esac
exec `+realSed+` "$@"`)

	osName := m.os
	if osName == "" {
		osName = "Linux"
	}
	w.write(t, "os", osName+"\n", 0o644)
	w.write(t, "uid", strconv.Itoa(m.uid)+"\n", 0o644)
	switch m.sudo {
	case "ok":
		w.write(t, "sudo-ok", "", 0o644)
		fallthrough
	case "asks":
		w.stub(t, "bin", "sudo", stubs["sudo"]["sudo"])
	}
	if !m.noApt {
		w.stub(t, "bin", "apt-get", stubs["apt"]["apt-get"])
	}
	if m.client || m.pg {
		for name, body := range stubs["client"] {
			w.stub(t, "bin", name, body)
		}
	}
	if m.pg {
		for name, body := range stubs["postgresql"] {
			w.stub(t, "bin", name, body)
		}
		mustMkdir(t, w.path("usr/lib/postgresql/15/bin"))
		w.write(t, "usr/lib/postgresql/15/bin/postgres", "", 0o755)
	}
	if m.cluster != 0 {
		mustMkdir(t, w.path("etc/postgresql/15/main"))
		hba := hbaDefault
		if m.trust {
			hba = strings.ReplaceAll(hba, "scram-sha-256", "trust")
		}
		w.write(t, "etc/postgresql/15/main/pg_hba.conf", hba, 0o640)
		w.write(t, "port", strconv.Itoa(m.cluster)+"\n", 0o644)
	}
	for flag, on := range map[string]bool{"running": m.running, "deaf": m.deaf, "foreign": m.foreign} {
		if on {
			w.write(t, flag, "", 0o644)
		}
	}
	if m.chromium {
		w.stub(t, "bin", "chromium", stubs["chromium"]["chromium"])
	}
	w.write(t, "log", "", 0o644)
	return w
}

// run runs the script in mode with only the fake machine's PATH and
// variables; it returns the exit status and the output lines, with the
// machine's directory written $W and the script's path $S.
func (w fakeWorld) run(t *testing.T, mode string, env map[string]string) (int, []string) {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatalf("ensure-deps.sh needs bash: %v", err)
	}
	script, err := filepath.Abs("ensure-deps.sh")
	if err != nil {
		t.Fatal(err)
	}
	args := []string{script}
	if mode != "" {
		args = append(args, mode)
	}
	cmd := exec.Command("bash", args...)
	cmd.Env = []string{
		"PATH=" + w.path("bin") + ":" + w.path("tools"),
		"W=" + w.dir,
		"PG_ETC=" + w.path("etc/postgresql"),
		"PG_LIB=" + w.path("usr/lib/postgresql"),
		"DEPS_WAIT_TRIES=2",
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+strings.ReplaceAll(v, "$W", w.dir))
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	code := 0
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("run ensure-deps.sh: %v", err)
		}
		code = exit.ExitCode()
	}
	text := strings.ReplaceAll(out.String(), w.dir, "$W")
	return code, lines(strings.ReplaceAll(text, script, "$S"))
}

// log is the command lines the stubs recorded, in order.
func (w fakeWorld) log(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(w.path("log"))
	if err != nil {
		t.Fatal(err)
	}
	return lines(strings.ReplaceAll(string(b), w.dir, "$W"))
}

func (w fakeWorld) state(t *testing.T) machineState {
	t.Helper()
	hba, _ := os.ReadFile(w.path("etc/postgresql/15/main/pg_hba.conf"))
	trust := len(hba) > 0 && string(hba) == strings.ReplaceAll(hbaDefault, "scram-sha-256", "trust")
	return machineState{
		pg:       w.exists("bin/pg_ctlcluster"),
		running:  w.exists("running"),
		trust:    trust,
		chromium: w.exists("bin/chromium"),
	}
}

func (w fakeWorld) path(elem ...string) string {
	return filepath.Join(append([]string{w.dir}, elem...)...)
}

func (w fakeWorld) exists(rel string) bool {
	_, err := os.Stat(w.path(rel))
	return err == nil
}

func (w fakeWorld) write(t *testing.T, rel, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(w.path(rel), []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

func (w fakeWorld) stub(t *testing.T, dir, name, body string) {
	t.Helper()
	w.write(t, filepath.Join(dir, name), strings.ReplaceAll(stubHead, "%NAME%", name)+body+"\n", 0o755)
}

func mustMkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
}

func lines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// TestEnsureDepsWired: `make run`, `make test`, `make soak` and .ci/run set
// up through the script, so a fresh machine needs nothing else.
func TestEnsureDepsWired(t *testing.T) {
	makefile, err := os.ReadFile(filepath.Join(repoRoot, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	for target, call := range map[string]string{"run": "ensure-deps.sh run", "test": "ensure-deps.sh test", "soak": "ensure-deps.sh test"} {
		recipe := recipeOf(string(makefile), target)
		if len(recipe) == 0 || !strings.Contains(recipe[0], call) {
			t.Errorf("make %s's recipe %q does not start with %s", target, recipe, call)
		}
	}
	ci, err := os.ReadFile(filepath.Join(repoRoot, ".ci/run"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ci), "make test") {
		t.Errorf(".ci/run does not run make test")
	}
	for _, l := range lines(string(ci)) {
		if strings.Contains(l, "apt-get") || strings.Contains(l, "pg_ctlcluster") {
			t.Errorf(".ci/run sets up on its own (%q): ensure-deps.sh does it", l)
		}
	}
	info, err := os.Stat("ensure-deps.sh")
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode()&0o111 == 0 {
		t.Errorf("ensure-deps.sh is not executable (%v)", info.Mode())
	}
}

// recipeOf is the command lines of a Makefile target's recipe.
func recipeOf(makefile, target string) []string {
	var recipe []string
	in := false
	for _, l := range strings.Split(makefile, "\n") {
		switch {
		case strings.HasPrefix(l, target+":"):
			in = true
		case in && strings.HasPrefix(l, "\t"):
			recipe = append(recipe, strings.TrimSpace(l))
		case in:
			return recipe
		}
	}
	return recipe
}

// TestEnsurePostgresNoServer: run directly (go run ./deploy/devstack, without
// the script) and with no server answering, devstack points at the script.
func TestEnsurePostgresNoServer(t *testing.T) {
	err := ensurePostgres(t.Context(), "postgres://postgres@127.0.0.1:1/ccicma?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("no error with no server on 127.0.0.1:1")
	}
	for _, want := range []string{"no Postgres answers at postgres://postgres@127.0.0.1:1/ccicma", "deploy/devstack/ensure-deps.sh run", "DATABASE_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}
