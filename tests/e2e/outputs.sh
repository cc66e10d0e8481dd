#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Where a run writes, checked before the device is touched (issue 19, items
# 1, 5, 7 and 12): no output is the -D input, another output of the run, a
# device node, a FIFO, a socket or a symbolic link; --json to a bad path is
# refused before flashing; a failed run, usage errors included, replaces the
# previous report; {serial} of "." or ".." stays inside the directory; a
# legal 254-byte -U name works.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 not available (JSON checks, sockets)"

plan 27

gen "$WORK/fw.bin" 5000 91
cp "$WORK/fw.bin" "$WORK/fw.orig"
FLASH="-a 0 -s 0x08000000"

# untouched NAME: the run sent the device no DFU request at all.
untouched() {
	stat_is "$1" dfu_requests 0
}

# refused NAME ERE: exit 73, one line matching ERE, no DFU request sent.
refused() {
	if [ "$rc" -eq 73 ] && one_error "$1" "$2" && untouched "$1"; then
		return 0
	fi
	show "$1"
	diag "dfu_requests=$(st "$1" dfu_requests), want 0"
	return 1
}

# Item 1: the report never replaces the input, the upload, or what is not a regular file.
# shellcheck disable=SC2086 # $FLASH is words on purpose
sim json_in -- "$DFUSE" $FLASH -D "$WORK/fw.bin" --json "$WORK/fw.bin"
check "--json FILE that is the -D input: exit 73, one line naming the clash, device untouched" \
	refused json_in "--json .*fw.bin is the input of -D"
check "--json FILE that is the -D input: the firmware file is unchanged" \
	cmp -s "$WORK/fw.bin" "$WORK/fw.orig"
ln "$WORK/fw.bin" "$WORK/fw-link.bin"
# shellcheck disable=SC2086
sim json_hard -- "$DFUSE" $FLASH -D "$WORK/fw.bin" --json "$WORK/fw-link.bin"
check "--json FILE that is a hard link to the -D input: refused (same inode)" \
	eval 'refused json_hard "is the input of -D" && cmp -s "$WORK/fw.bin" "$WORK/fw.orig"'
# shellcheck disable=SC2086
sim json_up -- "$DFUSE" -a 0 -s 0x08000000:4096 -U "$WORK/up.bin" --json "$WORK/up.bin"
check "--json FILE that is the -U file: exit 73 naming the clash, nothing written" \
	eval 'refused json_up "--json .*up.bin is also the file of -U" && [ ! -e "$WORK/up.bin" ]'
mkfifo "$WORK/fifo"
# shellcheck disable=SC2086
sim json_fifo -- "$DFUSE" $FLASH -D "$WORK/fw.bin" --json "$WORK/fifo"
check "--json FIFO: refused before flashing, the FIFO stays a FIFO" \
	eval 'refused json_fifo "fifo is a FIFO" && [ -p "$WORK/fifo" ]'
ln -s "$WORK/target.json" "$WORK/link.json"
echo '{}' >"$WORK/target.json"
# shellcheck disable=SC2086
sim json_link -- "$DFUSE" $FLASH -D "$WORK/fw.bin" --json "$WORK/link.json"
check "--json symbolic link: refused before flashing, the link stays a link" \
	eval 'refused json_link "link.json is a symbolic link" && [ -L "$WORK/link.json" ] &&
		[ "$(cat "$WORK/target.json")" = "{}" ]'
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$WORK/sock"
# shellcheck disable=SC2086
sim json_sock -- "$DFUSE" $FLASH -D "$WORK/fw.bin" --json "$WORK/sock"
check "--json socket: refused before flashing, the socket stays a socket" \
	eval 'refused json_sock "sock is a socket" && [ -S "$WORK/sock" ]'
if mknod "$WORK/null" c 1 3 2>/dev/null; then
	# shellcheck disable=SC2086
	sim json_dev -- "$DFUSE" $FLASH -D "$WORK/fw.bin" --json "$WORK/null"
	check "--json device node: refused before flashing, the node stays a device" \
		eval 'refused json_dev "null is a device node" && [ -c "$WORK/null" ]'
else
	skip "--json device node: refused before flashing" "mknod needs root"
fi
mkfifo "$WORK/upfifo"
sim up_fifo -- "$DFUSE" -a 0 -s 0x08000000:16 -U "$WORK/upfifo"
check "-U FIFO: exit 73 naming what it is, device untouched" refused up_fifo "upfifo is a FIFO"
mkdir "$WORK/rack"
sim rack_json --device f4 --serial B1 --device f4 --serial B2 -- \
	"$DFUSE" --all -s 0x08000000:4096 -U "$WORK/rack/{serial}.bin" --json "$WORK/rack/B1.bin"
check "--all -U whose name for one board is --json's file: that board refused (73)" \
	eval '[ "$rc" -eq 73 ] && grep -q "B1.bin is also the file of --json" "$WORK/rack_json.err" &&
		stat_is rack_json dfu_requests 0 B1'
