/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for the firmware file parser: parse with and without :force,
 * walk every target and element, and abort() when an invariant breaks. The
 * vendor prefix recogniser of dfu-prefix reads the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dfu_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool cond)
{
	if (!cond)
		abort();
}

/* Every pointer handed out lies inside the input; every element ends by 4 GiB. */
static uint32_t walk(const uint8_t *data, size_t size, const struct dfu_file_image *img)
{
	uint32_t sum = 0;
	size_t nelements = 0;

	require(img->suffix.present == false || size >= DFU_FILE_SUFFIX_LEN);
	if (img->format == DFU_FILE_RAW) {
		require(img->payload == data && img->payload_len > 0 && img->payload_len <= size);
		require(img->ntargets == 0);
		return dfu_file_crc(img->payload, img->payload_len);
	}
	require(img->ntargets > 0 && img->ntargets <= DFU_FILE_MAX_TARGETS);
	for (size_t t = 0; t < img->ntargets; t++) {
		const struct dfu_file_target *tg = &img->targets[t];

		require(tg->nelements <= DFU_FILE_MAX_ELEMENTS);
		require(memchr(tg->name, '\0', sizeof(tg->name)) != NULL);
		nelements += tg->nelements;
		for (size_t e = 0; e < tg->nelements; e++) {
			const struct dfu_file_element *el = &tg->elements[e];

			require((uint64_t)el->address + el->size <= (uint64_t)1 << 32);
			require(el->data >= data && el->size <= size &&
				(size_t)(el->data - data) <= size - el->size);
			sum ^= dfu_file_crc(el->data, el->size);
		}
	}
	require(nelements > 0);
	if (img->warnings & DFU_FILE_WARN_TRAILING)
		require(img->trailing_bytes > 0 && img->trailing_bytes < size);
	return sum;
}

/* A recognised prefix lies inside the input, and building it again gives the same bytes. */
static void prefix_check(const uint8_t *data, size_t size)
{
	struct dfu_file_prefix pfx;
	uint8_t again[DFU_FILE_LPC_PREFIX_LEN];
	size_t n;

	dfu_file_parse_prefix(data, size, &pfx);
	require(pfx.len <= size);
	if (pfx.type != DFU_FILE_PREFIX_STELLARIS)
		return;
	require(dfu_file_make_prefix(pfx.type, pfx.address, pfx.payload_len, again, &n, NULL) ==
		ERR_OK);
	require(n == pfx.len && memcmp(again + 2, data + 2, n - 2) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dfu_file_image strict, forced;
	int rc_strict = dfu_file_parse(data, size, 0, &strict, NULL);
	int rc_forced = dfu_file_parse(data, size, DFU_FILE_FORCE, &forced, NULL);
	uint32_t a = 0, b = 0;

	/* :force only ever turns errors into warnings. */
	if (rc_strict == ERR_OK) {
		require(rc_forced == ERR_OK);
		require((strict.warnings &
			 (DFU_FILE_WARN_CRC_FORCED | DFU_FILE_WARN_DFUSE_SUFFIX)) == 0);
		a = walk(data, size, &strict);
	} else {
		require(strict.targets == NULL && strict.ntargets == 0);
	}
	if (rc_forced == ERR_OK) {
		b = walk(data, size, &forced);
		if (rc_strict == ERR_OK)
			require(a == b && strict.ntargets == forced.ntargets);
	} else {
		require(forced.targets == NULL);
	}
	dfu_file_free(&strict);
	dfu_file_free(&forced);
	prefix_check(data, size);
	return 0;
}
