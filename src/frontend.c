/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What dfu-suffix, dfu-prefix and dfuse-pack share: the name argv[0] gives,
 * the option walker, and the prefix/payload/suffix view of a firmware file
 * with its in-place rewrite (a temporary file renamed over the old one).
 */
#include "frontend.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat.h"
#include "opt_values.h"
#include "outfile.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

enum fe_name fe_name_of(const char *argv0)
{
	static const struct {
		const char *name;
		enum fe_name fe;
	} names[] = {
		{ "dfu-suffix", FE_SUFFIX },
		{ "dfu-prefix", FE_PREFIX },
		{ "dfuse-pack", FE_PACK },
	};
	const char *base = argv0;
	size_t n;

	if (argv0 == NULL)
		return FE_NONE;
	for (const char *p = argv0; *p != '\0'; p++) {
		if (*p == '/')
			base = p + 1;
#ifdef _WIN32
		if (*p == '\\' || *p == ':')
			base = p + 1;
#endif
	}
	n = strlen(base);
#ifdef _WIN32
	/* Windows runs "dfu-suffix.exe" (a copy or hard link of this program). */
	if (n > 4 && (strcmp(base + n - 4, ".exe") == 0 || strcmp(base + n - 4, ".EXE") == 0))
		n -= 4;
#endif
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i].name) == n && strncmp(base, names[i].name, n) == 0)
			return names[i].fe;
	}
	return FE_NONE;
}

void fe_walk_init(struct fe_walk *w, int argc, char **argv)
{
	memset(w, 0, sizeof(*w));
	w->argc = argc;
	w->argv = argv;
	w->i = 1;
}

static const struct fe_opt *fe_find(const struct fe_opt *opts, char letter, const char *name,
				    size_t n)
{
	for (; opts->letter != 0; opts++) {
		if (name == NULL && opts->letter == letter)
			return opts;
		if (name != NULL && strlen(opts->name) == n && strncmp(opts->name, name, n) == 0)
			return opts;
	}
	return NULL;
}

static int fe_walk_long(struct fe_walk *w, const struct fe_opt *opts, const char *s, char *letter,
			const char **arg, struct error *err)
{
	const char *eq = strchr(s, '=');
	size_t n = eq != NULL ? (size_t)(eq - s) : strlen(s);
	const struct fe_opt *o = fe_find(opts, 0, s, n);

	if (o == NULL)
		return -error_set(err, ERR_USAGE, "unknown option --%.*s", (int)(n > 80 ? 80 : n),
				  s);
	*letter = o->letter;
	if (!o->has_arg) {
		if (eq != NULL)
			return -error_set(err, ERR_USAGE, "--%s takes no value", o->name);
		return 1;
	}
	if (eq != NULL) {
		*arg = eq + 1;
		return 1;
	}
	if (w->i >= w->argc)
		return -error_set(err, ERR_USAGE, "--%s needs a value", o->name);
	*arg = w->argv[w->i++];
	return 1;
}

int fe_walk_next(struct fe_walk *w, const struct fe_opt *opts, char *letter, const char **arg,
		 struct error *err)
{
	const struct fe_opt *o;
	const char *s;

	*letter = 0;
	*arg = NULL;
	if (w->cluster == NULL || *w->cluster == '\0') {
		w->cluster = NULL;
		if (w->i >= w->argc)
			return 0;
		s = w->argv[w->i++];
		if (w->operands_only || s[0] != '-' || s[1] == '\0') {
			*arg = s;
			return 1;
		}
		if (strcmp(s, "--") == 0) {
			w->operands_only = true;
			return fe_walk_next(w, opts, letter, arg, err);
		}
		if (s[1] == '-')
			return fe_walk_long(w, opts, s + 2, letter, arg, err);
		w->cluster = s + 1;
	}
	o = fe_find(opts, *w->cluster, NULL, 0);
	if (o == NULL)
		return -error_set(err, ERR_USAGE, "unknown option -%c", *w->cluster);
	*letter = o->letter;
	w->cluster++;
	if (!o->has_arg)
		return 1;
	if (*w->cluster != '\0') {
		*arg = w->cluster;
	} else {
		if (w->i >= w->argc)
			return -error_set(err, ERR_USAGE, "-%c needs a value", o->letter);
		*arg = w->argv[w->i++];
	}
	w->cluster = NULL;
	return 1;
}

int fe_file_load(struct fe_file *f, const char *path, struct error *err)
{
	const struct dfu_file_suffix *s = &f->suffix;
	int rc;

	memset(f, 0, sizeof(*f));
	f->path = path;
	rc = dfu_file_load(path, &f->buf, &f->len, err);
	if (rc != ERR_OK)
		return rc;
	dfu_file_parse_suffix(f->buf, f->len, &f->suffix);
	if (f->len < DFU_FILE_SUFFIX_LEN)
		f->no_suffix_why = "the file is too short for a DFU suffix";
	else if (!s->signature)
		f->no_suffix_why = "no DFU suffix (no \"UFD\" signature at the end)";
	else if (s->crc_stored != s->crc_computed)
		f->no_suffix_why = "the DFU suffix CRC does not match the contents";
	else if (s->bLength < DFU_FILE_SUFFIX_LEN || s->bLength > f->len) {
		fe_file_free(f);
		return error_set(err, ERR_DATA, "%s: DFU suffix length %u is %s", path, s->bLength,
				 s->bLength < DFU_FILE_SUFFIX_LEN ? "under 16"
								  : "longer than the file");
	} else {
		f->has_suffix = true;
		f->suffix_len = s->bLength;
	}
	dfu_file_parse_prefix(f->buf, f->len, &f->prefix);
	if (f->prefix.len + f->suffix_len > f->len)
		memset(&f->prefix, 0, sizeof(f->prefix)); /* they would overlap: no prefix */
	return ERR_OK;
}

