#!/usr/bin/env bash
# service.sh — the kiosk as a systemd service: `make install` installs prefkiosk@.service
# (honouring DESTDIR, its ExecStart naming the binary it installs) and the user it runs as;
# `systemd-analyze verify` finds nothing to say about the unit, and does about a broken copy;
# the key given to the service as a credential ($CREDENTIALS_DIRECTORY/prefkiosk.key) opens the
# store.  systemd-analyze verify works offline: no running systemd is needed.
. "$(dirname "$0")/lib"

if ! command -v systemd-analyze >/dev/null; then
	echo "not ok 1 - systemd-analyze is installed (make deps-test)"
	exit 1
fi
UNIT=prefkiosk@.service

# install ARG...: `make install ARG...` in the checkout, outside whatever make runs this suite.
install_to() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -C "$TOP" install "$@" \
		>"$OUT" 2>"$ERR"
}

# verified FILE: systemd-analyze verify exits 0 and says nothing (it reports a misspelt key or
# a bad value only as a warning, with exit 0).  Man pages are not looked up: the one installed
# here is not where man(1) looks.
verified() {
	systemd-analyze verify --man=no --generators=no "$1" >"$WORK/verify.out" 2>&1
	local rc=$?
	[ "$rc" -eq 0 ] && [ ! -s "$WORK/verify.out" ] && return 0
	sed 's/^/#   verify: /' "$WORK/verify.out"
	return 1
}

# With DESTDIR: everything lands under it, and the unit names the paths without it.
STAGE="$WORK/stage"
install_to DESTDIR="$STAGE"
report $? "make install DESTDIR=... installs"
STAGED="$STAGE/usr/local/lib/systemd/system/$UNIT"
check "the unit goes to PREFIX/lib/systemd/system under DESTDIR" -- test -f "$STAGED"
check "with mode 0644" -- test "$(stat -c %a "$STAGED")" = 644
check "the user it runs as goes to PREFIX/lib/sysusers.d" -- \
	grep -q '^u prefkiosk ' "$STAGE/usr/local/lib/sysusers.d/prefkiosk.conf"
EXEC=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$STAGED")
check "ExecStart names the installed binary (/usr/local/bin/prefkiosk)" -- \
	test "$EXEC" = /usr/local/bin/prefkiosk
check "which make install put there" -- test -x "$STAGE$EXEC"
check "and the installed config directory" -- grep -q -- '--config /etc/prefkiosk run$' "$STAGED"
check "no placeholder is left" -- sh -c "! grep -q '@[A-Z]*@' '$STAGED'"
for setting in StandardInput=tty TTYPath=/dev/%I TTYReset=yes TTYVHangup=yes Restart=always \
    LimitCORE=0 NoNewPrivileges=yes ProtectSystem=strict ReadWritePaths=/var/lib/prefkiosk \
    PrivateTmp=yes ProtectHome=yes; do
	check "the unit sets $setting" -- grep -qx -- "$setting" "$STAGED"
done

# Installed for real (in a scratch prefix), so that ExecStart's binary exists where it says.
ROOT="$WORK/root"
install_to PREFIX="$ROOT/usr" SYSCONFDIR="$ROOT/etc"
report $? "make install PREFIX=... installs"
INSTALLED="$ROOT/usr/lib/systemd/system/$UNIT"
check "systemd-analyze verify accepts the installed unit, without a word" -- verified "$INSTALLED"
check "its ExecStart is the binary installed beside it" -- \
	grep -q "^ExecStart=$ROOT/usr/bin/prefkiosk " "$INSTALLED"

# Broken copies must not pass: a misspelt setting (only a warning to systemd), a bad value, and
# an ExecStart whose binary is not there.
BROKEN="$WORK/broken"
mkdir -p "$BROKEN"
broken() {	# broken SED: a copy of the installed unit with SED applied, not verified
	sed "$1" "$INSTALLED" >"$BROKEN/$UNIT"
	! cmp -s "$INSTALLED" "$BROKEN/$UNIT" && ! verified "$BROKEN/$UNIT" >/dev/null
}
check "verify catches a misspelt setting" -- broken 's/^ProtectSystem=/ProtectSytem=/'
check "and a bad value" -- broken 's/^Restart=always/Restart=sometimes/'
check "and a missing binary" -- broken "s|^ExecStart=[^ ]*|ExecStart=$ROOT/usr/bin/nothing|"

# The key as a systemd credential.
fresh_store
CREDS="$WORK/credentials"
mkdir -p "$CREDS"
cp "$KEY" "$CREDS/prefkiosk.key"
chmod 400 "$CREDS/prefkiosk.key"
# nokey ARG...: prefkiosk on the store and config, with no --key-file or $PREFKIOSK_KEY_FILE.
nokey() {
	"$PK" --db "$DB" --config "$CONFIG" "$@" >"$OUT" 2>"$ERR"
}
CREDENTIALS_DIRECTORY="$CREDS" nokey verify
report $? "a key in \$CREDENTIALS_DIRECTORY/prefkiosk.key opens the store"
head -c 32 /dev/urandom >"$WORK/other.key"
chmod 600 "$WORK/other.key"
CREDENTIALS_DIRECTORY="$CREDS" nokey --key-file "$WORK/other.key" verify
report $([ $? -eq 1 ] && echo 0 || echo 1) "--key-file comes before the credential"
check "(and names the key that does not match)" -- grep -q "key does not match" "$ERR"
CREDENTIALS_DIRECTORY="$CREDS" PREFKIOSK_KEY_FILE="$WORK/other.key" nokey verify
report $([ $? -eq 1 ] && echo 0 || echo 1) "so does \$PREFKIOSK_KEY_FILE"
mkdir -p "$WORK/empty"
CREDENTIALS_DIRECTORY="$WORK/empty" nokey verify
report $([ $? -eq 1 ] && echo 0 || echo 1) "without that credential, the default key file"
check "which it names" -- grep -q "/var/lib/prefkiosk/prefkiosk.key" "$ERR"
mkdir -p "$WORK/wrongcreds"
cp "$WORK/other.key" "$WORK/wrongcreds/prefkiosk.key"
CREDENTIALS_DIRECTORY="$WORK/wrongcreds" nokey verify
report $([ $? -eq 1 ] && echo 0 || echo 1) "a credential with the wrong key is refused"
check "as a wrong key, in one line" -- \
	sh -c "[ \$(wc -l <'$ERR') -eq 1 ] && grep -q 'key does not match' '$ERR'"
