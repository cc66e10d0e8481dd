/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dfu-suffix: add, check or delete the DFU suffix (DFU 1.1 appendix B) of a
 * file, with dfu-util 0.11's options, output bytes and exit statuses. The
 * suffix and CRC code is dfu_file.c's; the file handling is frontend.c's.
 */
#include <stdio.h>
#include <string.h>

#include "frontend.h"

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
	struct fe_common cm;	    /* -a, -c, -D FILE */
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
		int taken = fe_common_option("dfu-suffix", suffix_usage, c, arg, &a->cm);

		if (taken < 0)
			return -1;
		if (taken > 0)
			continue;
		switch (c) {
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
		}
		if (rc != ERR_OK)
			return rc;
	}
	return fe_common_end(r, &a->cm, err);
}

static int suffix_run(const struct fe_suffix_args *a, struct error *err)
{
	struct fe_file f;
	int rc = fe_file_load(&f, a->cm.file, err);

	if (rc != ERR_OK)
		return rc;
	switch (a->cm.mode) {
	case FE_MODE_ADD:
		if (f.has_suffix) {
			rc = error_set(err, ERR_DATA,
				       "%s already has a DFU suffix; delete it first (-D)",
				       a->cm.file);
			break;
		}
		/* A prefix stays, rebuilt as dfu-util rebuilds it. */
		rc = fe_file_store(&f, f.prefix.type, f.prefix.address, &a->ids, err);
		if (rc == ERR_OK)
			printf("Added a DFU suffix to %s\n", a->cm.file);
		break;
	case FE_MODE_CHECK:
	case FE_MODE_DELETE:
		if (!f.has_suffix) {
			rc = error_set(err, ERR_DATA, "%s: %s", a->cm.file, f.no_suffix_why);
			break;
		}
		if (a->cm.mode == FE_MODE_CHECK) {
			fe_file_show(&f, stdout);
			break;
		}
		rc = fe_file_store(&f, f.prefix.type, f.prefix.address, NULL, err);
		if (rc == ERR_OK)
			printf("Deleted the DFU suffix of %s\n", a->cm.file);
		break;
	case FE_MODE_NONE:
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

	if (rc == ERR_OK)
		rc = suffix_run(&a, &err);
	return fe_exit("dfu-suffix", rc, &err);
}
