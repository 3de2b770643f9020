#!/usr/bin/env bash
# Builds ovirt-wizard_VERSION_ARCH.deb with dpkg-deb from Packaging/install.sh --prefix /usr.
#
#   Packaging/build-deb.sh [--output DIR] [--binary PATH [--scratch-path DIR] [--ignore-build-lock]
#                          [--allow-toolchain-runtime]]
#
#   --output DIR     where the .deb is written (default: the current folder); its path is printed on stdout
#   --binary PATH    package this ovirt-wizard instead of building the release one (see install.sh)
#   --scratch-path DIR, --ignore-build-lock
#                    passed to install.sh (the package test, which runs inside `swift test`, uses them)
#   --allow-toolchain-runtime
#                    accept a binary that loads the Swift runtime from the toolchain (a plain `swift build`,
#                    as in the package test); such a .deb runs only where that toolchain is at the same path
#
# Depends: lists the Debian packages that own the shared libraries the binary links (its NEEDED entries,
# found with ldd, owners with dpkg -S): on Debian 12 libc6, libgcc-s1, libstdc++6, libncursesw6, libtinfo6
# and libssh2-1.
set -euo pipefail
umask 022

root=$(cd "$(dirname "$0")/.." && pwd -P)
output=$PWD
install_args=()
allow_toolchain=false
usage() { sed -n '2,17s/^# \{0,1\}//p' "$0"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --output) output=${2:?--output needs a folder}; shift 2 ;;
    --binary|--scratch-path) install_args+=("$1" "${2:?$1 needs a path}"); shift 2 ;;
    --ignore-build-lock) install_args+=("$1"); shift ;;
    --allow-toolchain-runtime) allow_toolchain=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "build-deb.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"   # it becomes / in the package
"$root/Packaging/install.sh" --prefix /usr --destdir "$stage" "${install_args[@]}"
binary="$stage/usr/bin/ovirt-wizard"
# As Debian's packages are: without symbols and debug sections (a third of a release binary's size).
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$binary"

# Each library the binary links must come from a Debian package, which the .deb then depends on.
needed=$(objdump -p "$binary" | awk '$1 == "NEEDED" { print $2 }')
depends=()
foreign=()
while read -r name library; do
  grep -qxF "$name" <<<"$needed" || continue
  owner=$(dpkg -S "$library" 2>/dev/null || dpkg -S "$(readlink -f "$library")" 2>/dev/null || true)
  if [ -z "$owner" ]; then
    foreign+=("$library")
    continue
  fi
  package=${owner%%:*}
  package=${package%%,*}
  case " ${depends[*]} " in *" $package "*) ;; *) depends+=("$package") ;; esac
done < <(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }')
if [ ${#foreign[@]} -gt 0 ]; then
  if ! $allow_toolchain; then
    echo "build-deb.sh: $binary loads libraries no Debian package provides:" >&2
    printf '  %s\n' "${foreign[@]}" >&2
    echo "build it with --static-swift-stdlib (Packaging/install.sh without --binary does), or pass --allow-toolchain-runtime" >&2
    exit 1
  fi
  echo "build-deb.sh: warning: the package needs these toolchain libraries at the same paths: ${foreign[*]}" >&2
fi
mapfile -t depends < <(printf '%s\n' "${depends[@]}" | sort)

version=$("$binary" --version | cut -d' ' -f1)
architecture=$(dpkg --print-architecture)
install -d "$stage/DEBIAN"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: ovirt-wizard
Version: $version
Architecture: $architecture
Maintainer: ${OVIRT_WIZARD_MAINTAINER:-ovirt-wizard maintainers <ovirt-wizard@localhost>}
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $(IFS=,; echo "${depends[*]}" | sed 's/,/, /g')
Section: admin
Priority: optional
Description: terminal wizard that deploys oVirt and GlusterFS over SSH
 Asks the questions of oVirt's engine-setup and hosted-engine --deploy on an
 ncurses screen or as plain lines, writes otopi answer files, plans GlusterFS
 volumes and export domains, and runs the steps on the hosts over SSH.
 Built from $("$binary" --version | cut -d' ' -f2- | tr -d '()').
CONTROL

mkdir -p "$output"
deb="$output/ovirt-wizard_${version}_${architecture}.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >&2
echo "$deb"
