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
	dfu-util
	clang libclang-rt-dev clang-format
	groff-base python3
	srecord
	udev bash-completion
"
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -q
# shellcheck disable=SC2086 # the list is split on purpose
$as_root apt-get install -y -q --no-install-recommends $packages
