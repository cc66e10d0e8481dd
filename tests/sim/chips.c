/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated chips as data: USB IDs, strings, DFU functional descriptor,
 * memory layouts (one alt setting each) and the poll timeouts each ROM reports.
 * Adding a part means adding a row; model.c holds no per-chip code (plain DFU
 * devices' few deviations are flags of their row).
 */
#include <stdbool.h>
#include <string.h>

#include "model.h"

/*
 * Timing numbers are the typical values of the parts' datasheets (flash
 * characteristics tables: sector/page erase time, mass erase time, word
 * program time times the words of one block), rounded to what the ROMs
 * report in bwPollTimeout. erase_ms_per_16k is multiplied by the sector size
 * in 16 KiB units (at least one unit), then floored at erase_min_ms.
 */
const struct sim_chip sim_chips[] = {
	/*
	 * STM32F405/F407 system memory bootloader. DS8626: 16 KiB sector erase
	 * 250 ms typical (x32), 128 KiB 1-2 s, mass erase 8-16 s; word program
	 * 16 us, so one 2 KiB block (512 words) takes about 8 ms.
	 */
	{
		.name = "f4",
		.description = "STM32F405/F407 ROM bootloader (1 MiB, 16/64/128 KiB sectors)",
		.idVendor = 0x0483,
		.idProduct = 0xdf11,
		.bcdDevice = 0x2200,
		.manufacturer = "STMicroelectronics",
		.product = "STM32  BOOTLOADER",
		.serial = "336F38743037",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0B,
		.wDetachTimeOut = 255,
		.wTransferSize = 2048,
		.bcdDFUVersion = 0x011A,
		.nalts = 4,
		.alt_names = {
			"@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg",
			"@Option Bytes  /0x1FFFC000/01*016 e",
			"@OTP Memory /0x1FFF7800/01*512 e,01*016 e",
			"@Device Feature/0xFFFF0000/01*004 e",
		},
		.timing = {
			.cmd_ms = 1,
			.write_ms = 8,
			.erase_ms_per_16k = 250,
			.erase_min_ms = 250,
			.mass_erase_ms = 16000,
			.manifest_ms = 1,
		},
	},
	/*
	 * STM32F411 system memory bootloader (512 KiB: 4*16, 1*64, 3*128 KiB),
	 * the F4's flash timings (DS10314). Its ROM STALLs a data DNLOAD now
	 * and then: faults.stall_data_block plays that.
	 */
	{
		.name = "f411",
		.description = "STM32F411 ROM bootloader (512 KiB, 16/64/128 KiB sectors)",
		.idVendor = 0x0483,
		.idProduct = 0xdf11,
		.bcdDevice = 0x2200,
		.manufacturer = "STMicroelectronics",
		.product = "STM32  BOOTLOADER",
		.serial = "3763347F3238",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0B,
		.wDetachTimeOut = 255,
		.wTransferSize = 2048,
		.bcdDFUVersion = 0x011A,
		.nalts = 2,
		.alt_names = {
			"@Internal Flash  /0x08000000/04*016Kg,01*064Kg,03*128Kg",
			"@Option Bytes  /0x1FFFC000/01*016 e",
		},
		.timing = {
			.cmd_ms = 1,
			.write_ms = 8,
			.erase_ms_per_16k = 250,
			.erase_min_ms = 250,
			.mass_erase_ms = 8000,
			.manifest_ms = 1,
		},
	},
	/*
	 * STM32F7 ROM: same shape, 32/128/256 KiB sectors. Its ROM reports about
	 * 104 ms for every 2 KiB block written (dfu-util -v logs in issue 20),
	 * far more than the programming really takes: 512 words of 16 us
	 * (DS10916's word programming time), about 8 ms. Hosts that sleep the
	 * full bwPollTimeout are slow on it; a GETSTATUS after 8 ms finds the
	 * block done (dfu-util master's :fast relies on that).
	 */
	{
		.name = "f7",
		.description = "STM32F7 ROM bootloader (1 MiB, 32/128/256 KiB sectors, slow polls)",
		.idVendor = 0x0483,
		.idProduct = 0xdf11,
		.bcdDevice = 0x2200,
		.manufacturer = "STMicroelectronics",
		.product = "STM32  BOOTLOADER",
		.serial = "2063366E5752",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0B,
		.wDetachTimeOut = 255,
		.wTransferSize = 2048,
		.bcdDFUVersion = 0x011A,
		.nalts = 1,
		.alt_names = {
			"@Internal Flash  /0x08000000/04*032Kg,01*128Kg,03*256Kg",
		},
		.timing = {
			.cmd_ms = 1,
			.write_ms = 104,
			.write_real_ms = 8,
			.erase_ms_per_16k = 125,	/* 32 KiB: 250 ms, 256 KiB: 2 s */
			.erase_min_ms = 250,
			.mass_erase_ms = 16000,
			.manifest_ms = 1,
		},
	},
	/*
	 * STM32F10x-style ROM with 1 KiB pages (the connectivity line has the USB
	 * DFU ROM). Datasheet: page erase 20 ms typical (40 max), mass erase
	 * 20-40 ms.
	 */
	{
		.name = "f1",
		.description = "STM32F1-style ROM bootloader (128 KiB, 1 KiB pages)",
		.idVendor = 0x0483,
		.idProduct = 0xdf11,
		.bcdDevice = 0x0200,
		.manufacturer = "STMicroelectronics",
		.product = "STM32  BOOTLOADER",
		.serial = "8D8B51665151",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0B,
		.wDetachTimeOut = 255,
		.wTransferSize = 1024,
		.bcdDFUVersion = 0x011A,
		.nalts = 1,
		.alt_names = {
			"@Internal Flash  /0x08000000/128*0001Kg",
		},
		.timing = {
			.cmd_ms = 1,
			.write_ms = 5,
			.erase_ms_per_16k = 20,		/* one 1 KiB page counts as one unit */
			.erase_min_ms = 20,
			.mass_erase_ms = 40,
			.manifest_ms = 1,
		},
	},
	/*
	 * STM32H7 ROM, one 2 MiB bank of 128 KiB sectors. Datasheet:
	 * 128 KiB sector erase about 2 s, bank erase about 16 s.
	 */
	{
		.name = "h7",
		.description = "STM32H7 ROM bootloader (2 MiB, 128 KiB sectors)",
		.idVendor = 0x0483,
		.idProduct = 0xdf11,
		.bcdDevice = 0x0200,
		.manufacturer = "STMicroelectronics",
		.product = "STM32  BOOTLOADER",
		.serial = "3574364C3034",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0B,
		.wDetachTimeOut = 255,
		.wTransferSize = 1024,
		.bcdDFUVersion = 0x011A,
		.nalts = 1,
		.alt_names = {
			"@Internal Flash   /0x08000000/16*128Kg",
		},
		.timing = {
			.cmd_ms = 1,
			.write_ms = 10,
			.erase_ms_per_16k = 250,	/* 128 KiB: 2 s */
			.erase_min_ms = 250,
			.mass_erase_ms = 16000,
			.manifest_ms = 1,
		},
	},
	/*
	 * A DFU bootloader that runs from flash (ST's USB device library on an
	 * F4) and protects itself: its first 64 KiB are readable only, neither
	 * erasable nor writeable. Hosts must refuse or survive writes there.
	 */
	{
		.name = "protboot",
		.description = "flash-resident bootloader, first 64 KiB read-only",
		.idVendor = 0x0483,
		.idProduct = 0xdf11,
		.bcdDevice = 0x0200,
		.manufacturer = "STMicroelectronics",
		.product = "DFU in FS Mode",
		.serial = "206A37A75650",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0B,
		.wDetachTimeOut = 255,
		.wTransferSize = 1024,
		.bcdDFUVersion = 0x011A,
		.nalts = 1,
		.alt_names = {
			"@Internal Flash  /0x08000000/04*016Ka,04*016Kg,03*128Kg",
		},
		.timing = {
			.cmd_ms = 1,
			.write_ms = 8,
			.erase_ms_per_16k = 250,
			.erase_min_ms = 250,
			.mass_erase_ms = 16000,
			.manifest_ms = 1,
		},
	},
	/*
	 * GigaDevice GD32 ROM (IDs of its DFU bootloader): a 1 MiB part with
	 * 2 KiB pages, so one page is one transfer. The ROM reports a fixed
	 * 100 ms for every command, erase and write, whatever the work, and
	 * spells the byte multiplier 'B' in its option byte layout.
	 */
	{
		.name = "gd32",
		.description = "GD32-style ROM bootloader (1 MiB, 2 KiB pages, fixed 100 ms polls)",
		.idVendor = 0x28e9,
		.idProduct = 0x0189,
		.bcdDevice = 0x1000,
		.manufacturer = "GigaDevice",
		.product = "GD32 DFU Bootloader",
		.serial = "GD32F30X",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0B,
		.wDetachTimeOut = 255,
		.wTransferSize = 2048,
		.bcdDFUVersion = 0x011A,
		.nalts = 2,
		.alt_names = {
			"@Internal Flash  /0x08000000/512*002Kg",
			"@Option Bytes  /0x1FFFF800/01*016Be",
		},
		.timing = {
			.cmd_ms = 100,
			.write_ms = 100,
			.erase_ms_per_16k = 100,	/* a 2 KiB page counts as one unit */
			.erase_min_ms = 100,
			.mass_erase_ms = 100,
			.manifest_ms = 100,
		},
	},
	/*
	 * GigaDevice GD32VF103 (RISC-V) ROM: the same IDs as the GD32 ROM, but
	 * its layout claims 512 pages of 2 KiB while the part has 1 KiB pages,
	 * and only as many as its flash size: 16, 32, 64 or 128 KiB by the third
	 * character of the serial (datasheet ordering codes x4/x6/x8/xB). Its
	 * leave resets without answering the GETSTATUS. dfu-util 0.10+ carries
	 * the same fix-up.
	 */
	{
		.name = "gd32vf103",
		.description = "GD32VF103 ROM (layout claims 512*2 KiB; 1 KiB pages, size by serial)",
		.idVendor = 0x28e9,
		.idProduct = 0x0189,
		.bcdDevice = 0x1000,
		.manufacturer = "GigaDevice",
		.product = "GD32 DFU Bootloader",
		.serial = "3?BJ",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0B,
		.wDetachTimeOut = 255,
		.wTransferSize = 2048,
		.bcdDFUVersion = 0x011A,
		.nalts = 2,
		.alt_names = {
			"@Internal Flash  /0x08000000/512*002Kg",
			"@Option Bytes  /0x1FFFF800/01*016Be",
		},
		.real_layouts = {
			"@Internal Flash  /0x08000000/",
		},
		.flash_kib_by_serial = "4:16,6:32,8:64,B:128",
		.leave_no_status = true,
		.timing = {
			.cmd_ms = 10,
			.write_ms = 10,
			.erase_ms_per_16k = 100,
			.erase_min_ms = 50,
			.mass_erase_ms = 500,
			.manifest_ms = 10,
		},
	},
	/*
	 * An application with a DFU run-time interface (protocol 1). willDetach
	 * is clear (bmAttributes 0x07), so after DETACH the host must reset the
	 * bus within wDetachTimeOut; the part then comes back as the "f4" ROM
	 * with PID df11 and the same serial.
	 */
	{
		.name = "runtime",
		.description = "application with a DFU run-time interface (detaches to f4)",
		.idVendor = 0x0483,
		.idProduct = 0x5740,
		.bcdDevice = 0x0200,
		.manufacturer = "STMicroelectronics",
		.product = "Example App",
		.serial = "336F38743037",
		.bMaxPacketSize0 = 64,
		.runtime = true,
		.dfu_idProduct = 0xdf11,
		.dfu_chip = "f4",
		.bmAttributes = 0x07,
		.wDetachTimeOut = 1000,
		.wTransferSize = 2048,
		.bcdDFUVersion = 0x011A,
		.nalts = 1,
		.alt_names = {
			"DFU runtime",
		},
	},
	/*
	 * Plain DFU 1.1 devices (chip->plain): no DfuSe commands, every DNLOAD
	 * block is data written sequentially from the alt's base, every UPLOAD
	 * block is read sequentially. plain_mem gives each alt's memory as a
	 * layout without a name ("" = an alt without memory); the alt names
	 * are what the device reports, not layouts.
	 *
	 * The Maple / STM32duino bootloader (rogerclarkmelbourne/
	 * STM32duino-bootloader and leaflabs/maple-bootloader): strings and
	 * the functional descriptor as in its usb_descriptor.c and config.h
	 * (bmAttributes 0x03, wTransferSize 1024, bcdDFUVersion 0x0110).
	 * Those sources report bcdDevice 0x0201; the rev 3/5 boards dfu-util
	 * names in its quirk table report 0x0200, which we model so that the
	 * quirk row applies. Its dfu.c: alt 0 (RAM) answers errWRITE, alts 1
	 * and 2 write flash from 0x08005000 / 0x08002000 on an F103RB (128 KiB
	 * flash, 1 KiB pages), each block erasing the page it starts and
	 * answering at once (bwPollTimeout 0); a GETSTATUS or GETSTATE in
	 * dfuDNLOAD-IDLE returns it to dfuIDLE; DETACH in DFU mode is an
	 * error (errSTALLEDPKT); the GETSTATUS after the zero-length DNLOAD
	 * goes straight to dfuMANIFEST-WAIT-RESET, and the reset that follows
	 * runs the application: the device is gone from the bus.
	 */
	{
		.name = "maple",
		.description = "Maple / STM32duino bootloader (plain DFU, 1 KiB blocks, wait-reset)",
		.idVendor = 0x1eaf,
		.idProduct = 0x0003,
		.bcdDevice = 0x0200,
		.manufacturer = "LeafLabs",
		.product = "Maple 003",
		.serial = "LLM 003",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x03,
		.wDetachTimeOut = 255,
		.wTransferSize = 1024,
		.bcdDFUVersion = 0x0110,
		.nalts = 3,
		.alt_names = {
			"STM32duino bootloader v1.0  ERROR. Upload to RAM not supported.",
			"STM32duino bootloader v1.0  Upload to Flash 0x8005000",
			"STM32duino bootloader v1.0  Upload to Flash 0x8002000",
		},
		.plain = true,
		.plain_quirks = SIM_PLAIN_DETACH_REFUSED | SIM_PLAIN_STATUS_IDLES,
		.plain_mem = {
			"",
			"/0x08005000/108*001Kg",
			"/0x08002000/120*001Kg",
		},
	},
	/*
	 * A TinyUSB DFU class device (its dfu example: VID 0xCafe, alts
	 * "FLASH" and "EEPROM", CFG_TUD_DFU_XFER_BUFSIZE 64 at full speed,
	 * bcdDFUVersion 0x0101 as TinyUSB's descriptor macro sends it, and
	 * manifestation tolerant: after the final status it is in dfuIDLE).
	 * The EEPROM alt is 1000 bytes, so an upload ends with a short block.
	 */
	{
		.name = "tinyusb",
		.description = "TinyUSB-style plain DFU device (64-byte blocks, manifestation tolerant)",
		.idVendor = 0xcafe,
		.idProduct = 0x4000,
		.bcdDevice = 0x0100,
		.manufacturer = "TinyUSB",
		.product = "TinyUSB Device",
		.serial = "123456",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x07,
		.wDetachTimeOut = 1000,
		.wTransferSize = 64,
		.bcdDFUVersion = 0x0101,
		.nalts = 2,
		.alt_names = {
			"FLASH",
			"EEPROM",
		},
		.plain = true,
		.plain_mem = {
			"/0x00000000/64*001Kg",
			"/0x00100000/1*1000 g",
		},
		.timing = {
			.write_ms = 1,
			.manifest_ms = 1,
		},
	},
	/*
	 * An open-hardware plain DFU 1.1 bootloader that "plain-rt" (below)
	 * re-enumerates as: pid.codes test IDs, 256-byte blocks, not
	 * manifestation tolerant, so manifestation ends in
	 * dfuMANIFEST-WAIT-RESET after a 20 ms dfuMANIFEST.
	 */
	{
		.name = "plain-boot",
		.description = "plain DFU 1.1 bootloader (256-byte blocks, manifest then wait-reset)",
		.idVendor = 0x1209,
		.idProduct = 0x0002,
		.bcdDevice = 0x0100,
		.manufacturer = "Open Hardware",
		.product = "DFU Bootloader",
		.serial = "0F1E2D3C4B5A",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x03,
		.wDetachTimeOut = 1000,
		.wTransferSize = 256,
		.bcdDFUVersion = 0x0110,
		.nalts = 1,
		.alt_names = {
			"Application",
		},
		.plain = true,
		.plain_mem = {
			"/0x08004000/112*001Kg",
		},
		.timing = {
			.write_ms = 4,
			.manifest_ms = 20,
		},
	},
	/*
	 * An application with a DFU run-time interface (1209:0001) that
	 * re-enumerates as the "plain-boot" bootloader (1209:0002) after
	 * DETACH and a bus reset within wDetachTimeOut.
	 */
	{
		.name = "plain-rt",
		.description = "application with a DFU run-time interface (detaches to plain-boot)",
		.idVendor = 0x1209,
		.idProduct = 0x0001,
		.bcdDevice = 0x0100,
		.manufacturer = "Open Hardware",
		.product = "Example Gadget",
		.serial = "0F1E2D3C4B5A",
		.bMaxPacketSize0 = 64,
		.runtime = true,
		.dfu_idProduct = 0x0002,
		.dfu_chip = "plain-boot",
		.bmAttributes = 0x03,
		.wDetachTimeOut = 1000,
		.wTransferSize = 256,
		.bcdDFUVersion = 0x0110,
		.nalts = 1,
		.alt_names = {
			"DFU Runtime",
		},
	},
	/*
	 * An application that stamps the pid.codes test IDs 1209:6665 into its
	 * DFU suffix and enumerates with them, as PlatformIO's STM32 DFU upload
	 * expects (-d 0x1209:0x6665,0x0483:0xDF11). Detaches to the f4 ROM.
	 */
	{
		.name = "pio-app",
		.description = "application 1209:6665 with a DFU run-time interface (detaches to f4)",
		.idVendor = 0x1209,
		.idProduct = 0x6665,
		.bcdDevice = 0x0100,
		.manufacturer = "PlatformIO",
		.product = "Example App",
		.serial = "336F38743037",
		.bMaxPacketSize0 = 64,
		.runtime = true,
		.dfu_idProduct = 0xdf11,
		.dfu_chip = "f4",
		.bmAttributes = 0x07,
		.wDetachTimeOut = 1000,
		.wTransferSize = 2048,
		.bcdDFUVersion = 0x011A,
		.nalts = 1,
		.alt_names = {
			"DFU runtime",
		},
	},
	/*
	 * Particle Photon (STM32F205) in its DFU bootloader, which runs from
	 * flash: the first 48 KiB hold the bootloader and are read-only. Alt 1
	 * is the DCT, a 16 KiB emulated configuration area at address 0, where
	 * particle-cli reads the device key (-a 1 -s 34:612 -U). The layout
	 * strings are those a Photon lists with dfu-util -l.
	 */
	{
		.name = "photon",
		.description = "Particle Photon DFU bootloader (STM32F205, DCT at alt 1)",
		.idVendor = 0x2b04,
		.idProduct = 0xd006,
		.bcdDevice = 0x0250,
		.manufacturer = "Particle",
		.product = "Photon DFU Mode",
		.serial = "00000000010C",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0B,
		.wDetachTimeOut = 255,
		.wTransferSize = 4096,
		.bcdDFUVersion = 0x011A,
		.nalts = 2,
		.alt_names = {
			"@Internal Flash   /0x08000000/03*016Ka,01*016Kg,01*064Kg,07*128Kg",
			"@DCT Flash   /0x00000000/01*016Kg",
		},
		.timing = {
			.cmd_ms = 1,
			.write_ms = 16,
			.erase_ms_per_16k = 250,
			.erase_min_ms = 250,
			.mass_erase_ms = 16000,
			.manifest_ms = 1,
		},
	},
	/*
	 * A flash-resident bootloader that takes applications in external QSPI
	 * flash, as the Daisy's does (applications linked for 0x90040000; the
	 * first 256 KiB of QSPI are its own and read-only here). Alt 0 is the
	 * QSPI flash, so `-a 0 -s 0x90040000` finds it. The layout is modelled
	 * on that memory map, not copied from a device listing.
	 */
	{
		.name = "qspiboot",
		.description = "flash-resident bootloader, applications in QSPI at 0x90040000",
		.idVendor = 0x0483,
		.idProduct = 0xdf11,
		.bcdDevice = 0x0200,
		.manufacturer = "Electrosmith",
		.product = "Daisy Bootloader",
		.serial = "DAISY00000001",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0B,
		.wDetachTimeOut = 255,
		.wTransferSize = 4096,
		.bcdDFUVersion = 0x011A,
		.nalts = 2,
		.alt_names = {
			"@QSPI Flash   /0x90000000/64*004Ka,192*004Kg",
			"@Internal Flash   /0x08000000/01*128Ka",
		},
		.timing = {
			.cmd_ms = 1,
			.write_ms = 2,
			.erase_ms_per_16k = 50,		/* one 4 KiB QSPI sector counts as one unit */
			.erase_min_ms = 50,
			.mass_erase_ms = 20000,
			.manifest_ms = 1,
		},
	},
	/*
	 * The Bluetooth controller of a 2015 MacBook Pro: always on the bus with
	 * a DFU run-time interface (DFU 1.0, no DfuSe), listed by dfu-util -l as
	 * "Found Runtime: [05ac:8290]" (libDaisy issue 195). A host must never
	 * detach it unasked; if one does, it comes back as an f4 ROM so that the
	 * damage shows (detach and reset counters, a flashed "board").
	 */
	{
		.name = "apple-bt",
		.description = "Apple built-in Bluetooth controller (run-time DFU 1.0 bystander)",
		.idVendor = 0x05ac,
		.idProduct = 0x8290,
		.bcdDevice = 0x0167,
		.manufacturer = "Apple Inc.",
		.product = "Bluetooth USB Host Controller",
		.serial = "APPLEBT",
		.bMaxPacketSize0 = 64,
		.runtime = true,
		.dfu_idProduct = 0xdf11,
		.dfu_chip = "f4",
		.bmAttributes = 0x07,
		.wDetachTimeOut = 1000,
		.wTransferSize = 1024,
		.bcdDFUVersion = 0x0100,
		.nalts = 1,
		.alt_names = {
			"",
		},
	},
	{ .name = NULL },
};

/* The chip tables in listing order (--list-chips). */
static const struct sim_chip *const sim_chip_tables[] = { sim_chips, sim_chips_2026,
							  sim_chips_nostrings };
#define SIM_NTABLES (sizeof(sim_chip_tables) / sizeof(sim_chip_tables[0]))

const struct sim_chip *sim_chip_next(const struct sim_chip *c)
{
	bool after = c == NULL;

	/* pointers compared only for equality: the tables are separate arrays */
	for (size_t t = 0; t < SIM_NTABLES; t++)
		for (const struct sim_chip *e = sim_chip_tables[t]; e->name != NULL; e++) {
			if (after)
				return e;
			after = e == c;
		}
	return NULL;
}

const struct sim_chip *sim_chip_find(const char *name)
{
	if (!name)
		return NULL;
	for (const struct sim_chip *c = sim_chip_next(NULL); c != NULL; c = sim_chip_next(c))
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}
