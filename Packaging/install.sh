#!/usr/bin/env bash
# Installs ovirt-wizard under a prefix: the binary, Screens/, the man page and the bash, zsh and fish completions.
#
#   Packaging/install.sh [--prefix DIR] [--destdir DIR] [--binary PATH [--scratch-path DIR] [--ignore-build-lock]]
#
#   --prefix DIR     where the files belong (default /usr/local): DIR/bin/ovirt-wizard,
#                    DIR/share/ovirt-wizard/Screens/, DIR/share/man/man1/ovirt-wizard.1.gz, completions
#   --destdir DIR    stage the files under DIR instead of / (DIR/PREFIX/...), as packages do
#   --binary PATH    install this ovirt-wizard instead of building one
#   --scratch-path DIR
#                    with --binary: the debug build folder where the man page generator is built (default .build)
#   --ignore-build-lock
#                    with --binary: build it there although another SwiftPM holds the folder's lock (the
#                    package test, which runs inside `swift test`, needs this)
#
# Without --binary it builds a release binary in .build-package/ with the Swift runtime linked in
# (--static-swift-stdlib), so that it needs only Debian's libraries, stamped with the git commit for
# `ovirt-wizard --version` (through a generated source file that git ignores and that is removed afterwards).
# The man page is made from the command definitions by swift-argument-parser's manual generator (the tool
# behind `swift package plugin generate-manual`), run on the binary being installed; the completions are
# printed by that binary (--generate-completion-script).
set -euo pipefail
umask 022

root=$(cd "$(dirname "$0")/.." && pwd -P)
prefix=/usr/local
destdir=""
binary=""
scratch="$root/.build"
lock=()
usage() { sed -n '2,22s/^# \{0,1\}//p' "$0"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a folder}; shift 2 ;;
    --destdir) destdir=${2:?--destdir needs a folder}; shift 2 ;;
    --binary) binary=${2:?--binary needs a file}; shift 2 ;;
    --scratch-path) scratch=${2:?--scratch-path needs a folder}; shift 2 ;;
    --ignore-build-lock) lock=(--ignore-lock); shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
case "$prefix" in /*) ;; *) echo "install.sh: --prefix must be an absolute path" >&2; exit 2 ;; esac

# The man page generator is built where the binary was: beside the release build made here (same flags, so
# the argument parser is compiled once), or in `swift build`'s debug .build for a given binary.
generator_build=(--scratch-path "$scratch" "${lock[@]}")
generator="$scratch/debug/generate-manual"

if [ -z "$binary" ]; then
  # The commit goes into a generated source file that git ignores and that is removed after the build.
  stamp="$root/Sources/ovirt-wizard/BuildStamp.swift"
  commit=""
  # Only the tree's own repository counts (not one it happens to be unpacked inside).
  if [ "$(git -C "$root" rev-parse --show-toplevel 2>/dev/null)" = "$root" ]; then
    commit=$(git -C "$root" rev-parse HEAD)
  fi
  if [ -z "$commit" ]; then
    commit="unknown commit"
  elif [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    commit="commit $commit with local changes"
  else
    commit="commit $commit"
  fi
  trap 'rm -f "$stamp"' EXIT
  printf '// Written by Packaging/install.sh for one build; git ignores it.\nenum BuildStamp {\n    static let commit = "%s"\n}\n' \
    "$commit" > "$stamp"
  echo "install.sh: building a release binary with the Swift runtime linked statically ($commit)" >&2
  generator_build=(--scratch-path "$root/.build-package" -c release --static-swift-stdlib -Xswiftc -DOVIRT_WIZARD_STAMPED)
  swift build --package-path "$root" "${generator_build[@]}" --product ovirt-wizard >&2
  # Built while the stamp is there: SwiftPM may look at the program's module again for this product too.
  swift build --package-path "$root" "${generator_build[@]}" --product generate-manual >&2
  binary="$root/.build-package/release/ovirt-wizard"
  generator="$root/.build-package/release/generate-manual"
  rm -f "$stamp"
else
  swift build --package-path "$root" "${generator_build[@]}" --product generate-manual >&2
fi
[ -x "$binary" ] || { echo "install.sh: $binary is not an executable" >&2; exit 2; }

echo "install.sh: generating the man page with swift-argument-parser's generate-manual" >&2
pages=$(mktemp -d)
trap 'rm -rf "$pages"; [ -z "${stamp:-}" ] || rm -f "$stamp"' EXIT
# The page's date is the commit's, so that the same commit gives the same page.
date=$(git -C "$root" log -1 --format=%cs 2>/dev/null || date -u +%F)
"$generator" "$binary" --date "$date" --output-directory "$pages"
manual="$pages/ovirt-wizard.1"
[ -s "$manual" ] || { echo "install.sh: generate-manual wrote no ovirt-wizard.1" >&2; exit 1; }

base="$destdir$prefix"
share="$base/share"
install -d "$base/bin" "$share/ovirt-wizard/Screens" "$share/man/man1" "$share/doc/ovirt-wizard" \
  "$share/bash-completion/completions" "$share/fish/vendor_completions.d"
install -m 0755 "$binary" "$base/bin/ovirt-wizard"
install -m 0644 "$root"/Screens/*.yaml "$share/ovirt-wizard/Screens/"
gzip -9 -n -c "$manual" > "$share/man/man1/ovirt-wizard.1.gz"
chmod 0644 "$share/man/man1/ovirt-wizard.1.gz"
install -m 0644 "$root/LICENSE" "$share/doc/ovirt-wizard/copyright"

# zsh reads Debian's packaged functions from vendor-completions and local ones from site-functions.
zsh_dir="$share/zsh/site-functions"
[ "$prefix" = /usr ] && zsh_dir="$share/zsh/vendor-completions"
install -d "$zsh_dir"
"$binary" --generate-completion-script bash > "$share/bash-completion/completions/ovirt-wizard"
"$binary" --generate-completion-script zsh > "$zsh_dir/_ovirt-wizard"
"$binary" --generate-completion-script fish > "$share/fish/vendor_completions.d/ovirt-wizard.fish"
chmod 0644 "$share/bash-completion/completions/ovirt-wizard" "$zsh_dir/_ovirt-wizard" \
  "$share/fish/vendor_completions.d/ovirt-wizard.fish"

echo "install.sh: installed $("$binary" --version) under $base" >&2
