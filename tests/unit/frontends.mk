# SPDX-License-Identifier: GPL-2.0-or-later
# dfuse-util called as dfu-suffix, dfu-prefix and dfuse-pack, each checked
# byte for byte against Debian's dfu-util 0.11 program of that name.

TESTS += tests/unit/fe-suffix-prefix.sh tests/unit/fe-pack.sh
dist_noinst_SCRIPTS += tests/unit/fe-suffix-prefix.sh tests/unit/fe-pack.sh
dist_noinst_DATA += tests/unit/fe-lib.sh
