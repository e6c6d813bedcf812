#!/bin/sh
# Builds the Debian package with dpkg-deb: packaging/build-deb.sh [DIR]
# writes DIR/hardscan_VERSION_ARCH.deb (DIR: dist) and prints its path.
# The version is the binary's own (hardscan --version), and must be the
# top entry of packaging/debian/changelog; the man page and completions
# are written by the binary from its flags, so they match --help.
set -eu
cd "$(dirname "$0")/.."
out=${1:-dist}
export PATH="/usr/local/go/bin:$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root

# A static binary: nothing to depend on; position-independent, so that it
# loads at a random address (static-pie). -trimpath and an empty build id
# make it reproducible; -s -w strip it, as Debian ships binaries.
CGO_ENABLED=0 go build -trimpath -buildmode=pie -ldflags='-s -w -buildid=' -o "$work/hardscan" .
bin=$work/hardscan
version=$("$bin" --version | awk '{print $2}')
top=$(dpkg-parsechangelog -l packaging/debian/changelog -S Version)
[ "$version" = "$top" ] || {
	echo "build-deb: hardscan is $version but packaging/debian/changelog's top entry is $top" >&2
	exit 1
}
# Every module the binary links has its licence in the copyright file.
for mod in $(go version -m "$bin" | awk '$1 == "dep" { print $2 }'); do
	base=$(echo "$mod" | sed 's,/v[0-9]*$,,')
	grep -q "^\(Files:\)\? *$base/\*" packaging/debian/copyright || {
		echo "build-deb: packaging/debian/copyright does not cover $mod" >&2
		exit 1
	}
done
arch=$(dpkg --print-architecture)
SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -l packaging/debian/changelog -S Timestamp)
export SOURCE_DATE_EPOCH

install -D -m 0755 "$bin" "$root/usr/bin/hardscan"
install -d "$root/usr/share/man/man1"
"$bin" man README.md | gzip -9n >"$root/usr/share/man/man1/hardscan.1.gz"
install -d "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
	"$root/usr/share/fish/vendor_completions.d"
"$bin" completion bash >"$root/usr/share/bash-completion/completions/hardscan"
"$bin" completion zsh >"$root/usr/share/zsh/vendor-completions/_hardscan"
"$bin" completion fish >"$root/usr/share/fish/vendor_completions.d/hardscan.fish"
# Debian 12 keeps units in /lib (the /usr-merge moratorium); the same
# files as contrib/systemd.
for unit in hardscan.service hardscan.timer hardscan-exporter.service; do
	install -D -m 0644 "contrib/systemd/$unit" "$root/lib/systemd/system/$unit"
done
install -D -m 0644 contrib/etc/hardscan/targets.txt "$root/etc/hardscan/targets.txt"
install -D -m 0644 contrib/etc/default/hardscan "$root/etc/default/hardscan"
doc=$root/usr/share/doc/hardscan
install -D -m 0644 packaging/debian/copyright "$doc/copyright"
gzip -9nc packaging/debian/changelog >"$doc/changelog.gz"
install -D -m 0644 packaging/debian/lintian-overrides "$root/usr/share/lintian/overrides/hardscan"
install -d "$doc/prometheus"
install -m 0644 contrib/prometheus/*.yml "$doc/prometheus/"

install -d "$root/DEBIAN"
install -m 0644 packaging/debian/conffiles "$root/DEBIAN/conffiles"
install -m 0755 packaging/debian/prerm packaging/debian/postrm "$root/DEBIAN/"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
	packaging/debian/control >"$root/DEBIAN/control"
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"
# Every file dated by the changelog, for a reproducible archive.
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

mkdir -p "$out"
deb=$out/hardscan_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
