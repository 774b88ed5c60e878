#!/usr/bin/env bash
# Builds out/deb/duralava_VERSION_ARCH.deb with dpkg-deb from a binary that `make board`
# (arm64, armhf) or `make build` (amd64) made: the binary, the int8 model, a systemd unit that
# starts the lamp at boot on the console display as an unprivileged user, /etc/default/duralava
# for its options, a man page. Depends are read from the binary itself (readelf: the libraries it
# needs and the newest glibc symbol version); SDL2 is only Recommended (opened with dlopen when
# a window opens). firmware-notes/README.md, "The Debian package".
# usage: build-deb.sh ARCH BINARY VERSION [OUTDIR]
set -euo pipefail
ARCH=$1 BINARY=$2 VERSION=$3 OUTDIR=${4:-out/deb}
cd "$(dirname "$0")/../.."
MODEL=models/default-int8.safetensors
[ -x "$BINARY" ] || { echo "build-deb: $BINARY: no such binary (make board / make build)"; exit 1; }
[ -e "$MODEL" ] || { echo "build-deb: $MODEL: the int8 model is missing"; exit 1; }
READELF=$(command -v readelf)
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/duralava-deb.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT
umask 022
D=$ROOT/pkg
mkdir -p "$D/DEBIAN" "$D/usr/bin" "$D/usr/share/duralava" "$D/lib/systemd/system" "$D/etc/default" \
         "$D/usr/share/doc/duralava" "$D/usr/share/man/man1"
install -m 755 "$BINARY" "$D/usr/bin/duralava"
install -m 644 "$MODEL" "$D/usr/share/duralava/default-int8.safetensors"
install -m 644 packaging/deb/duralava.service "$D/lib/systemd/system/duralava.service"
install -m 644 packaging/deb/default "$D/etc/default/duralava"
gzip -9n < packaging/deb/duralava.1 > "$D/usr/share/man/man1/duralava.1.gz"
chmod 644 "$D/usr/share/man/man1/duralava.1.gz"
for s in postinst prerm postrm; do install -m 755 "packaging/deb/$s" "$D/DEBIAN/$s"; done
# armhf: refuse the Armv6 Pis at install time (their system is called armhf too).
[ "$ARCH" != armhf ] || install -m 755 packaging/deb/preinst-armhf "$D/DEBIAN/preinst"
echo /etc/default/duralava > "$D/DEBIAN/conffiles"

MAINTAINER=${MAINTAINER:-$(git log -1 --format='%an <%ae>' 2>/dev/null || echo "duralava developers <duralava@example.org>")}
DATE=$(date -R -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)")
cat > "$ROOT/changelog" <<C
duralava ($VERSION) unstable; urgency=medium

  * Built from the duralava repository (git $(git rev-parse --short HEAD 2>/dev/null || echo unknown)).

 -- $MAINTAINER  $DATE
C
gzip -9n < "$ROOT/changelog" > "$D/usr/share/doc/duralava/changelog.gz"
chmod 644 "$D/usr/share/doc/duralava/changelog.gz"
cat > "$D/usr/share/doc/duralava/copyright" <<C
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: duralava
Comment: The duralava repository states no license; the authors keep all rights.

Files: *
Copyright: 2026 the duralava developers
License: all-rights-reserved
 The repository this package was built from carries no license file.
C

# Depends from the binary: its NEEDED libraries as packages, libc6 at the newest GLIBC_ version
# it references.
needed=$("$READELF" -d "$BINARY" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
glibc=$("$READELF" -V "$BINARY" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -t. -k1,1n -k2,2n -k3,3n | tail -1)
depends="libc6 (>= $glibc)"
for lib in $needed; do
  case "$lib" in
    libc.so.*|libm.so.*|ld-linux*|libdl.so.*|libpthread.so.*) ;;
    libz.so.1) depends="$depends, zlib1g (>= 1:1.2.0)" ;;
    libgcc_s.so.1) depends="$depends, libgcc-s1" ;;
    libstdc++.so.6) depends="$depends, libstdc++6" ;;
    *) echo "build-deb: $BINARY needs $lib, which this script does not map to a package"; exit 1 ;;
  esac
done
( cd "$D" && find . -path ./DEBIAN -prune -o -type f ! -path ./etc/default/duralava -print | sed 's|^\./||' | sort | xargs md5sum > DEBIAN/md5sums )
size=$(du -k -s --exclude=DEBIAN "$D" | cut -f1)
cat > "$D/DEBIAN/control" <<C
Package: duralava
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $size
Depends: $depends
Recommends: libsdl2-2.0-0
Section: misc
Priority: optional
Description: neural lava lamp for the console display
 A small neural network dreams a lava lamp, frame after frame, on the
 screen of a Raspberry Pi or any Linux machine with a KMS/DRM display.
 The package starts the lamp at boot (duralava.service, as an unprivileged
 user) with the options in /etc/default/duralava; duralava render writes
 it to an animated PNG without a display.
C
mkdir -p "$OUTDIR"
out="$OUTDIR/duralava_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zxz --build "$D" "$out" >/dev/null
echo "built $out ($(stat -c %s "$out") bytes; Depends: $depends)"
