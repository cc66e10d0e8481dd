/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command-line parser: a hand-written argv walker (no getopt: its global
 * state breaks reentrancy and fuzzing) over one option table, which also
 * gives the usage text its rows (opt_usage.c), and the checks between
 * options; the values' grammars are in opt_values.c. Pure: never prints or
 * exits.
 */
#include "options.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "opt_table.h"
#include "opt_values.h"

/* -v is counted up to here; more changes nothing and cannot overflow. */
#define OPT_VERBOSE_MAX 16

#define OPT_DETACH_DELAY_DEFAULT 5

/* What the walk saw that struct opts does not keep, for the checks at the end. */
struct opt_walk {
	enum opt_mode info; /* the first of -h / -V, or OPT_MODE_NONE */
	bool list;
	bool upload, upload_twice;
	bool download, download_twice;
	const char *upload_file, *download_file;
	const char *dfuse_arg; /* the last -s text, for messages */
	const char *info_file; /* --info FILE */
	bool info_twice, convert_twice;
	bool format, out_format; /* --format / --out-format given */
	bool detach_delay;	 /* -E given */
};

/* ---- applying one option ---- */

/* The one path of every numeric option: @arg (NULL: none given) checked and stored. */
static int opt_apply_number(const struct opt_def *def, const char *arg, const char *spelled,
			    struct opts *o, struct error *err)
{
	unsigned char *base = (unsigned char *)o;
	uint64_t v;
	int rc;

	if (arg == NULL) {
		if (def->num.has != 0)
			*(bool *)(base + def->num.has) = false;
		return ERR_OK;
	}
	rc = opt_strtonum(arg, def->num.min, def->num.max, def->num.what, &v, err);
	if (rc != ERR_OK) {
		error_wrap(err, "%s", spelled);
		return rc;
	}
	opt_store_uint(base + def->num.at, def->num.size, v);
	if (def->num.has != 0)
		*(bool *)(base + def->num.has) = true;
	return ERR_OK;
}

/*
 * What an option does beyond its row of the table. An error from a value's
 * grammar is wrapped here with the option as the user spelled it.
 */
static int opt_apply_special(const struct opt_def *def, const char *arg, const char *spelled,
			     struct opts *o, struct opt_walk *w, struct error *err)
{
	const char *echo = NULL; /* the argument, quoted in the message */
	enum image_format f;
	int rc = ERR_OK;

