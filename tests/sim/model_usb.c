/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device model as a USB device: the device, configuration, interface,
 * DFU functional and string descriptors, and the standard requests of
 * USB 2.0 chapter 9 (GET_DESCRIPTOR, GET/SET_CONFIGURATION, SET_INTERFACE...).
 */
#include <string.h>

#include "model_priv.h"

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static size_t build_descriptors(const struct sim_device *d, uint8_t *buf)
{
	const struct sim_chip *c = d->chip;
	uint8_t *p = buf;
	uint8_t func_len = d->faults.func_dfu10 ? 7 : 9;
	size_t cfg_len = 9 + 9 * c->nalts + func_len;

	/* device descriptor */
	p[0] = 18;
	p[1] = 1;
	put_le16(p + 2, 0x0200);
	p[4] = 0; /* class per interface */
	p[5] = 0;
	p[6] = 0;
	p[7] = c->bMaxPacketSize0 ? c->bMaxPacketSize0 : 64;
	put_le16(p + 8, c->idVendor);
	put_le16(p + 10, d->idProduct);
	put_le16(p + 12, c->bcdDevice);
	/* A string the chip lacks has index 0 (OpenPCD, LPC-Link: no strings at all). */
	p[14] = c->manufacturer != NULL ? 1 : 0;
	p[15] = c->product != NULL ? 2 : 0;
	p[16] = d->serial[0] != '\0' ? 3 : 0;
	p[17] = 1;
	p += 18;

	/* configuration */
	p[0] = 9;
	p[1] = 2;
	put_le16(p + 2, (uint16_t)cfg_len);
	p[4] = 1; /* bNumInterfaces */
	p[5] = 1; /* bConfigurationValue */
	p[6] = 0;
	p[7] = 0xC0; /* self powered */
	p[8] = 50;   /* 100 mA */
	p += 9;

	for (size_t i = 0; i < c->nalts; i++) {
		p[0] = 9;
		p[1] = 4;
		p[2] = 0;
		p[3] = (uint8_t)i;
		p[4] = 0;
		p[5] = 0xFE;
		p[6] = 0x01;
		p[7] = c->runtime ? 0x01 : 0x02;
		p[8] = c->alt_names[i] != NULL ? (uint8_t)(4 + i) : 0;
		p += 9;
	}

	/* DFU functional descriptor after the last alt, where ST ROMs put it */
	p[0] = func_len;
	p[1] = 0x21;
	p[2] = c->bmAttributes;
	put_le16(p + 3, c->wDetachTimeOut);
	put_le16(p + 5, c->wTransferSize);
	if (func_len == 9)
		put_le16(p + 7, c->bcdDFUVersion);
	p += func_len;
	return (size_t)(p - buf);
}

#define SIM_DESC_MAX (18 + 9 + 9 * SIM_MAX_ALTS + 9)

/* Returns the full length; copies at most @cap bytes of it (like snprintf). */
size_t sim_device_descriptors(const struct sim_device *d, uint8_t *buf, size_t cap)
{
	uint8_t all[SIM_DESC_MAX];
	size_t n = build_descriptors(d, all);

	memcpy(buf, all, n < cap ? n : cap);
	return n;
}

/* The string with index @idx (1-based), NULL if there is none. */
static const char *string_for(const struct sim_device *d, unsigned idx)
{
	switch (idx) {
	case 1:
		return d->chip->manufacturer;
	case 2:
		return d->chip->product;
	case 3:
		return d->serial;
	default:
		if (idx >= 4 && idx - 4 < d->chip->nalts)
			return d->faults.alt_name[idx - 4] != NULL ? d->faults.alt_name[idx - 4]
								   : d->chip->alt_names[idx - 4];
		return NULL;
	}
}

static enum sim_result get_descriptor(struct sim_device *d, uint16_t wValue, uint8_t *data,
				      uint16_t wLength, size_t *actual)
{
	uint8_t buf[2 + 2 * SIM_STRING_MAX];
	uint8_t all[SIM_DESC_MAX];
	const uint8_t *src = buf;
	size_t n;
	unsigned type = wValue >> 8, idx = wValue & 0xFFu;

	switch (type) {
	case 1: /* device */
		build_descriptors(d, all);
		src = all;
		n = 18;
		break;
	case 2: /* configuration: the whole set, the host asks for wTotalLength */
		if (idx != 0)
			return SIM_STALL;
		n = build_descriptors(d, all) - 18;
		src = all + 18;
		break;
	case 3: /* string */
		if (idx == 0) {
			buf[0] = 4;
			buf[1] = 3;
			put_le16(buf + 2, 0x0409);
			n = 4;
		} else {
			const char *str = string_for(d, idx);
			size_t len;

			if (!str)
				return SIM_STALL;
			len = strlen(str);
			if (len > SIM_STRING_MAX)
				len = SIM_STRING_MAX;
			if (idx == 3 && d->faults.serial_8bit) {
				memcpy(buf + 2, str, len); /* one byte per character */
				n = 2 + len;
			} else {
				for (size_t i = 0; i < len; i++) /* Latin-1 */
					put_le16(buf + 2 + 2 * i, (unsigned char)str[i]);
				n = 2 + 2 * len;
			}
			buf[0] = (uint8_t)n;
			buf[1] = 3;
		}
		break;
	case 0x21: /* DFU functional, for hosts that ask for it directly */
		n = build_descriptors(d, all);
		src = all + n - 9;
		n = 9;
		break;
	default:
		return SIM_STALL;
	}
	if (n > wLength)
		n = wLength;
	memcpy(data, src, n);
	*actual = n;
	return SIM_OK;
}

enum sim_result model_set_alt(struct sim_device *d, uint8_t intf, uint8_t alt)
{
	if (intf != 0 || alt >= d->chip->nalts) {
		d->log_note = "no such alt";
		return SIM_STALL;
	}
	d->alt = alt;
	return SIM_OK;
}

enum sim_result model_standard_request(struct sim_device *d, uint8_t bmRequestType,
				       uint8_t bRequest, uint16_t wValue, uint16_t wIndex,
				       uint8_t *data, uint16_t wLength, size_t *actual)
{
	switch (bmRequestType << 8 | bRequest) {
	case 0x8006:
	case 0x8106:
		return get_descriptor(d, wValue, data, wLength, actual);
	case 0x8000: /* device status: self powered */
	case 0x8100: /* interface status */
		if (wLength < 2)
			return SIM_STALL;
		data[0] = bmRequestType == 0x80 ? 0x01 : 0x00;
		data[1] = 0;
		*actual = 2;
		return SIM_OK;
	case 0x0005: /* SET_ADDRESS: the host controller's business */
		return SIM_OK;
	case 0x0009:
		if (wValue > 1)
			return SIM_STALL;
		d->config = (uint8_t)wValue;
		return SIM_OK;
	case 0x8008:
		if (wLength < 1)
			return SIM_STALL;
		data[0] = d->config;
		*actual = 1;
		return SIM_OK;
	case 0x010B:
		return model_set_alt(d, (uint8_t)wIndex, (uint8_t)wValue);
	case 0x810A:
		if (wLength < 1 || wIndex != 0)
			return SIM_STALL;
		data[0] = d->alt;
		*actual = 1;
		return SIM_OK;
	default:
		return SIM_STALL;
	}
}
