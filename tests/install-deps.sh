#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what building and testing dfuse-util needs, from Debian's packages.
# Runs apt-get as root, or through sudo for a normal user.
set -eu
if [ "$(id -u)" -eq 0 ]; then
	as_root=""
else
	as_root="sudo"
fi
packages="
	autoconf automake make pkg-config gcc libc6-dev
	libusb-1.0-0-dev
	umockdev libumockdev-dev libglib2.0-dev
	dfu-util python3-intelhex
	clang libclang-rt-dev clang-format
	groff-base python3
	srecord
	udev bash-completion
"
# Nothing to do (and no root needed) when every package is there already:
# tests/run-suite.sh calls this first, so that it works on a fresh machine too.
missing=""
for p in $packages; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) || status=""
	[ "$status" = installed ] || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "install-deps: every package is installed"
	exit 0
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -q
# shellcheck disable=SC2086 # the list is split on purpose
$as_root apt-get install -y -q --no-install-recommends $packages
