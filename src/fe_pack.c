/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dfuse-pack: build a DfuSe .dfu (UM0391) from raw binaries at addresses
 * (-b ADDRESS[@ALT]:FILE), Intel HEX (-i) or an S-record file (-s), or show
 * and dump one, with the options, output bytes and exit statuses of the
 * dfuse-pack of Debian's dfu-util 0.11. The readers are image.c's, the
 * writer dfu_file.c's; only the command line and the target layout are here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend.h"
#include "image.h"
#include "image_rec.h"
#include "opt_values.h"

/* dfuse-pack exits 1 on every error but a malformed command line (2). */
#define PACK_FAIL  1
#define PACK_USAGE 2
/* The target name dfuse-pack gives -b and -i targets (and -s without S0). */
#define PACK_NAME "ST..."

static const struct fe_opt pack_opts[] = {
	{ 'h', "help", false },	    { 'b', "build", true },  { 'i', "build-ihex", true },
	{ 's', "build-s19", true }, { 'D', "device", true }, { 'a', "alt-intf", true },
	{ 'd', "dump", false },	    { 0, NULL, false },
};

static const char pack_usage[] =
	"Usage: dfuse-pack [-d] FILE.dfu                 show (-d: dump) a .dfu\n"
	"       dfuse-pack -b ADDRESS[@ALT]:FILE.bin [-b ...] [-D VID:PID] OUT.dfu\n"
	"       dfuse-pack -i FILE.hex [-i ...] [-D VID:PID] OUT.dfu\n"
	"       dfuse-pack -s FILE.s19 [-D VID:PID] OUT.dfu\n"
	"  -b --build ADDRESS[@ALT]:FILE  a raw binary (no DFU suffix) at ADDRESS, in alt ALT\n"
	"  -i --build-ihex FILE           an Intel HEX file\n"
	"  -s --build-s19 FILE            an S-record file (its S0 header names the target)\n"
	"  -D --device VID:PID            the suffix IDs (default 0x0483:0xdf11)\n"
	"  -a --alt-intf ALT              the alt of -i, -s and -b without @ALT (default 0)\n"
	"  -d --dump                      write each element of FILE.dfu to a .bin beside it\n"
	"  -h --help                      print this help\n"
	"The same program as dfuse-util, called by this name; see dfuse-util(1).\n";

struct pack {
	const char *bins[DFU_FILE_MAX_ELEMENTS], *hexes[DFU_FILE_MAX_ELEMENTS], *s19, *device;
	size_t nbins, nhexes;
	const char *alt, *out;
	bool dump;
	bool syntax_error; /* an unknown option or a missing value: exit 2, as optparse */
	uint8_t default_alt;
	uint16_t vid, pid;
	/* what is built: targets over elements over loaded files and images */
	struct dfu_file_target targets[DFU_FILE_MAX_TARGETS];
	size_t ntargets;
	struct dfu_file_element *elements;
	size_t nelements;
	uint8_t *files[DFU_FILE_MAX_ELEMENTS];
	size_t nfiles;
	struct image images[DFU_FILE_MAX_ELEMENTS];
	size_t nimages;
};

static int pack_args(struct pack *p, int argc, char **argv, struct error *err)
{
	struct fe_walk w;
	const char *arg;
	size_t noperands = 0;
	char c;
	int r;

	fe_walk_init(&w, argc, argv);
	while ((r = fe_walk_next(&w, pack_opts, &c, &arg, err)) > 0) {
		if ((c == 'b' && p->nbins == DFU_FILE_MAX_ELEMENTS) ||
		    (c == 'i' && p->nhexes == DFU_FILE_MAX_ELEMENTS))
			return error_set(err, ERR_USAGE, "more than %d -%c files",
					 DFU_FILE_MAX_ELEMENTS, c);
		switch (c) {
		case 'h':
			fputs(pack_usage, stdout);
			return -1;
		case 'b':
			p->bins[p->nbins++] = arg;
			break;
		case 'i':
			p->hexes[p->nhexes++] = arg;
			break;
		case 's':
			p->s19 = arg;
			break;
		case 'D':
			p->device = arg;
			break;
		case 'a':
			p->alt = arg;
			break;
		case 'd':
			p->dump = true;
			break;
		default:
			p->out = arg;
			noperands++;
			break;
		}
	}
	if (r < 0) {
		p->syntax_error = true;
		return err->code;
	}
	if (noperands != 1)
		return error_set(err, ERR_USAGE, "one .dfu file is needed, %zu given (-h for help)",
				 noperands);
	return ERR_OK;
}

