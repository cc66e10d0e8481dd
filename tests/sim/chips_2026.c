/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ROM bootloaders that users flash with dfu-util in 2026, as model rows:
 * each with the public report it comes from. Where a report gives no figure
 * (a serial, a timing, the size of a part), the row takes the family's
 * datasheet figure or says the value is the model's choice.
 */
#include "model.h"

/* The F4 ROM's timings, for ROMs whose reports give none of their own. */
#define ST_TIMING                                                                                  \
	{                                                                                          \
		.cmd_ms = 1, .write_ms = 8, .erase_ms_per_16k = 250, .erase_min_ms = 25,           \
		.mass_erase_ms = 8000, .manifest_ms = 1,                                           \
	}

const struct sim_chip sim_chips_2026[] = {
	/*
	 * STM32C562 ROM (betaflight-configurator PR 5300, flashed end to end on
	 * an ARCROBO_C562V1): wTransferSize 1024, no "@Option Bytes" alt, and
	 * CLRSTATUS outside dfuERROR STALLs (PR 5348: "the STM32C5 ROM, which
	 * correctly STALLs CLRSTATUS outside dfuERROR"), so ABORT is the way
	 * back to dfuIDLE. 512 KiB of 8 KiB pages: the model's choice.
	 */
	{
		.name = "c5",
		.description = "STM32C562 ROM (1 KiB transfers, no option-byte alt)",
		.idVendor = 0x0483,
		.idProduct = 0xdf11,
		.bcdDevice = 0x0200,
		.manufacturer = "STMicroelectronics",
		.product = "DFU in FS Mode",
		.serial = "205A37824E50",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0B,
		.wDetachTimeOut = 255,
		.wTransferSize = 1024,
		.bcdDFUVersion = 0x011A,
		.nalts = 1,
		.alt_names = {
			"@Internal Flash   /0x08000000/64*08Kg",
		},
		.timing = ST_TIMING,
	},
	/*
	 * STM32U5 ROM (issue 20's report): "@Internal Flash   /0x08000000/
	 * 128*08Kg", the option bytes as the flash register block at
	 * 0x40022040 (RM0456: FLASH_OPTR and the registers after it), and
	 * 16-byte flash words (quirks.c pads the last one).
	 */
	{
		.name = "u5",
		.description = "STM32U5 ROM (1 MiB of 8 KiB pages, option bytes as registers)",
		.idVendor = 0x0483,
		.idProduct = 0xdf11,
		.bcdDevice = 0x0200,
		.manufacturer = "STMicroelectronics",
		.product = "DFU in FS Mode",
		.serial = "2079327A5447",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0B,
		.wDetachTimeOut = 255,
		.wTransferSize = 1024,
		.bcdDFUVersion = 0x011A,
		.nalts = 2,
		.alt_names = {
			"@Internal Flash   /0x08000000/128*08Kg",
			"@Option Bytes   /0x40022040/01*064 e",
		},
		.timing = ST_TIMING,
	},
	/*
	 * STM32G474 ROM (issue 20's report: the option bytes as two zones in
	 * one alt, one per bank; RM0440's 0x1FFF7800 and 0x1FFFF800). Writes of
	 * 1024 bytes (web-stm32-updater issue 3: "STM32G4 only accepts 1024
	 * bytes in the flash writes"); 512 KiB of 2 KiB pages (RM0440).
	 */
	{
		.name = "g474",
		.description = "STM32G474 ROM (2 KiB pages, option bytes in two zones of one alt)",
		.idVendor = 0x0483,
		.idProduct = 0xdf11,
		.bcdDevice = 0x0200,
		.manufacturer = "STMicroelectronics",
		.product = "STM32  BOOTLOADER",
		.serial = "2058386E5430",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0B,
		.wDetachTimeOut = 255,
		.wTransferSize = 1024,
		.bcdDFUVersion = 0x011A,
		.nalts = 2,
		.alt_names = {
			"@Internal Flash   /0x08000000/256*02Kg",
			"@Option Bytes   /0x1FFF7800/01*048 e/0x1FFFF800/01*048 e",
		},
		.timing = ST_TIMING,
	},
	/*
	 * STM32L0 ROM (issue 20's report: "1536*128 g", 128-byte pages, and a
	 * data EEPROM alt; RM0376: 6 KiB of EEPROM at 0x08080000, page erase
	 * about 3.2 ms, half-page programming).
	 */
	{
		.name = "l0",
		.description = "STM32L0 ROM (192 KiB of 128-byte pages, data EEPROM alt)",
		.idVendor = 0x0483,
		.idProduct = 0xdf11,
		.bcdDevice = 0x0200,
		.manufacturer = "STMicroelectronics",
		.product = "STM32  BOOTLOADER",
		.serial = "3254355A3436",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0B,
		.wDetachTimeOut = 255,
		.wTransferSize = 2048,
		.bcdDFUVersion = 0x011A,
		.nalts = 2,
		.alt_names = {
			"@Internal Flash   /0x08000000/1536*128 g",
			"@Data EEPROM   /0x08080000/01*06Ke",
		},
		.timing = {
			.cmd_ms = 1,
			.write_ms = 16,
			.erase_ms_per_16k = 4,
			.erase_min_ms = 4,
			.mass_erase_ms = 8000,
			.manifest_ms = 1,
		},
	},
	/*
	 * Artery AT32F43x ROM (2e3c:df11, issue 20's report: "08*04Ka,1000*04Kg"
	 * with the first 32 KiB read-only, and an "@Option byte" alt; Artery's
	 * AN0047 puts the user system data at 0x1FFFC000).
	 */
	{
		.name = "at32f43x",
		.description = "Artery AT32F43x ROM (4 KiB sectors, first 32 KiB read-only)",
		.idVendor = 0x2e3c,
		.idProduct = 0xdf11,
		.bcdDevice = 0x0200,
		.manufacturer = "ArteryTek",
		.product = "AT32 Bootloader DFU",
		.serial = "ABCDEF0123456789",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0B,
		.wDetachTimeOut = 255,
		.wTransferSize = 2048,
		.bcdDFUVersion = 0x011A,
		.nalts = 2,
		.alt_names = {
			"@Internal Flash   /0x08000000/08*04Ka,1000*04Kg",
			"@Option byte   /0x1FFFC000/01*512 e",
		},
		.timing = ST_TIMING,
	},
	/*
	 * A GD32H7-like ROM (issue 20's report): a layout name without a
	 * space before the address, and wTransferSize 0 in its functional
	 * descriptor. It takes 2048-byte blocks (the model's choice) and
	 * addresses blocks by that size, so a host using another size must
	 * set the address pointer for each block.
	 */
	{
		.name = "gd32h7",
		.description = "GD32H7-like ROM (name without a space, wTransferSize 0)",
		.idVendor = 0x28e9,
		.idProduct = 0x0189,
		.bcdDevice = 0x0200,
		.manufacturer = "GigaDevice",
		.product = "GD32 DFU Bootloader",
		.serial = "3CBJ",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0B,
		.wDetachTimeOut = 255,
		.wTransferSize = 0,
		.xfer_real = 2048,
		.bcdDFUVersion = 0x011A,
		.nalts = 1,
		.alt_names = {
			"@InternalFlash/0x08000000/240*04Kg",
		},
		.timing = ST_TIMING,
	},
	/*
	 * Geehy APM32 ROM (314b:0106, issue 20's report), an STM32F4 work-alike:
	 * the F405's sectors.
	 */
	{
		.name = "apm32",
		.description = "Geehy APM32 ROM (314b:0106, F4-style sectors)",
		.idVendor = 0x314b,
		.idProduct = 0x0106,
		.bcdDevice = 0x0200,
		.manufacturer = "Geehy",
		.product = "APM32 DFU",
		.serial = "5A3C2E1F0B0D",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0B,
		.wDetachTimeOut = 255,
		.wTransferSize = 2048,
		.bcdDFUVersion = 0x011A,
		.nalts = 1,
		.alt_names = {
			"@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg",
		},
		.timing = ST_TIMING,
	},
	/*
	 * ESP32-S2 ROM USB DFU (303a:0002, issue 20's report): plain DFU, 64-byte
	 * transfers, and long erases: the block that reaches a new 64 KiB flash
	 * block first erases it (the erase figure is the model's choice).
	 */
	{
		.name = "esp32s2",
		.description = "ESP32-S2 ROM DFU (plain DFU, 64-byte blocks, long erases)",
		.idVendor = 0x303a,
		.idProduct = 0x0002,
		.bcdDevice = 0x0100,
		.manufacturer = "Espressif Systems",
		.product = "ESP32-S2",
		.serial = "0",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0F,
		.wDetachTimeOut = 500,
		.wTransferSize = 64,
		.bcdDFUVersion = 0x0110,
		.nalts = 1,
		.alt_names = {
			"Flash",
		},
		.plain = true,
		.plain_mem = {
			"/0x00000000/64*064Kg",
		},
		.timing = {
			.write_ms = 1,
			.erase_ms_per_16k = 150,
			.erase_min_ms = 600,
			.manifest_ms = 1,
		},
	},
	/*
	 * STM32F072 and STM32F303 ROMs (issue 20's report): every part reports
	 * the serial FFFFFFFEFFFF, so several boards cannot be told apart by it.
	 */
	{
		.name = "f0",
		.description = "STM32F072 ROM (2 KiB pages, every part serial FFFFFFFEFFFF)",
		.idVendor = 0x0483,
		.idProduct = 0xdf11,
		.bcdDevice = 0x2200,
		.manufacturer = "STMicroelectronics",
		.product = "STM32  BOOTLOADER",
		.serial = "FFFFFFFEFFFF",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0B,
		.wDetachTimeOut = 255,
		.wTransferSize = 2048,
		.bcdDFUVersion = 0x011A,
		.nalts = 2,
		.alt_names = {
			"@Internal Flash  /0x08000000/064*0002Kg",
			"@Option Bytes  /0x1FFFF800/01*016 e",
		},
		.timing = ST_TIMING,
	},
	{
		.name = "f3",
		.description = "STM32F303 ROM (2 KiB pages, every part serial FFFFFFFEFFFF)",
		.idVendor = 0x0483,
		.idProduct = 0xdf11,
		.bcdDevice = 0x2200,
		.manufacturer = "STMicroelectronics",
		.product = "STM32  BOOTLOADER",
		.serial = "FFFFFFFEFFFF",
		.bMaxPacketSize0 = 64,
		.bmAttributes = 0x0B,
		.wDetachTimeOut = 255,
		.wTransferSize = 2048,
		.bcdDFUVersion = 0x011A,
		.nalts = 2,
		.alt_names = {
			"@Internal Flash  /0x08000000/128*0002Kg",
			"@Option Bytes  /0x1FFFF800/01*016 e",
		},
		.timing = ST_TIMING,
	},
	{ .name = NULL },
};
