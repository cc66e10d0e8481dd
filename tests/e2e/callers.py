#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The programs that run dfu-util for their users, re-implemented for the
tests from what their own code does (read with the project's search tool,
written anew here): the exact command lines each one builds, the parsing it
does of dfu-util's output and the test it uses to decide success. Each runs
"dfu-util" from PATH, as the callers do; the test puts dfuse-util or
Debian's dfu-util there under that name.

Usage: callers.py CALLER ARGS...; exit status 0 when the caller would report
success, 1 when it would report failure (after printing its message), 2 for
a make recipe that failed (make's own status).
"""
import re
import subprocess
import sys
import time

# How long the loops that wait for a board (Zephyr's ensure_device, QMK's
# flash.mk) may run here. The callers wait forever; a test cannot.
WAIT_LIMIT_S = 20


def say(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def fail(msg):
    say(msg)
    return 1


def klipper(device, start, binfile):
    """Klipper scripts/flash_usb.py, flash_stm32f4() -> flash_dfuutil() with
    a FLASH_DEVICE that is a VID:PID (the ST ROM path): -d ",VID:PID", then
    -R -a 0 -s "0x%x:leave" % start; success is exit status 0 (it runs
    without sudo here, as with --no-sudo)."""
    if not re.match(r"^[a-fA-F0-9]{4}:[a-fA-F0-9]{4}$", device.strip()):
        return fail("not a VID:PID: the serial-port path needs a tty")
    args = ["dfu-util", "-d", "," + device.strip(), "-R", "-a", "0", "-s",
            "0x%x:leave" % int(start, 0), "-D", binfile]
    say(" ".join(args) + "\n")
    if subprocess.call(args) != 0:
        return fail("Failed to flash to %s: Error running dfu-util" % device)
    return 0


def zephyr_find(cmd, pattern):
    """runners/dfu.py and rtsflash.py find_device(): check_output(cmd + -l)
    (a non-zero exit raises) and look for ", alt=N," in it."""
    out = subprocess.check_output(cmd + ["-l"])
    return pattern in out.decode(sys.getdefaultencoding())


def zephyr_ensure(cmd, pattern):
    """ensure_device(): if the board is not listed, ask for a reset and poll
    every 0.1 s until it is."""
    if zephyr_find(cmd, pattern):
        return True
    print("Please reset your board to switch to DFU mode...", flush=True)
    deadline = time.monotonic() + WAIT_LIMIT_S
    while not zephyr_find(cmd, pattern):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def zephyr_missing(cmd, pattern):
    """What both runners do before flashing: ensure_device() at create(),
    find_device() again in do_run(). The failure to report, or None."""
    if not zephyr_ensure(cmd, pattern):
        return "board never appeared"
    if not zephyr_find(cmd, pattern):
        return "RuntimeError: device not found"
    return None


def zephyr_dfu(pid, alt, img, address, modifiers):
    """Zephyr scripts/west_commands/runners/dfu.py with --dfuse: the command
    starts [dfu-util, "-d,VID:PID"] (one argument); create() runs
    ensure_device(); do_run() checks find_device() again, then runs
    cmd + -s hex(address):modifiers -a ALT -D IMG with check_call."""
    cmd = ["dfu-util", "-d,{}".format(pid)]
    pattern = ", alt={},".format(int(alt))
    try:
        missing = zephyr_missing(cmd, pattern)
        if missing:
            return fail(missing)
        run = list(cmd) + ["-s", hex(int(address, 0)) + ":" + modifiers, "-a", alt, "-D", img]
        subprocess.check_call(run)
    except subprocess.CalledProcessError as e:
        return fail("CalledProcessError: %s exited %d" % (e.cmd, e.returncode))
    return 0


def zephyr_rtsflash(dev_id, alt, img):
    """Zephyr runners/rtsflash.py: the command starts [dfu-util,
    "-d VID:PID"] (one argument, blank included); ensure_device(),
    find_device(); (the Realtek vendor requests through pyusb are not
    dfu-util's and are left out); dfu-suffix -c IMG, else dfu-suffix -a
    IMG; then cmd + -a ALT -D IMG with check_call."""
    cmd = ["dfu-util", "-d {}".format(dev_id)]
    pattern = ", alt={},".format(int(alt))
    try:
        missing = zephyr_missing(cmd, pattern)
        if missing:
            return fail(missing)
        try:
            subprocess.check_call(["dfu-suffix", "-c", img], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        except subprocess.CalledProcessError:
            subprocess.call(["dfu-suffix", "-a", img], stdout=subprocess.DEVNULL)
        subprocess.check_call(list(cmd) + ["-a", alt, "-D", img])
    except subprocess.CalledProcessError as e:
        return fail("CalledProcessError: %s exited %d" % (e.cmd, e.returncode))
    return 0


def qmk_flashers(vid, pid, binfile):
    """QMK lib/python/qmk/flashers.py, _flash_dfu_util() for stm32-dfu,
    apm32-dfu and gd32v-dfu: dfu-util -a 0 -d VID:PID -s 0x08000000:leave
    -D FILE. It does not look at the exit status: `qmk flash` reports
    success whatever happened, so the test checks the memory."""
    subprocess.run(["dfu-util", "-a", "0", "-d", "{}:{}".format(vid, pid), "-s",
                    "0x08000000:leave", "-D", binfile])
    return 0


def platformio(binfile):
    """platform-ststm32 builder/main.py, upload_protocol = dfu: it stamps
    the application's IDs into the suffix (dfu-suffix -v 0x1209 -p 0x6665
    -d 0xffff -a), then runs dfu-util -d 0x1209:0x6665,0x0483:0xDF11 -a 0
    -s 0x08000000:leave -D firmware.bin; SCons fails the upload on a
    non-zero exit."""
    if subprocess.call(["dfu-suffix", "-v", "0x1209", "-p", "0x6665", "-d", "0xffff", "-a",
                        binfile], stdout=subprocess.DEVNULL) != 0:
        return fail("dfu-suffix failed")
    if subprocess.call(["dfu-util", "-d", "0x1209:0x6665,0x0483:0xDF11", "-a", "0", "-s",
                        "0x08000000:leave", "-D", binfile]) != 0:
        return fail("*** [upload] Error")
    return 0


# particle-cli src/lib/deviceSpecs/specifications.js: the keys are the IDs
# "shown in dfu-util -l"; the Photon's user firmware and tcpPrivateKey.
PARTICLE_SPECS = {
    "2b04:d006": {"userFirmware": ("0", "0x080A0000"), "tcpPrivateKey": ("1", "34", 612)},
}


def particle_list():
    """particle-cli src/lib/dfu.js listDFUDevices(): exec "dfu-util -l"; a
    non-zero exit rejects; "Cannot open DFU device" on stderr means missing
    permissions (it then offers its udev rules); otherwise the lines with
    "Found DFU" give the IDs, /\\[(.*:.*)\\]/ (greedy), kept if in specs."""
    p = subprocess.run("dfu-util -l", shell=True, capture_output=True, text=True)
    sys.stderr.write(p.stderr)  # for the test to read; particle-cli keeps it
    if p.returncode != 0:
        return None, "error: dfu-util -l exited %d" % p.returncode
    if p.stderr and "Cannot open DFU device" in p.stderr:
        return None, "Missing permissions to use DFU"
    ids = []
    for line in p.stdout.split("\n"):
        if "Found DFU" not in line:
            continue
        m = re.search(r"\[(.*:.*)\]", line)
        if m and m.group(1) in PARTICLE_SPECS and m.group(1) not in ids:
            ids.append(m.group(1))
    return ids, None


def particle_find():
    """findCompatibleDFU(): exactly one device (several would prompt)."""
    ids, why = particle_list()
    if why is not None:
        return None, why
    if len(ids) != 1:
        return None, "No DFU device found" if not ids else "several devices: prompt"
    return ids[0], None


def particle_flash(binfile):
    """writeDfu() for userFirmware with leave: spawn dfu-util -d ID -a ALT
    -i 0 -s ADDRESS:leave -D FILE; resolved on exit 0, or when a chunk of
    stdout is exactly "File downloaded successfully"."""
    dfu_id, why = particle_find()
    if dfu_id is None:
        return fail(why)
    alt, address = PARTICLE_SPECS[dfu_id]["userFirmware"]
    p = subprocess.run(["dfu-util", "-d", dfu_id, "-a", alt, "-i", "0", "-s",
                        address + ":leave", "-D", binfile], capture_output=True, text=True)
    sys.stdout.write(p.stdout)
    sys.stderr.write(p.stderr)
    if p.returncode == 0 or "File downloaded successfully" in p.stdout.split("\n"):
        return 0
    return fail("flash failed: " + p.stderr.strip())


def particle_keyread(dest):
    """readDfu() for tcpPrivateKey, no leave: exec "dfu-util -d ID -a ALT
    -s ADDRESS:SIZE -U DEST" (a temp.path() that does not exist yet); a
    non-zero exit rejects; then the file is read."""
    dfu_id, why = particle_find()
    if dfu_id is None:
        return fail(why)
    alt, address, size = PARTICLE_SPECS[dfu_id]["tcpPrivateKey"]
    cmd = "dfu-util -d " + dfu_id + " -a " + alt + " -s " + address + ":" + str(size) + \
        " -U " + dest
    p = subprocess.run(cmd, shell=True)
    if p.returncode != 0:
        return fail("key read failed: exit %d" % p.returncode)
    with open(dest, "rb") as f:
        data = f.read()
    print("read %d bytes" % len(data))
    return 0


def particle_permissions():
    """The permission case of listDFUDevices(): it must end in "Missing
    permissions to use DFU" (exit 0 here: the caller's check fired)."""
    ids, why = particle_list()
    print(why if why is not None else "devices: %s" % ids)
    return 0 if why == "Missing permissions to use DFU" else 1


def make(*recipe):
    """A make recipe: each line through /bin/sh -c, stopping at the first
    that fails (make prints "Error N" and exits 2)."""
    for line in recipe:
        say(line)
        rc = subprocess.call(["/bin/sh", "-c", line])
        if rc != 0:
            say("make: *** Error %d" % rc)
            return 2
    return 0


def qmk_flash_mk(dfu_args, binfile):
    """QMK platforms/chibios/flash.mk, EXEC_DFU_UTIL: until "dfu-util -l |
    grep -q 'Found DFU'" succeeds, print and sleep BOOTLOADER_RETRY_TIME
    (0.5 s); then "dfu-util $(DFU_ARGS) -D $(BUILD_DIR)/$(TARGET).bin".
    DFU_ARGS comes from bootloader.mk (plus "-S $(SERIAL)" when SERIAL is
    set)."""
    probe = 'dfu-util -l | grep -q "Found DFU"'
    loop = ('if ! %s; then printf "Bootloader not found. Trying again every 0.5s"; '
            'sleep 0.5; n=0; while ! %s; do printf "."; sleep 0.5; n=$((n+1)); '
            '[ $n -lt %d ] || exit 1; done; printf "\\n"; fi') % (probe, probe, WAIT_LIMIT_S * 2)
    return make(loop, "dfu-util %s -D %s" % (dfu_args, binfile))


CALLERS = {
    "klipper": klipper,
    "zephyr-dfu": zephyr_dfu,
    "zephyr-rtsflash": zephyr_rtsflash,
    "qmk-flashers": qmk_flashers,
    "qmk-flash-mk": qmk_flash_mk,
    "platformio": platformio,
    "particle-flash": particle_flash,
    "particle-keyread": particle_keyread,
    "particle-permissions": particle_permissions,
    "make": make,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in CALLERS:
        sys.exit("usage: callers.py {%s} ARGS..." % ",".join(sorted(CALLERS)))
    sys.exit(CALLERS[sys.argv[1]](*sys.argv[2:]))