/* Room for @n more elements. */
static int pack_grow(struct pack *p, size_t n, struct error *err)
{
	struct dfu_file_element *e;

	if (n > DFU_FILE_MAX_ELEMENTS || p->nelements + n > DFU_FILE_MAX_ELEMENTS)
		return error_set(err, ERR_DATA, "more than %d elements", DFU_FILE_MAX_ELEMENTS);
	e = realloc(p->elements, (p->nelements + n) * sizeof(*e));
	if (e == NULL)
		return error_set(err, ERR_NOMEM, "out of memory");
	p->elements = e;
	return ERR_OK;
}

/* Start a target for @alt named @name; its elements follow in p->elements. */
static int pack_target(struct pack *p, uint8_t alt, const char *name, struct error *err)
{
	struct dfu_file_target *t;

	if (p->ntargets == DFU_FILE_MAX_TARGETS)
		return error_set(err, ERR_DATA, "more than %d targets", DFU_FILE_MAX_TARGETS);
	t = &p->targets[p->ntargets++];
	memset(t, 0, sizeof(*t));
	t->alt = alt;
	t->named = true; /* dfuse-pack names every target */
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->nelements = 0;
	return ERR_OK;
}

static int pack_add(struct pack *p, uint32_t addr, const uint8_t *data, size_t len,
		    struct error *err)
{
	struct dfu_file_target *t = &p->targets[p->ntargets - 1];
	int rc = pack_grow(p, 1, err);

	if (rc != ERR_OK)
		return rc;
	if ((uint64_t)addr + len > ((uint64_t)1 << 32))
		return error_set(err, ERR_DATA, "%zu bytes at 0x%08x pass 4 GiB", len,
				 (unsigned)addr);
	p->elements[p->nelements++] = (struct dfu_file_element){ addr, (uint32_t)len, data };
	t->nelements++;
	return ERR_OK;
}

static int pack_number(const char *s, uint64_t max, const char *what, uint64_t *v,
		       struct error *err)
{
	return opt_strtonum(s, 0, max, what, v, err);
}

/* One -b ADDRESS[@ALT]:FILE: a new target whenever the alt changes, as dfuse-pack groups them. */
static int pack_bin(struct pack *p, const char *spec, int *prev_alt, struct error *err)
{
	const char *colon = strchr(spec, ':'), *at;
	char addr_text[64];
	struct dfu_file_suffix sfx;
	uint64_t addr, alt = p->default_alt;
	uint8_t *buf;
	size_t len, n;
	int rc;

	if (colon == NULL)
		return error_set(err, ERR_USAGE, "-b '%.80s' is not ADDRESS[@ALT]:FILE", spec);
	n = (size_t)(colon - spec);
	snprintf(addr_text, sizeof(addr_text), "%.*s", (int)(n < 63 ? n : 63), spec);
	at = strchr(addr_text, '@');
	if (at != NULL) {
		addr_text[at - addr_text] = '\0';
		if (at[1] != '\0' && pack_number(at + 1, 255, "alternate setting", &alt, err) != 0)
			return err->code;
	}
	rc = pack_number(addr_text, UINT32_MAX, "address", &addr, err);
	if (rc == ERR_OK)
		rc = dfu_file_load(colon + 1, &buf, &len, err);
	if (rc != ERR_OK)
		return rc;
	p->files[p->nfiles++] = buf;
	/* dfuse-pack refuses a binary with a suffix: it would be flashed with it. */
	dfu_file_parse_suffix(buf, len, &sfx);
	if (sfx.signature && sfx.crc_stored == sfx.crc_computed)
		return error_set(err, ERR_DATA,
				 "%s has a DFU suffix (%04x:%04x); delete it first "
				 "(dfu-suffix -D)",
				 colon + 1, sfx.idVendor, sfx.idProduct);
	if (*prev_alt != (int)alt) {
		rc = pack_target(p, (uint8_t)alt, PACK_NAME, err);
		if (rc != ERR_OK)
			return rc;
	}
	*prev_alt = (int)alt;
	return pack_add(p, (uint32_t)addr, buf, len, err);
}