void fe_file_free(struct fe_file *f)
{
	free(f->buf);
	f->buf = NULL;
}

size_t fe_file_payload(const struct fe_file *f, bool skip_prefix, const uint8_t **data)
{
	size_t skip = skip_prefix ? f->prefix.len : 0;

	*data = f->buf + skip;
	return f->len - f->suffix_len - skip;
}

int fe_file_store(const struct fe_file *f, enum dfu_file_prefix_type type, uint32_t address,
		  const struct dfu_file_suffix *suffix, struct error *err)
{
	uint8_t prefix[DFU_FILE_LPC_PREFIX_LEN];
	const uint8_t *payload;
	size_t plen = fe_file_payload(f, true, &payload), n, total;
	/* dfu-util 0.11: the LPC size counts the file as read, old prefix included */
	size_t count = type == DFU_FILE_PREFIX_LPC ? f->len - f->suffix_len : plen;
	uint8_t *buf;
	int rc;

	rc = dfu_file_make_prefix(type, address, count, prefix, &n, err);
	if (rc != ERR_OK)
		return rc;
	total = n + plen + (suffix != NULL ? DFU_FILE_SUFFIX_LEN : 0);
	buf = malloc(total > 0 ? total : 1);
	if (buf == NULL)
		return error_set(err, ERR_NOMEM, "out of memory for %zu bytes", total);
	memcpy(buf, prefix, n);
	if (plen > 0)
		memcpy(buf + n, payload, plen);
	if (suffix != NULL)
		dfu_file_put_suffix(buf, n + plen, suffix->bcdDevice, suffix->idProduct,
				    suffix->idVendor, suffix->bcdDFU);
	rc = fe_replace(f->path, buf, total, true, err);
	free(buf);
	return rc;
}

int fe_replace(const char *path, const uint8_t *buf, size_t len, bool keep_mode, struct error *err)
{
	struct outfile out = { .fd = -1 };
	struct stat st;
	int rc = outfile_open(&out, path, err);

	/* A rewritten file keeps the old one's permissions, as an in-place write would. */
	if (rc == ERR_OK && keep_mode && stat(path, &st) == 0)
		(void)fchmod(out.fd, (int)(st.st_mode & 07777));
	if (rc == ERR_OK)
		rc = outfile_write(&out, buf, len, err);
	if (rc == ERR_OK)
		rc = outfile_commit_replace(&out, err);
	else
		outfile_abort(&out);
	return rc;
}

void fe_file_show(const struct fe_file *f, FILE *out)
{
	switch (f->prefix.type) {
	case DFU_FILE_PREFIX_NONE:
		break;
	case DFU_FILE_PREFIX_STELLARIS:
		fprintf(out, "%s has a TI Stellaris prefix:\n", f->path);
		fprintf(out, "Address:\t0x%08x\n", (unsigned)f->prefix.address);
		break;
	case DFU_FILE_PREFIX_LPC:
		fprintf(out, "%s has an unencrypted NXP LPC prefix:\n", f->path);
		fprintf(out, "Size:\t%5u kiB\n", (unsigned)f->prefix.lpc_blocks / 2);
		break;
	}
	if (!f->has_suffix)
		return;
	fprintf(out, "%s has a DFU suffix:\n", f->path);
	fprintf(out, "BCD device:\t0x%04X\n", f->suffix.bcdDevice);
	fprintf(out, "Product ID:\t0x%04X\n", f->suffix.idProduct);
	fprintf(out, "Vendor ID:\t0x%04X\n", f->suffix.idVendor);
	fprintf(out, "BCD DFU:\t0x%04X\n", f->suffix.bcdDFU);
	fprintf(out, "Length:\t\t%u\n", (unsigned)f->suffix_len);
	fprintf(out, "CRC:\t\t0x%08X\n", (unsigned)f->suffix.crc_stored);
}

int fe_hex16(const char *s, const char *what, uint16_t *out, struct error *err)
{
	if (opt_hex16(s, strlen(s), out))
		return ERR_OK;
	return error_set(err, ERR_USAGE, "%s '%.80s' is not 1-4 hex digits", what, s);
}

int fe_common_option(const char *name, const char *usage, char c, const char *arg,
		     struct fe_common *cm)
{
	switch (c) {
	case 'h':
		fputs(usage, stdout);
		return -1;
	case 'V':
		printf("%s (dfuse-util) %s\n", name, PACKAGE_VERSION);
		return -1;
	case 'a':
	case 'c':
	case 'D':
		cm->file = arg;
		cm->mode = c == 'a' ? FE_MODE_ADD : c == 'c' ? FE_MODE_CHECK : FE_MODE_DELETE;
		return 1;
	case 0:
		fprintf(stderr, "%s: ignoring the extra argument '%s'\n", name, arg);
		return 1;
	default:
		return 0;
	}
}

int fe_common_end(int r, const struct fe_common *cm, struct error *err)
{
	if (r < 0)
		return err->code;
	if (cm->file == NULL)
		return error_set(err, ERR_USAGE, "no file given: -a, -c or -D FILE (-h for help)");
	return ERR_OK;
}

int fe_exit(const char *name, int rc, const struct error *err)
{
	if (rc <= 0)
		return 0;
	return fe_fail(name, error_exit_code((enum error_code)rc), err);
}

int fe_fail(const char *name, int code, const struct error *err)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s\n", name, err->msg);
	return code;
}