check "--all -U and --json on one file: the file is the report, not B1's data" \
	json_holds "$WORK/rack/B1.bin" "d['exit_code'] == 73 and
		[x['result'] for x in d['devices']] == ['error', 'ok']"
check "--all -U and --json on one file: the other board's upload is there" \
	eval '[ "$(wc -c <"$WORK/rack/B2.bin")" -eq 4096 ]'

# Item 7: --json to a bad path is found before flashing; failures replace the report.
# shellcheck disable=SC2086
sim json_nodir -- "$DFUSE" $FLASH -D "$WORK/fw.bin" --json "$WORK/no/such/r.json"
check "--json into a missing directory: exit 73 before flashing (no DFU request)" \
	refused json_nodir "directory .*no/such does not exist"
# shellcheck disable=SC2086
sim good -- "$DFUSE" $FLASH -D "$WORK/fw.bin" --json "$WORK/r.json"
check "a good run writes its report" json_holds "$WORK/r.json" "d['exit_code'] == 0"
sim usage -- "$DFUSE" -a 0 -D "$WORK/fw.bin" --json "$WORK/r.json" --no-such-option
check "a usage error: exit 64, one line" eval '[ "$rc" -eq 64 ] && one_error usage "no-such-option"'
check "a usage error replaces the previous report: exit_code 64, the error, no device" \
	json_holds "$WORK/r.json" "d['exit_code'] == 64 and 'no-such-option' in d['error'] and
		d['devices'] == []"
check "the report was replaced whole: no temporary file is left" \
	eval '[ -z "$(find "$WORK" -name ".dfuse-*")" ]'
sim usage_in -- "$DFUSE" -a 0 -D "$WORK/fw.bin" --json "$WORK/fw.bin" --no-such-option
check "a usage error with --json naming the -D input: exit 64, the input is not replaced" \
	eval '[ "$rc" -eq 64 ] && cmp -s "$WORK/fw.bin" "$WORK/fw.orig"'
sim exists -- "$DFUSE" -a 0 -s 0x08000000:16 -U "$WORK/fw.bin" --json "$WORK/r.json"
check "-U onto an existing file: exit 73 before any request, and the report says so" \
	eval 'refused exists "fw.bin already exists" &&
		json_holds "$WORK/r.json" "d[\"exit_code\"] == 73 and d[\"operation\"] == \"upload\""'
# shellcheck disable=SC2086
sim tostdout -- "$DFUSE" $FLASH -D "$WORK/fw.bin" --json -
check "--json - writes the report to stdout, the only way to reach it" \
	eval '[ "$rc" -eq 0 ] && json_holds "$WORK/tostdout.out" "d[\"exit_code\"] == 0"'

# Item 5: a {serial} of "." or ".." is made safe; it names no directory.
mkdir -p "$WORK/dumps/__" "$WORK/dumps/_"
sim dots --device f4 --serial .. --device f4 --serial . -- \
	"$DFUSE" --all -s 0x08000000:4096 -U "$WORK/dumps/{serial}/flash.bin"
check "--all -U dumps/{serial}/flash.bin, serials '..' and '.': exit 0" \
	eval '[ "$rc" -eq 0 ] || { show dots; false; }'
check "serial '..' writes dumps/__/flash.bin, '.' writes dumps/_/flash.bin" \
	eval '[ "$(wc -c <"$WORK/dumps/__/flash.bin")" -eq 4096 ] &&
		[ "$(wc -c <"$WORK/dumps/_/flash.bin")" -eq 4096 ]'
check "nothing was written outside dumps/SERIAL/" \
	eval '[ ! -e "$WORK/flash.bin" ] && [ ! -e "$WORK/dumps/flash.bin" ]'

# Item 12: a legal 254-byte name works; a name too long is blamed as such.
long=$(printf '%0250d' 0).bin
sim long -- "$DFUSE" -a 0 -s 0x08000000:4096 -U "$WORK/$long"
check "-U with a 254-byte name: exit 0, the 4096 bytes there" \
	eval '[ "$rc" -eq 0 ] && [ "$(wc -c <"$WORK/$long")" -eq 4096 ] || { show long; false; }'
check "-U with a 254-byte name: no temporary file left" \
	eval '[ -z "$(find "$WORK" -name ".dfuse-*")" ]'
toolong=$(printf '%0252d' 0).bin
sim toolong -- "$DFUSE" -a 0 -s 0x08000000:4096 -U "$WORK/$toolong"
check "-U with a 256-byte name: exit 73, one line blaming the name, device untouched" \
	refused toolong "File name too long"
check "the upload left nothing behind anywhere" \
	eval '[ -z "$(find "$WORK" -name "*.XXXXXX" -o -name "*.bin.??????")" ]'