/* Read @path as @fmt into the next image; its pieces become elements of the last target. */
static int pack_image(struct pack *p, const char *path, enum image_format fmt, struct error *err)
{
	struct image *img = &p->images[p->nimages];
	uint8_t *buf;
	size_t len;
	int rc = dfu_file_load(path, &buf, &len, err);

	if (rc != ERR_OK)
		return rc;
	p->files[p->nfiles++] = buf;
	rc = image_parse(buf, len, fmt, 0, img, err);
	if (rc != ERR_OK)
		return error_wrap(err, "%s", path);
	p->nimages++;
	for (size_t i = 0; i < img->npieces && rc == ERR_OK; i++)
		rc = pack_add(p, img->pieces[i].addr, img->pieces[i].data, img->pieces[i].len, err);
	return rc;
}

/* The S0 header's data of an S-record file (dfuse-pack's target name), if it has one. */
static void pack_s19_name(const char *path, char *name, size_t size)
{
	uint8_t *buf, bytes[128];
	const uint8_t *line;
	size_t len, pos = 0, n, bad;
	struct error ignored;
	long got;

	snprintf(name, size, "%s", PACK_NAME);
	if (dfu_file_load(path, &buf, &len, &ignored) != ERR_OK)
		return;
	while (image_next_line(buf, len, &pos, &line, &n)) {
		if (n < 2 || line[0] != 'S' || line[1] != '0')
			continue;
		/* S0, count, 16-bit address, then the text up to the checksum */
		if (n >= 10 && (n - 10) / 2 < sizeof(bytes) &&
		    (got = image_hex_decode(line + 8, (n - 10) & ~(size_t)1, bytes, &bad)) >= 0)
			snprintf(name, size, "%.*s", (int)got, (const char *)bytes);
		break;
	}
	free(buf);
}

static int pack_build(struct pack *p, struct error *err)
{
	char name[256];
	int prev_alt = -1, rc = ERR_OK;

	if (p->nbins > 0 && p->nhexes > 0)
		return error_set(err, ERR_USAGE,
				 "-b and -i cannot be mixed (dfuse-pack 0.11 then writes the last "
				 "-b target twice)");
	for (size_t i = 0; i < p->nbins && rc == ERR_OK; i++)
		rc = pack_bin(p, p->bins[i], &prev_alt, err);
	if (p->nhexes > 0)
		rc = pack_target(p, p->default_alt, PACK_NAME, err);
	for (size_t i = 0; i < p->nhexes && rc == ERR_OK; i++)
		rc = pack_image(p, p->hexes[i], IMAGE_FORMAT_IHEX, err);
	if (p->nbins == 0 && p->nhexes == 0) {
		pack_s19_name(p->s19, name, sizeof(name));
		rc = pack_target(p, p->default_alt, name, err);
		if (rc == ERR_OK)
			rc = pack_image(p, p->s19, IMAGE_FORMAT_SREC, err);
	}
	for (size_t t = 0, e = 0; t < p->ntargets; e += p->targets[t++].nelements)
		p->targets[t].elements = p->elements + e;
	return rc;
}

static int pack_write(struct pack *p, struct error *err)
{
	uint8_t *buf;
	size_t len;
	/* dfuse-pack writes bcdDevice 0 and counts the suffix in DFUImageSize */
	int rc = dfu_file_write_dfuse_ex(p->targets, p->ntargets, p->vid, p->pid, 0,
					 DFU_FILE_SIZE_WITH_SUFFIX, &buf, &len, err);

	if (rc != ERR_OK)
		return rc;
	rc = fe_replace(p->out, buf, len, false, err);
	free(buf);
	return rc;
}

/* -D VID:PID, each half a number as dfuse-pack reads it (0x for hex). */
static int pack_device(struct pack *p, struct error *err)
{
	const char *dev = p->device != NULL ? p->device : "0x0483:0xdf11";
	const char *colon = strchr(dev, ':');
	char vid[32];
	uint64_t v, d;

	if (colon == NULL || (size_t)(colon - dev) >= sizeof(vid))
		return error_set(err, ERR_USAGE, "-D '%.80s' is not VID:PID", dev);
	snprintf(vid, sizeof(vid), "%.*s", (int)(colon - dev), dev);
	if (pack_number(vid, 0xFFFF, "vendor ID", &v, err) != ERR_OK ||
	    pack_number(colon + 1, 0xFFFF, "product ID", &d, err) != ERR_OK)
		return error_wrap(err, "-D '%.80s'", dev);
	p->vid = (uint16_t)v;
	p->pid = (uint16_t)d;
	return ERR_OK;
}