	switch (def->key) {
	case OPT_KEY_HELP:
	case OPT_KEY_VERSION:
		if (w->info == OPT_MODE_NONE)
			w->info = def->key == OPT_KEY_HELP ? OPT_MODE_HELP : OPT_MODE_VERSION;
		break;
	case OPT_KEY_VERBOSE:
		if (o->verbose < OPT_VERBOSE_MAX)
			o->verbose++;
		break;
	case OPT_KEY_LIST:
		w->list = true;
		break;
	case OPT_KEY_DETACH_DELAY:
		w->detach_delay = true;
		break;
	case OPT_KEY_DEVICE:
		rc = opt_parse_devices(arg, &o->id_runtime, &o->id_dfu, err);
		echo = arg;
		break;
	case OPT_KEY_DFUSE:
		rc = opt_parse_dfuse(arg, &o->dfuse, err);
		echo = arg;
		w->dfuse_arg = arg;
		break;
	case OPT_KEY_PATH:
		rc = opt_parse_path(arg, o->path, err);
		if (rc == ERR_OK)
			o->has_path = true;
		break;
	case OPT_KEY_SERIAL:
		rc = opt_parse_serial(arg, &o->serial_runtime, &o->serial_dfu, err);
		break;
	case OPT_KEY_ALT:
		rc = opt_parse_alt(arg, &o->alt_is_name, &o->alt, o->alt_name, err);
		o->has_alt = rc == ERR_OK;
		break;
	case OPT_KEY_UPLOAD:
		w->upload_twice = w->upload;
		w->upload = true;
		w->upload_file = arg;
		break;
	case OPT_KEY_DOWNLOAD:
		w->download_twice = w->download;
		w->download = true;
		w->download_file = arg;
		break;
	case OPT_KEY_JSON:
		o->json_file = arg;
		break;
	case OPT_KEY_TRACE:
		o->trace_file = arg;
		break;
	case OPT_KEY_INFO:
		w->info_twice = w->info_file != NULL;
		w->info_file = arg;
		break;
	case OPT_KEY_CONVERT:
		w->convert_twice = o->convert_out != NULL;
		o->convert_out = arg;
		break;
	case OPT_KEY_FORMAT:
	case OPT_KEY_OUT_FORMAT:
		if (!image_format_from_name(arg, &f))
			return error_set(err, ERR_USAGE,
					 "%s '%.*s': unknown format (bin, dfu, hex, srec, elf)",
					 spelled, OPT_ECHO, arg);
		*(def->key == OPT_KEY_FORMAT ? &o->format : &o->out_format) = f;
		*(def->key == OPT_KEY_FORMAT ? &w->format : &w->out_format) = true;
		break;
	case OPT_KEY_DETACH:
	case OPT_KEY_DEVNUM:
	case OPT_KEY_CFG:
	case OPT_KEY_INTF:
	case OPT_KEY_TRANSFER_SIZE:
	case OPT_KEY_UPLOAD_SIZE:
	case OPT_KEY_RESET:
	case OPT_KEY_QUIT:
	case OPT_KEY_WAIT:
	case OPT_KEY_VERIFY:
	case OPT_KEY_DIFF:
	case OPT_KEY_DRY_RUN:
	case OPT_KEY_ALL:
	case OPT_KEY_USB_TIMEOUT:
	case OPT_KEY_POLL_TIMEOUT_MAX:
	case OPT_KEY_REQUIRE_SUFFIX:
	case OPT_KEY_PAD:
	case OPT_KEY_TRACE_KEEP_SERIAL:
		break; /* the table's row says it all */
	}
	if (rc != ERR_OK && echo != NULL)
		error_wrap(err, "%s %.*s", spelled, OPT_ECHO, echo);
	else if (rc != ERR_OK)
		error_wrap(err, "%s", spelled);
	return rc;
}

/* Apply one option; @spelled is how the user wrote it ("-a", "--alt"), for messages. */
static int opt_apply(const struct opt_def *def, const char *arg, const char *spelled,
		     struct opts *o, struct opt_walk *w, struct error *err)
{
	int rc;

	if (def->file && *arg == '\0')
		return error_set(err, ERR_USAGE, "%s: empty file name", spelled);
	if (def->sets != 0)
		*(bool *)((unsigned char *)o + def->sets) = true;
	rc = opt_apply_special(def, arg, spelled, o, w, err);
	if (rc == ERR_OK && def->num.what != NULL)
		rc = opt_apply_number(def, arg, spelled, o, err);
	return rc;
}

static const struct opt_def *opt_find_short(char c)
{
	for (size_t i = 0; i < opt_ndefs; i++)
		if ((int)opt_defs[i].key == (unsigned char)c)
			return &opt_defs[i];
	return NULL;
}

/*
 * Long names match exactly. getopt_long also takes any unambiguous prefix
 * ("--down"), so a script using one breaks as soon as a new option shares
 * it; exact names keep every command line that works today working.
 */
static const struct opt_def *opt_find_long(const char *name, size_t n)
{
	for (size_t i = 0; i < opt_ndefs; i++)
		if (strlen(opt_defs[i].name) == n && memcmp(opt_defs[i].name, name, n) == 0)
			return &opt_defs[i];
	return NULL;
}

static int opt_long(int argc, char *const argv[], int *i, struct opts *o, struct opt_walk *w,
		    struct error *err)
{
	const char *name = argv[*i] + 2;
	const char *eq = strchr(name, '=');
	size_t n = eq != NULL ? (size_t)(eq - name) : strlen(name);
	const struct opt_def *def = opt_find_long(name, n);
	const char *arg = NULL;
	char spelled[32];

