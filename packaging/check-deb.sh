#!/bin/sh
# Builds the Debian package and checks it as an admin would use it, on this
# machine (CI runs it as root): lintian, dpkg -i, hardscan --demo from
# /usr/bin, man, bash completion, systemd-analyze verify and security of
# the installed units, then dpkg --purge, after which none of the
# package's files may remain. A hardscan package left by an earlier run is
# purged first. Needs dpkg-dev, lintian, man-db, bash-completion, systemd.
set -eu
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
	echo "check-deb: run as root (it installs the package)" >&2
	exit 1
fi
fail() {
	echo "check-deb: $*" >&2
	exit 1
}
# dpkg, waiting while another dpkg or apt holds its lock (a shared
# machine); any other failure is final.
pkg() {
	tries=0
	until dpkg "$@" >"$work/dpkg.log" 2>&1; do
		if ! grep -q 'lock' "$work/dpkg.log" || [ "$tries" -ge 60 ]; then
			cat "$work/dpkg.log" >&2
			fail "dpkg $*"
		fi
		tries=$((tries + 1))
		sleep 2
	done
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

deb=$(packaging/build-deb.sh "$work")
echo "check-deb: built $deb"

# No errors and no warnings; an override says why (see lintian-overrides).
lintian --fail-on error,warning --display-info "$deb" || fail "lintian found errors or warnings"

if dpkg-query -W -f='${db:Status-Status}' hardscan 2>/dev/null | grep -qv '^not-installed$'; then
	echo "check-deb: purging the hardscan package a previous run left"
	pkg --purge hardscan
fi
pkg -i "$deb"
dpkg-query -W -f='${Conffiles}\n' hardscan | awk 'NF { print $1 }' | sort >"$work/conffiles"
printf '%s\n' /etc/default/hardscan /etc/hardscan/targets.txt | cmp -s - "$work/conffiles" ||
	fail "conffiles: $(cat "$work/conffiles")"

[ "$(command -v hardscan)" = /usr/bin/hardscan ] || fail "hardscan is $(command -v hardscan), want /usr/bin/hardscan"
# The demo's replica has a failing check, as a default Pleroma does: exit 1.
status=0
/usr/bin/hardscan --demo >"$work/demo.txt" || status=$?
[ "$status" -eq 1 ] || fail "hardscan --demo exited $status, want 1"
grep -q 'pleroma' "$work/demo.txt" || fail "hardscan --demo printed no report"

[ "$(man -w hardscan)" = /usr/share/man/man1/hardscan.1.gz ] || fail "man -w hardscan: $(man -w hardscan)"
MANWIDTH=80 man hardscan 2>"$work/man.err" | grep -q 'EXIT STATUS' || fail "man hardscan: $(cat "$work/man.err")"
[ ! -s "$work/man.err" ] || fail "man hardscan warns: $(cat "$work/man.err")"

# bash-completion loads the installed script on the first Tab.
formats=$(bash --norc -c '
	. /usr/share/bash-completion/bash_completion
	_completion_loader hardscan
	COMP_WORDS=(hardscan -f ""); COMP_CWORD=2
	_hardscan hardscan "" -f
	echo "${COMPREPLY[*]}"')
want=$(/usr/bin/hardscan -f none 2>&1 | sed -n 's/.*want one of //p' | tr -d ',')
[ -n "$want" ] && [ "$formats" = "$want" ] ||
	fail "hardscan -f <Tab> offers '$formats'"

units="hardscan.service hardscan.timer hardscan-exporter.service"
for unit in $units; do
	path=/lib/systemd/system/$unit
	[ -f "$path" ] || fail "$path is not installed"
	# static (no [Install]: started by its timer) or disabled.
	state=$(systemctl is-enabled "$unit" 2>/dev/null || true)
	case $state in static | disabled) ;; *) fail "$unit is $state on install, want static or disabled" ;; esac
	systemd-analyze verify "$path" || fail "systemd-analyze verify $path"
done
for unit in hardscan.service hardscan-exporter.service; do
	score=$(systemd-analyze security --offline=yes "/lib/systemd/system/$unit" 2>&1 |
		sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
	echo "check-deb: systemd-analyze security $unit: $score"
	[ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' || fail "$unit: exposure $score, want at most 2.0"
done

dpkg-query -L hardscan | sort >"$work/files"
pkg --purge hardscan
left=""
while read -r f; do
	case $f in
	/. | /etc | /etc/default | /usr | /usr/bin | /usr/share | /usr/share/* | /lib | /lib/systemd | /lib/systemd/system)
		# Shared directories other packages own.
		[ -e "$f" ] && [ ! -d "$f" ] && left="$left $f"
		;;
	*) [ -e "$f" ] && left="$left $f" ;;
	esac
done <"$work/files"
[ -z "$left" ] || fail "dpkg --purge left:$left"
[ ! -e /etc/hardscan ] || fail "dpkg --purge left /etc/hardscan"
echo "check-deb: ok: $(basename "$deb") builds, lints clean, installs, runs and purges"