/* No -b, -i or -s: describe FILE.dfu, and with -d write its elements beside it. */
static int pack_show(struct pack *p, struct error *err)
{
	struct dfu_file_image img;
	uint8_t *buf;
	size_t len;
	int rc = dfu_file_load(p->out, &buf, &len, err);

	if (rc == ERR_OK)
		rc = dfu_file_parse(buf, len, DFU_FILE_FORCE, &img, err);
	if (rc == ERR_OK && img.format != DFU_FILE_DFUSE) {
		dfu_file_free(&img);
		rc = error_set(err, ERR_DATA, "not a DfuSe file (no \"DfuSe\" at the start)");
	}
	if (rc != ERR_OK) {
		free(buf);
		return error_wrap(err, "%s", p->out);
	}
	printf("%s: DfuSe file, %zu bytes, %zu targets\n", p->out, len, img.ntargets);
	for (size_t t = 0; t < img.ntargets && rc == ERR_OK; t++) {
		const struct dfu_file_target *tg = &img.targets[t];

		printf("target %zu: alt %u, name \"%s\", %zu elements\n", t, tg->alt,
		       tg->named ? tg->name : "", tg->nelements);
		for (size_t e = 0; e < tg->nelements && rc == ERR_OK; e++) {
			const struct dfu_file_element *el = &tg->elements[e];
			char path[4096];

			printf("  %zu: address 0x%08x, %u bytes\n", e, (unsigned)el->address,
			       (unsigned)el->size);
			if (!p->dump)
				continue;
			snprintf(path, sizeof(path), "%s.target%zu.image%zu.bin", p->out, t, e);
			rc = fe_replace(path, el->data, el->size, false, err);
			if (rc == ERR_OK)
				printf("    written to %s\n", path);
		}
	}
	printf("suffix: %04x:%04x, device 0x%04x, DFU 0x%04x, CRC 0x%08x%s\n", img.suffix.idVendor,
	       img.suffix.idProduct, img.suffix.bcdDevice, img.suffix.bcdDFU,
	       (unsigned)img.suffix.crc_stored, img.suffix.crc_ok ? "" : " (wrong CRC)");
	dfu_file_free(&img);
	free(buf);
	return rc;
}

static int pack_run(struct pack *p, struct error *err)
{
	uint64_t alt = 0;
	int rc;

	if (p->alt != NULL && p->alt[0] != '\0') {
		rc = pack_number(p->alt, 255, "alternate setting", &alt, err);
		if (rc != ERR_OK)
			return rc;
	}
	p->default_alt = (uint8_t)alt;
	if (p->nbins == 0 && p->nhexes == 0 && p->s19 == NULL)
		return pack_show(p, err);
	if (p->s19 != NULL && (p->nbins > 0 || p->nhexes > 0))
		fprintf(stderr, "dfuse-pack: -s is ignored with -b or -i\n");
	rc = pack_build(p, err);
	if (rc == ERR_OK)
		rc = pack_device(p, err);
	if (rc == ERR_OK)
		rc = pack_write(p, err);
	return rc;
}

int fe_pack_main(int argc, char **argv)
{
	struct error err = { ERR_OK, "" };
	struct pack *p = calloc(1, sizeof(*p));
	int rc, status = 0;

	if (p == NULL) {
		fputs("dfuse-pack: out of memory\n", stderr);
		return PACK_FAIL;
	}
	rc = pack_args(p, argc, argv, &err);
	if (rc == ERR_OK)
		rc = pack_run(p, &err);
	if (rc > 0)
		status = fe_fail("dfuse-pack", p->syntax_error ? PACK_USAGE : PACK_FAIL, &err);
	for (size_t i = 0; i < p->nimages; i++)
		image_free(&p->images[i]);
	for (size_t i = 0; i < p->nfiles; i++)
		free(p->files[i]);
	free(p->elements);
	free(p);
	return status;
}