	if (def == NULL)
		return error_set(err, ERR_USAGE, "unknown option '--%.*s' (try -h)",
				 (int)(n > OPT_ECHO ? OPT_ECHO : n), name);
	snprintf(spelled, sizeof(spelled), "--%s", def->name);
	switch (def->arg) {
	case OPT_ARG_NONE:
		if (eq != NULL)
			return error_set(err, ERR_USAGE, "option '%s' takes no argument", spelled);
		break;
	case OPT_ARG_REQUIRED:
		if (eq != NULL) {
			arg = eq + 1;
		} else {
			if (*i + 1 >= argc || argv[*i + 1] == NULL)
				return error_set(err, ERR_USAGE, "option '%s' requires an argument",
						 spelled);
			arg = argv[++*i];
		}
		break;
	case OPT_ARG_OPTIONAL_EQ:
		if (eq != NULL)
			arg = eq + 1;
		break;
	}
	return opt_apply(def, arg, spelled, o, w, err);
}

/* A cluster of short options: "-lv", "-a0", "-Dfile", "-s" "0x08000000". */
static int opt_short(int argc, char *const argv[], int *i, struct opts *o, struct opt_walk *w,
		     struct error *err)
{
	const char *a = argv[*i];

	for (size_t j = 1; a[j] != '\0'; j++) {
		const struct opt_def *def = opt_find_short(a[j]);
		char spelled[3] = { '-', a[j], '\0' };
		const char *arg = NULL;
		int rc;

		if (def == NULL) {
			if (a[j] > ' ' && a[j] < 0x7f)
				return error_set(err, ERR_USAGE, "unknown option '-%c' (try -h)",
						 a[j]);
			return error_set(err, ERR_USAGE, "unknown option byte 0x%02X (try -h)",
					 (unsigned)(unsigned char)a[j]);
		}
		if (def->arg == OPT_ARG_REQUIRED) {
			if (a[j + 1] != '\0') {
				arg = a + j + 1;
			} else {
				if (*i + 1 >= argc || argv[*i + 1] == NULL)
					return error_set(err, ERR_USAGE,
							 "option '%s' requires an argument",
							 spelled);
				arg = argv[++*i];
			}
		}
		rc = opt_apply(def, arg, spelled, o, w, err);
		if (rc != ERR_OK || arg != NULL)
			return rc;
	}
	return ERR_OK;
}

/*
 * --info FILE and --convert OUT -D IN touch no device: only the options that
 * shape the image (-s ADDRESS, -d, -a, --format, --out-format, -v) go with them.
 */
