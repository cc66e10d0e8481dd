/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dfu-suffix: add, check or delete the DFU suffix (DFU 1.1 appendix B) of a
 * file, with dfu-util 0.11's options, output bytes and exit statuses. The
 * suffix and CRC code is dfu_file.c's; the file handling is frontend.c's.
 */
#include <stdio.h>
#include <string.h>

#include "frontend.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

enum fe_suffix_mode {
	SUFFIX_NONE,
	SUFFIX_ADD,
	SUFFIX_CHECK,
	SUFFIX_DELETE,
};

static const struct fe_opt suffix_opts[] = {
	{ 'h', "help", false }, { 'V', "version", false }, { 'c', "check", true },
	{ 'a', "add", true },	{ 'D', "delete", true },   { 'p', "pid", true },
	{ 'v', "vid", true },	{ 'd', "did", true },	   { 'S', "spec", true },
	{ 0, NULL, false },
};

static const char suffix_usage[] =
	"Usage: dfu-suffix [options] (-a | -c | -D) FILE\n"
	"  -h --help              Print this help\n"
	"  -V --version           Print the version\n"
	"  -c --check FILE        Show the DFU suffix of FILE\n"
	"  -a --add FILE          Add a DFU suffix to FILE\n"
	"  -D --delete FILE       Delete the DFU suffix of FILE\n"
	"  -p --pid PRODUCT_ID    Product ID for -a (hex; default ffff: any)\n"
	"  -v --vid VENDOR_ID     Vendor ID for -a (hex; default ffff: any)\n"
	"  -d --did DEVICE_ID     bcdDevice for -a (hex; default ffff: any)\n"
	"  -S --spec VERSION      bcdDFU for -a: 0100 (default) or 011a (DfuSe)\n"
	"The same program as dfuse-util, called by this name; see dfuse-util(1).\n";

struct fe_suffix_args {
	enum fe_suffix_mode mode;
	const char *file;
	struct dfu_file_suffix ids; /* -v -p -d -S */
};

/* Parse the command line; ERR_OK, ERR_USAGE, or -1 when -h/-V already answered. */
static int suffix_args(int argc, char **argv, struct fe_suffix_args *a, struct error *err)
{
	struct fe_walk w;
	const char *arg;
	char c;
	int r, rc = ERR_OK;

	memset(a, 0, sizeof(*a));
	a->ids.idVendor = a->ids.idProduct = a->ids.bcdDevice = 0xFFFF;
	a->ids.bcdDFU = 0x0100; /* DFU 1.0, as dfu-util writes by default */
	fe_walk_init(&w, argc, argv);
	while ((r = fe_walk_next(&w, suffix_opts, &c, &arg, err)) > 0) {
		switch (c) {
		case 'h':
			fputs(suffix_usage, stdout);
			return -1;
		case 'V':
			printf("dfu-suffix (dfuse-util) %s\n", PACKAGE_VERSION);
			return -1;
		case 'c':
		case 'a':
		case 'D':
			/* dfu-util keeps the last of -a, -c and -D */
			a->file = arg;
			a->mode = c == 'a' ? SUFFIX_ADD : c == 'c' ? SUFFIX_CHECK : SUFFIX_DELETE;
			break;
		case 'p':
			rc = fe_hex16(arg, "product ID", &a->ids.idProduct, err);
			break;
		case 'v':
			rc = fe_hex16(arg, "vendor ID", &a->ids.idVendor, err);
			break;
		case 'd':
			rc = fe_hex16(arg, "device ID", &a->ids.bcdDevice, err);
			break;
		case 'S':
			rc = fe_hex16(arg, "DFU specification", &a->ids.bcdDFU, err);
			if (rc == ERR_OK && a->ids.bcdDFU != 0x0100 && a->ids.bcdDFU != 0x011A)
				rc = error_set(err, ERR_USAGE,
					       "DFU specification %04x: only 0100 and 011a are known",
					       a->ids.bcdDFU);
			break;
		default:
			/* an operand: dfu-util ignores it, and so do we, saying so */
			fprintf(stderr, "dfu-suffix: ignoring the extra argument '%s'\n", arg);
			break;
		}
		if (rc != ERR_OK)
			return rc;
	}
	if (r < 0)
		return err->code;
	if (a->file == NULL)
		return error_set(err, ERR_USAGE, "no file given: -a, -c or -D FILE (-h for help)");
	return ERR_OK;
}

static int suffix_run(const struct fe_suffix_args *a, struct error *err)
{
	struct fe_file f;
	int rc = fe_file_load(&f, a->file, err);

	if (rc != ERR_OK)
		return rc;
	switch (a->mode) {
	case SUFFIX_ADD:
		if (f.has_suffix) {
			rc = error_set(err, ERR_DATA,
				       "%s already has a DFU suffix; delete it first (-D)",
				       a->file);
			break;
		}
		/* A prefix stays, rebuilt as dfu-util rebuilds it. */
		rc = fe_file_store(&f, f.prefix.type, f.prefix.address, &a->ids, err);
		if (rc == ERR_OK)
			printf("Added a DFU suffix to %s\n", a->file);
		break;
	case SUFFIX_CHECK:
	case SUFFIX_DELETE:
		if (!f.has_suffix) {
			rc = error_set(err, ERR_DATA, "%s: %s", a->file, f.no_suffix_why);
			break;
		}
		if (a->mode == SUFFIX_CHECK) {
			fe_file_show(&f, stdout);
			break;
		}
		rc = fe_file_store(&f, f.prefix.type, f.prefix.address, NULL, err);
		if (rc == ERR_OK)
			printf("Deleted the DFU suffix of %s\n", a->file);
		break;
	case SUFFIX_NONE:
		rc = error_set(err, ERR_USAGE, "no file given: -a, -c or -D FILE");
		break;
	}
	fe_file_free(&f);
	return rc;
}

int fe_suffix_main(int argc, char **argv)
{
	struct error err = { ERR_OK, "" };
	struct fe_suffix_args a;
	int rc = suffix_args(argc, argv, &a, &err);

	if (rc < 0)
		return 0;
	if (rc == ERR_OK)
		rc = suffix_run(&a, &err);
	if (rc != ERR_OK)
		return fe_fail("dfu-suffix", error_exit_code((enum error_code)rc), &err);
	return 0;
}
