#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's demo: dfuse-util's main job against a simulated STM32F4 ROM
# bootloader (no hardware needed): list it, flash a sample image, read it back.
# Usage: tests/demo.sh [BUILDDIR]   (default: the current directory)
set -eu
builddir=$(cd "${1:-.}" && pwd)
sim=$builddir/tests/sim/dfuse-sim
tool=$builddir/dfuse-util
if [ ! -x "$sim" ]; then
	echo "demo: $sim is missing: configure found no umockdev (install libumockdev-dev)" >&2
	exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/dfuse-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A 100 KiB sample image: it spans the F4's 16 KiB and 64 KiB sectors.
dd if=/dev/urandom of="$work/sample.bin" bs=1024 count=100 2>/dev/null

cat >"$work/session.sh" <<SESSION
set -e
echo '$ dfuse-util -l'
"$tool" -l
echo
echo '$ dfuse-util -a 0 -s 0x08000000 -D sample.bin --verify'
"$tool" -a 0 -s 0x08000000 -D "$work/sample.bin" --verify
echo
echo '$ dfuse-util -a 0 -s 0x08000000:102400 -U readback.bin'
"$tool" -a 0 -s 0x08000000:102400 -U "$work/readback.bin"
SESSION

"$sim" --device f4 --time-scale 0.1 -- sh "$work/session.sh"
echo
if cmp -s "$work/sample.bin" "$work/readback.bin"; then
	echo "demo: the image read back equals the image flashed (102400 bytes)"
else
	echo "demo: the image read back differs from the image flashed" >&2
	exit 1
fi