static int opt_finish_offline(struct opts *o, const struct opt_walk *w, struct error *err)
{
	const struct opt_dfuse *d = &o->dfuse;
	const char *mode = w->info_file != NULL ? "--info" : "--convert";
	const char *other = NULL;
	bool convert = o->convert_out != NULL;

	if (w->info_twice || w->convert_twice)
		return error_set(err, ERR_USAGE, "%s given twice (one file per run)", mode);
	if (w->info_file != NULL && convert)
		return error_set(err, ERR_USAGE, "--info and --convert cannot be combined");
	if (convert && !w->download)
		return error_set(err, ERR_USAGE, "--convert OUT needs its input: -D FILE");
	if (w->download_twice)
		return error_set(err, ERR_USAGE, "-D given twice (one input per run)");
	if (w->upload)
		other = "-U";
	else if (w->info_file != NULL && w->download)
		other = "-D";
	else if (w->list)
		other = "-l";
	else if (o->detach || w->detach_delay)
		other = "-e or -E";
	else if (o->reset || o->quit)
		other = o->reset ? "-R" : "-Q";
	else if (o->wait)
		other = "-w";
	else if (o->has_upload_size)
		other = "-Z";
	else if (o->verify)
		other = "--verify";
	else if (o->diff)
		other = "--diff";
	else if (o->dry_run)
		other = "--dry-run";
	else if (o->all)
		other = "--all";
	else if (o->json_file != NULL)
		other = "--json";
	else if (o->trace_file != NULL || o->trace_keep_serial)
		other = "--trace";
	else if (o->has_path || o->has_devnum || o->serial_runtime.given || o->serial_dfu.given)
		other = "a device selection (-p, -n, -S)";
	else if (o->has_cfg || o->has_intf || o->has_transfer_size)
		other = "-c, -i or -t";
	else if (!convert && (o->id_runtime.given || o->id_dfu.given || o->has_alt))
		other = "-d or -a";
	else if (!convert && w->out_format)
		other = "--out-format";
	if (other != NULL)
		return error_set(err, ERR_USAGE, "%s works on files only: %s does not apply", mode,
				 other);
	if (d->given && (d->has_length || d->leave || d->unprotect || d->mass_erase ||
			 d->will_reset || d->force || !d->has_address))
		return error_set(err, ERR_USAGE,
				 "-s with %s takes only an ADDRESS (where a raw input goes)", mode);
	o->mode = convert ? OPT_MODE_CONVERT : OPT_MODE_INFO;
	o->file = convert ? w->download_file : w->info_file;
	return ERR_OK;
}

