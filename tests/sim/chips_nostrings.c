/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Plain DFU devices without string descriptors, the devices of dfu-util's
 * own device-logs directory (its README names them: OpenPCD and SimTrace
 * with the SAM7DFU loader, the Qi Hardware atusb, a TDK Bluetooth adapter)
 * and NXP's LPC-Link and LPC-Link2 boot loaders. Each has iManufacturer,
 * iProduct, iSerialNumber and iInterface 0: dfu-util 0.11 lists such a
 * device as name="UNKNOWN", serial="UNKNOWN" and -S UNKNOWN selects it.
 * Where no public source at hand gives a product ID, a memory size or a
 * transfer size, the row's value is the model's own choice, said so below.
 */
#include "model.h"

const struct sim_chip sim_chips_nostrings[] = {
	/*
	 * OpenPCD RFID reader in its SAM7DFU loader (openpcd.git,
	 * firmware/include/dfu/dfu.h): bmAttributes CAN_UPLOAD|CAN_DOWNLOAD,
	 * wDetachTimeOut 0xff00, wTransferSize the AT91SAM7S flash page
	 * (256 bytes), bcdDFUVersion 0x0100. The product ID and the two
	 * alts' memory are the model's choice.
	 */
	{
		.name = "openpcd",
		.description = "OpenPCD SAM7DFU loader (no strings, 256-byte blocks)",
		.idVendor = 0x16c0,
		.idProduct = 0x076b,
		.bcdDevice = 0x0000,
		.bMaxPacketSize0 = 8,
		.bmAttributes = 0x03,
		.wDetachTimeOut = 0xff00,
		.wTransferSize = 256,
		.bcdDFUVersion = 0x0100,
		.nalts = 2,
		.plain = true,
		.plain_mem = {
			"/0x00104000/240*256 g",
			"/0x00200000/64*256 g",
		},
		.timing = {
			.write_ms = 4,
			.manifest_ms = 1,
		},
	},
	/* sysmocom SimTrace: the same SAM7DFU loader as the OpenPCD (product ID: the model's). */
	{
		.name = "simtrace",
		.description = "sysmocom SimTrace SAM7DFU loader (no strings, 256-byte blocks)",
		.idVendor = 0x16c0,
		.idProduct = 0x0762,
		.bcdDevice = 0x0000,
		.bMaxPacketSize0 = 8,
		.bmAttributes = 0x03,
		.wDetachTimeOut = 0xff00,
		.wTransferSize = 256,
		.bcdDFUVersion = 0x0100,
		.nalts = 2,
		.plain = true,
		.plain_mem = {
			"/0x00104000/240*256 g",
			"/0x00200000/64*256 g",
		},
		.timing = {
			.write_ms = 4,
			.manifest_ms = 1,
		},
	},
	/*
	 * NXP LPC-Link (LPCXpresso) boot loader, 0471:df55: booted with
	 * "dfu-util -d 0x471:0xdf55 -c 0 -t 2048 -R -D LPCXpressoWIN.enc"
	 * (LPCXpresso's documented line). It takes a download only: its
	 * functional descriptor clears bitCanUpload (issue 20), so an UPLOAD
	 * is STALLed.
	 */
	{
		.name = "lpclink",
		.description = "NXP LPC-Link boot loader (no strings, cannot upload)",
		.idVendor = 0x0471,
		.idProduct = 0xdf55,
		.bcdDevice = 0x0100,
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x01,
		.wDetachTimeOut = 1000,
		.wTransferSize = 2048,
		.bcdDFUVersion = 0x0100,
		.nalts = 1,
		.plain = true,
		.plain_mem = {
			"/0x10000000/32*2Kg",
		},
		.timing = {
			.write_ms = 2,
			.manifest_ms = 1,
		},
	},
	/*
	 * NXP LPC-Link2 (LPC4370 ROM DFU), 1fc9:000c: booted with LPCScrypt's
	 * "dfu-util -d 0x1FC9:0x000C -c 0 -t 2048 -R -D" line; no strings.
	 */
	{
		.name = "lpclink2",
		.description = "NXP LPC-Link2 LPC4370 ROM DFU (no strings)",
		.idVendor = 0x1fc9,
		.idProduct = 0x000c,
		.bcdDevice = 0x0100,
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x03,
		.wDetachTimeOut = 1000,
		.wTransferSize = 2048,
		.bcdDFUVersion = 0x0100,
		.nalts = 1,
		.plain = true,
		.plain_mem = {
			"/0x10000000/64*2Kg",
		},
		.timing = {
			.write_ms = 2,
			.manifest_ms = 1,
		},
	},
	/*
	 * Qi Hardware ben-wpan atusb (20b7:1540, "Qi Hardware ben-wpan,
	 * AT86RF230-based"), its DFU boot loader on the ATmega32U2: 64-byte
	 * blocks (its EP0 size); the 28 KiB of flash is the model's choice.
	 */
	{
		.name = "atusb",
		.description = "Qi Hardware atusb DFU boot loader (no strings, 64-byte blocks)",
		.idVendor = 0x20b7,
		.idProduct = 0x1540,
		.bcdDevice = 0x0001,
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x03,
		.wDetachTimeOut = 1000,
		.wTransferSize = 64,
		.bcdDFUVersion = 0x0101,
		.nalts = 1,
		.plain = true,
		.plain_mem = {
			"/0x00000000/224*128 g",
		},
		.timing = {
			.write_ms = 4,
			.manifest_ms = 1,
		},
	},
	/*
	 * TDK Corp. Bluetooth adapter (VID 04bf), closed-source DFU that
	 * dfu-util's device log shows upload working on; no strings. Its
	 * product ID, transfer size and memory are the model's choice.
	 */
	{
		.name = "tdk-bt",
		.description = "TDK Corp. Bluetooth adapter DFU (no strings)",
		.idVendor = 0x04bf,
		.idProduct = 0x0320,
		.bcdDevice = 0x0100,
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x03,
		.wDetachTimeOut = 5000,
		.wTransferSize = 1023,
		.bcdDFUVersion = 0x0100,
		.nalts = 1,
		.plain = true,
		.plain_mem = {
			"/0x00000000/64*1Kg",
		},
		.timing = {
			.write_ms = 4,
			.manifest_ms = 1,
		},
	},
	{ .name = NULL },
};
