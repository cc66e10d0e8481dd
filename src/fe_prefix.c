/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dfu-prefix: add, check or delete a TI Stellaris or NXP LPC prefix, with
 * dfu-util 0.11's options, output bytes and exit statuses. A DFU suffix the
 * file has is kept (rebuilt with its CRC). The prefixes are dfu_file.c's.
 */
#include <stdio.h>
#include <string.h>

#include "frontend.h"
#include "opt_values.h"

static const struct fe_opt prefix_opts[] = {
	{ 'h', "help", false },	     { 'V', "version", false },
	{ 'c', "check", true },	     { 'a', "add", true },
	{ 'D', "delete", true },     { 's', "stellaris-address", true },
	{ 'T', "stellaris", false }, { 'L', "lpc-prefix", false },
	{ 0, NULL, false },
};

static const char prefix_usage[] =
	"Usage: dfu-prefix [options] (-a | -c | -D) FILE\n"
	"  -h --help                     Print this help\n"
	"  -V --version                  Print the version\n"
	"  -c --check FILE               Show the prefix (and DFU suffix) of FILE\n"
	"  -a --add FILE                 Add a prefix to FILE (with -s or -L)\n"
	"  -D --delete FILE              Delete the prefix of FILE\n"
	"  -s --stellaris-address ADDR   With -a: a TI Stellaris prefix for ADDR\n"
	"  -T --stellaris                With -c or -D: the prefix must be TI Stellaris\n"
	"  -L --lpc-prefix               With -a: an NXP LPC prefix; with -c or -D: must be one\n"
	"The same program as dfuse-util, called by this name; see dfuse-util(1).\n";

struct fe_prefix_args {
	struct fe_common cm;		/* -a, -c, -D FILE */
	enum dfu_file_prefix_type type; /* the last of -s, -T and -L */
	uint32_t address;
};

/* Parse the command line; ERR_OK, ERR_USAGE, or -1 when -h/-V already answered. */
static int prefix_args(int argc, char **argv, struct fe_prefix_args *a, struct error *err)
{
	struct fe_walk w;
	const char *arg;
	uint64_t v = 0;
	char c;
	int r, rc = ERR_OK;

	memset(a, 0, sizeof(*a));
	fe_walk_init(&w, argc, argv);
	while ((r = fe_walk_next(&w, prefix_opts, &c, &arg, err)) > 0) {
		int taken = fe_common_option("dfu-prefix", prefix_usage, c, arg, &a->cm);

		if (taken < 0)
			return -1;
		if (taken > 0)
			continue;
		switch (c) {
		case 's':
			rc = opt_strtonum(arg, 0, UINT32_MAX, "Stellaris address", &v, err);
			a->address = (uint32_t)v;
			a->type = DFU_FILE_PREFIX_STELLARIS;
			break;
		case 'T':
			a->type = DFU_FILE_PREFIX_STELLARIS;
			break;
		case 'L':
			a->type = DFU_FILE_PREFIX_LPC;
			break;
		}
		if (rc != ERR_OK)
			return rc;
	}
	rc = fe_common_end(r, &a->cm, err);
	if (rc == ERR_OK && a->cm.mode == FE_MODE_ADD && a->type == DFU_FILE_PREFIX_NONE)
		rc = error_set(err, ERR_USAGE, "-a needs the prefix type: -s ADDRESS or -L");
	return rc;
}

static const char *prefix_name(enum dfu_file_prefix_type type)
{
	switch (type) {
	case DFU_FILE_PREFIX_NONE:
		return "no";
	case DFU_FILE_PREFIX_STELLARIS:
		return "a TI Stellaris";
	case DFU_FILE_PREFIX_LPC:
		return "an NXP LPC";
	}
	return "an unknown";
}

static int prefix_run(const struct fe_prefix_args *a, struct error *err)
{
	const struct dfu_file_suffix *keep;
	struct fe_file f;
	int rc = fe_file_load(&f, a->cm.file, err);

	if (rc != ERR_OK)
		return rc;
	keep = f.has_suffix ? &f.suffix : NULL;
	if (a->cm.mode == FE_MODE_ADD && f.prefix.type != DFU_FILE_PREFIX_NONE)
		rc = error_set(err, ERR_DATA, "%s already has %s prefix; delete it first (-D)",
			       a->cm.file, prefix_name(f.prefix.type));
	else if (a->cm.mode == FE_MODE_DELETE && f.prefix.type == DFU_FILE_PREFIX_NONE)
		rc = error_set(err, ERR_DATA, "%s has no prefix to delete", a->cm.file);
	else if (a->cm.mode == FE_MODE_CHECK)
		fe_file_show(&f, stdout);
	if (rc == ERR_OK && a->cm.mode != FE_MODE_ADD && a->type != DFU_FILE_PREFIX_NONE &&
	    f.prefix.type != a->type)
		rc = error_set(err, ERR_DATA, "%s has %s prefix (asked for %s prefix)", a->cm.file,
			       prefix_name(f.prefix.type), prefix_name(a->type));
	if (rc == ERR_OK && a->cm.mode == FE_MODE_ADD) {
		rc = fe_file_store(&f, a->type, a->address, keep, err);
		if (rc == ERR_OK)
			printf("Added %s prefix to %s\n", prefix_name(a->type), a->cm.file);
	} else if (rc == ERR_OK && a->cm.mode == FE_MODE_DELETE) {
		rc = fe_file_store(&f, DFU_FILE_PREFIX_NONE, 0, keep, err);
		if (rc == ERR_OK)
			printf("Deleted the prefix of %s\n", a->cm.file);
	}
	fe_file_free(&f);
	return rc;
}

int fe_prefix_main(int argc, char **argv)
{
	struct error err = { ERR_OK, "" };
	struct fe_prefix_args a;
	int rc = prefix_args(argc, argv, &a, &err);

	if (rc == ERR_OK)
		rc = prefix_run(&a, &err);
	return fe_exit("dfu-prefix", rc, &err);
}