/* The checks between options, and the mode they add up to. */
static int opt_finish(struct opts *o, const struct opt_walk *w, struct error *err)
{
	const struct opt_dfuse *d = &o->dfuse;
	const char *sarg = w->dfuse_arg != NULL ? w->dfuse_arg : "";
	bool command = d->leave || d->unprotect || d->mass_erase;

	/*
	 * -h and -V win over every conflict between options, as in dfu-util
	 * where they exit at once; an option that could not be read at all
	 * (unknown, bad number, missing argument) was already an error.
	 */
	if (w->info != OPT_MODE_NONE) {
		o->mode = w->info;
		return ERR_OK;
	}
	if (w->info_file != NULL || o->convert_out != NULL)
		return opt_finish_offline(o, w, err);
	if (w->out_format)
		return error_set(err, ERR_USAGE, "--out-format only applies to --convert");
	if (w->format && !w->download)
		return error_set(err, ERR_USAGE,
				 "--format only applies to -D, --info and --convert");
	if (w->upload_twice)
		return error_set(err, ERR_USAGE, "-U given twice (one upload per run)");
	if (w->download_twice)
		return error_set(err, ERR_USAGE, "-D given twice (one download per run)");
	if (w->upload && w->download)
		return error_set(err, ERR_USAGE, "-U and -D cannot be combined (one per run)");
	if (w->list) {
		const char *other = NULL;

		if (w->upload)
			other = "-U";
		else if (w->download)
			other = "-D";
		else if (o->detach)
			other = "-e";
		else if (o->reset || o->quit)
			other = o->reset ? "-R" : "-Q";
		else if (d->given)
			other = "-s";
		if (other != NULL)
			return error_set(err, ERR_USAGE,
					 "-l cannot be combined with %s (it only lists devices)",
					 other);
	}
	if (o->has_upload_size && !w->upload)
		return error_set(err, ERR_USAGE, "-Z only applies to -U");
	/* Arduino's -Q: after the operation, start the firmware: a leave (flash.c, plain.c) */
	if (o->quit && !w->upload && !w->download)
		return error_set(err, ERR_USAGE, "-Q only applies to -D and -U");
	if (o->quit)
		o->dfuse.leave = true;
	if (o->trace_keep_serial && o->trace_file == NULL)
		return error_set(err, ERR_USAGE, "--trace-keep-serial only applies to --trace");
	if (o->verify && !w->download)
		return error_set(err, ERR_USAGE, "--verify only applies to -D");
	if (o->diff && !w->download)
		return error_set(err, ERR_USAGE, "--diff only applies to -D");
	if (o->dry_run && !w->download)
		return error_set(err, ERR_USAGE, "--dry-run only applies to -D");
	if (o->all && w->list)
		return error_set(err, ERR_USAGE,
				 "--all does not apply to -l (it lists every device)");
	if (o->all && o->wait)
		return error_set(err, ERR_USAGE,
				 "--all cannot be combined with -w (it takes the devices present now)");
	/* One file per board: the name must tell them apart. */
	if (o->all && w->upload && strstr(w->upload_file, "{serial}") == NULL &&
	    strstr(w->upload_file, "{path}") == NULL)
		return error_set(err, ERR_USAGE,
				 "--all -U %.*s: the file name must contain {serial} or {path}, one "
				 "file per device",
				 OPT_ECHO, w->upload_file);
	if (o->pad != 0 && !w->download)
		return error_set(err, ERR_USAGE, "--pad only applies to -D");
	if (o->require_suffix && !w->download)
		return error_set(err, ERR_USAGE, "--require-suffix only applies to -D");
	if (d->given) {
		if (d->has_length && !w->upload)
			return error_set(err, ERR_USAGE,
					 "-s %.*s: a length is only meaningful for -U", OPT_ECHO,
					 sarg);
		if (w->upload && (d->mass_erase || d->unprotect))
			return error_set(err, ERR_USAGE,
					 "-s %.*s: %s with -U would erase the flash before reading "
					 "it",
					 OPT_ECHO, sarg, d->unprotect ? "unprotect" : "mass-erase");
		if (w->download && d->unprotect)
			return error_set(err, ERR_USAGE,
					 "-s %.*s: unprotect makes the device erase its flash and "
					 "reset, so -D would never run: give it without -D",
					 OPT_ECHO, sarg);
		if (!w->upload && !w->download && !command)
			return error_set(err, ERR_USAGE,
					 "-s %.*s: nothing to do: -s needs -U or -D, or a leave, "
					 "mass-erase or unprotect modifier",
					 OPT_ECHO, sarg);
	}
	if (w->upload) {
		o->mode = OPT_MODE_UPLOAD;
		o->file = w->upload_file;
	} else if (w->download) {
		o->mode = OPT_MODE_DOWNLOAD;
		o->file = w->download_file;
	} else if (w->list) {
		o->mode = OPT_MODE_LIST;
	} else if (command) {
		o->mode = OPT_MODE_COMMAND;
	} else if (o->detach) {
		o->mode = OPT_MODE_DETACH;
	} else if (o->reset) {
		o->mode = OPT_MODE_RESET;
	} else {
		return error_set(err, ERR_USAGE, "no operation given (try -h)");
	}
	return ERR_OK;
}

int opt_parse(int argc, char *const argv[], struct opts *o, struct error *err)
{
	struct opt_walk w;
	int rc;

	memset(o, 0, sizeof(*o));
	memset(&w, 0, sizeof(w));
	o->detach_delay_s = OPT_DETACH_DELAY_DEFAULT;
	o->id_runtime.any_vid = o->id_runtime.any_pid = true;
	o->id_dfu.any_vid = o->id_dfu.any_pid = true;
	/* argv[0] is the program name. */
	for (int i = 1; i < argc && argv[i] != NULL; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			/* Options end here, and no operand is taken after them either. */
			if (i + 1 < argc && argv[i + 1] != NULL)
				return error_set(err, ERR_USAGE, "unexpected argument '%.*s'",
						 OPT_ECHO, argv[i + 1]);
			break;
		}
		if (a[0] == '-' && a[1] == '-')
			rc = opt_long(argc, argv, &i, o, &w, err);
		else if (a[0] == '-' && a[1] != '\0')
			rc = opt_short(argc, argv, &i, o, &w, err);
		else
			rc = error_set(err, ERR_USAGE, "unexpected argument '%.*s'", OPT_ECHO, a);
		if (rc != ERR_OK)
			return rc;
	}
	return opt_finish(o, &w, err);
}
