// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dfuse-sim's profiles: a built-in chip by name or a user's JSON file
 * (sim_profile.c reads it), and --list-profiles, which prints every
 * built-in chip with its layouts, timings and quirks.
 */
#include <errno.h>
#include <string.h>

#include "sim.h"
#include "sim_faults.h"
#include "sim_profile.h"

/* A profile file larger than this is not a profile. */
#define SIM_PROFILE_FILE_MAX (256u * 1024u)

static bool is_file_spec(const char *spec)
{
	size_t n = strlen(spec);

	return strchr(spec, '/') != NULL || (n > 5 && strcmp(spec + n - 5, ".json") == 0);
}

/* Every fault the profile switched on is switched on in @dst too. */
static void merge_faults(struct sim_faults *dst, const struct sim_faults *src)
{
	for (const struct sim_fault_row *row = sim_fault_rows; row->name != NULL; row++) {
		const char *from = (const char *)src + row->offset;
		char *to = (char *)dst + row->offset;

		if (row->arg == SIM_FAULT_FLAG) {
			if (*(const bool *)(const void *)from)
				*(bool *)(void *)to = true;
		} else if (row->arg == SIM_FAULT_NUMBER) {
			if (*(const unsigned *)(const void *)from != 0)
				*(unsigned *)(void *)to = *(const unsigned *)(const void *)from;
		} else if (*(const enum sim_fail_kind *)(const void *)from != SIM_FAIL_NODEV) {
			*(enum sim_fail_kind *)(void *)to =
				*(const enum sim_fail_kind *)(const void *)from;
		}
	}
}

static const struct sim_chip *profile_file(struct sim_runner *r, const char *path,
					   struct sim_cfg *c)
{
	struct sim_profile *p = g_new0(struct sim_profile, 1);
	char *text, *dir, err[256];
	gsize len;
	GError *gerr = NULL;

	if (!g_file_get_contents(path, &text, &len, &gerr))
		sim_die_setup("profile %s", gerr->message);
	if (len > SIM_PROFILE_FILE_MAX)
		sim_die_setup("profile %s: larger than %u bytes", path, SIM_PROFILE_FILE_MAX);
	if (!sim_profile_parse(text, len, p, err, sizeof(err)))
		sim_die_setup("profile %s: %s", path, err);
	g_free(text);
	merge_faults(&c->faults, &p->faults);
	/* A preloaded file is found beside the profile. */
	dir = g_path_get_dirname(path);
	for (size_t i = 0; i < p->nloads; i++) {
		char *file = g_path_is_absolute(p->loads[i].file)
				     ? g_strdup(p->loads[i].file)
				     : g_build_filename(dir, p->loads[i].file, NULL);
		char *spec = g_strdup_printf("%s@0x%08x", file, (unsigned)p->loads[i].addr);

		g_free(file);
		g_ptr_array_add(r->owned, spec);
		g_ptr_array_add(c->loads, spec);
	}
	g_free(dir);
	g_ptr_array_add(r->profiles, p);
	return &p->chip;
}

const struct sim_chip *sim_profile_open(struct sim_runner *r, const char *spec, struct sim_cfg *c)
{
	const struct sim_chip *chip;

	if (is_file_spec(spec))
		return profile_file(r, spec, c);
	chip = sim_chip_find(spec);
	if (chip == NULL)
		sim_die_setup("unknown profile '%s' (see --list-profiles; a file needs a '/' or "
			      "the .json suffix)",
			      spec);
	return chip;
}

void sim_profiles_free(struct sim_runner *r)
{
	for (unsigned i = 0; i < r->profiles->len; i++) {
		struct sim_profile *p = g_ptr_array_index(r->profiles, i);

		sim_profile_free(p);
		g_free(p);
	}
	g_ptr_array_unref(r->profiles);
	g_ptr_array_free(r->owned, TRUE);
}

/* ---- --list-profiles ---- */

static void list_quirks(FILE *f, const struct sim_chip *c)
{
	const char *sep = "    quirks:";
	bool any = false;

#define QUIRK(cond, ...)                                                                           \
	do {                                                                                       \
		if (cond) {                                                                        \
			fprintf(f, "%s ", sep);                                                    \
			fprintf(f, __VA_ARGS__);                                                   \
			sep = ",";                                                                 \
			any = true;                                                                \
		}                                                                                  \
	} while (0)
	QUIRK(c->runtime, "run-time interface, detaches to %s (PID %04x)", c->dfu_chip,
	      c->dfu_idProduct);
	QUIRK(c->leave_no_status, "resets at the leave request without a status");
	QUIRK(c->flash_kib_by_serial != NULL, "flash size from the serial's 3rd character (%s)",
	      c->flash_kib_by_serial);
	QUIRK(c->plain_quirks & SIM_PLAIN_DETACH_REFUSED, "DETACH in DFU mode is refused");
	QUIRK(c->plain_quirks & SIM_PLAIN_STATUS_IDLES,
	      "GETSTATUS in dfuDNLOAD-IDLE goes to dfuIDLE");
#undef QUIRK
	if (any)
		fputc('\n', f);
}

/* A string of the device quoted, or "none" when it has none. */
#define Q(s) (s) != NULL ? "\"" : "", (s) != NULL ? (s) : "none", (s) != NULL ? "\"" : ""

static void list_one(FILE *f, const struct sim_chip *c)
{
	const struct sim_timing *t = &c->timing;

	fprintf(f, "%s\t%04x:%04x  %s\n", c->name, c->idVendor, c->idProduct, c->description);
	fprintf(f, "    %s, bcdDevice %04x, bcdDFU %04x, bmAttributes 0x%02x, transfer size %u\n",
		c->runtime ? "run-time"
		: c->plain ? "plain DFU 1.1"
			   : "DfuSe",
		c->bcdDevice, c->bcdDFUVersion, c->bmAttributes, c->wTransferSize);
	fprintf(f, "    strings: %s%s%s, %s%s%s, serial %s%s%s\n", Q(c->manufacturer),
		Q(c->product), Q(c->serial));
	for (size_t i = 0; i < c->nalts; i++) {
		fprintf(f, "    alt %zu: %s%s%s\n", i, Q(c->alt_names[i]));
		if (c->real_layouts[i] != NULL)
			fprintf(f, "      memory: %s\n", c->real_layouts[i]);
		if (c->plain && c->plain_mem[i] != NULL && *c->plain_mem[i] != '\0')
			fprintf(f, "      memory: %s\n", c->plain_mem[i]);
	}
	if (!c->runtime)
		fprintf(f,
			"    timings (ms): command %u, write %u, erase %u per 16 KiB (min %u), "
			"mass erase %u, manifest %u\n",
			t->cmd_ms, t->write_ms, t->erase_ms_per_16k, t->erase_min_ms,
			t->mass_erase_ms, t->manifest_ms);
	list_quirks(f, c);
}

void sim_list_profiles(FILE *f)
{
	for (const struct sim_chip *c = sim_chip_next(NULL); c != NULL; c = sim_chip_next(c))
		list_one(f, c);
}
