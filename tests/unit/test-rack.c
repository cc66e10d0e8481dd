// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --all and --json (src/rack.c, src/report.c) over several simulated boards
 * on one backend: every board flashed from one loaded file, a failing board
 * that stops only itself, the exit status when boards agree or differ,
 * uploads to one file per board, run-time boards detached and followed
 * back, run-time bystanders left alone, and the JSON document.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "oprun.h"
#include "rack.h"
#include "scratch.h"
#include "simbackend.h"
#include "tap.h"

#define FLASH 0x08000000u
#define IMAGE (64u * 1024u)

/* The runs' ui.stop: what main.c's SIGINT handler sets, set here by a hook. */
static volatile sig_atomic_t test_stop;

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = hay; p != NULL && (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* The whole file as a string, malloc'd; NULL when missing. */
static char *slurp(const char *path)
{
	return (char *)slurp_path(path, NULL);
}

static uint8_t image[IMAGE];

static void make_image(void)
{
	uint32_t x = 12345;
	FILE *f;

	for (size_t i = 0; i < sizeof(image); i++) {
		x = x * 1103515245u + 12345u;
		image[i] = (uint8_t)(x >> 16);
	}
	f = fopen(path_of("fw.bin"), "wb");
	if (f == NULL || fwrite(image, 1, sizeof(image), f) != sizeof(image) || fclose(f) != 0)
		skip_all("cannot write the image into %s", tmpdir);
}

static struct sim_device *add(struct simbackend *sb, const char *chip, const char *serial,
			      unsigned disconnect_after)
{
	struct sim_device *d = sim_device_new(sim_chip_find(chip), serial);
	struct sim_faults f = { .disconnect_after = disconnect_after };

	if (d == NULL)
		return NULL;
	sim_device_set_faults(d, &f);
	if (simbackend_add(sb, d) < 0)
		return NULL;
	return d;
}

/* The "bytes_written" of the JSON entry of @serial, or -1. */
static long written_of(const char *json, const char *serial)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "\"serial\": \"%s\"", serial);
	p = json != NULL ? strstr(json, key) : NULL;
	p = p != NULL ? strstr(p, "\"bytes_written\": ") : NULL;
	return p != NULL ? strtol(p + strlen("\"bytes_written\": "), NULL, 10) : -1;
}

/* @d's flash holds the first @n bytes of the image. */
static bool holds_prefix(const struct sim_device *d, long n)
{
	static uint8_t buf[IMAGE];

	return n >= 0 && n <= (long)IMAGE && sim_device_read(d, FLASH, buf, (size_t)n) == 0 &&
	       memcmp(buf, image, (size_t)n) == 0;
}

static bool holds_image(const struct sim_device *d)
{
	return d != NULL && holds_prefix(d, (long)IMAGE);
}

/* Every line of @text either starts with a board prefix or is the summary table's. */
static bool lines_prefixed(const char *text)
{
	bool table = false;

	for (const char *l = text; l != NULL && *l != '\0';) {
		const char *nl = strchr(l, '\n');

		if (strncmp(l, "Board ", 6) == 0)
			table = true;
		else if (!table && strncmp(l, "Running on ", 11) != 0 && strncmp(l, "[1-", 3) != 0)
			return false;
		l = nl != NULL ? nl + 1 : NULL;
	}
	return table;
}

static void test_four_boards(void)
{
	struct simbackend *sb = simbackend_new();
	struct sim_device *d[4];
	struct run res;
	char *json;
	bool all = true;

	for (int i = 0; i < 4; i++) {
		char serial[8];

		snprintf(serial, sizeof(serial), "S%d", i + 1);
		d[i] = add(sb, "f4", serial, 0);
	}
	run(sb, &res, "--all", "--verify", "--json", path_of("four.json"), "-s", "0x08000000", "-D",
	    path_of("fw.bin"), NULL);
	is_int(res.r, ERR_OK, "4 boards: every board succeeded (%s)", res.err.msg);
	for (int i = 0; i < 4; i++)
		all = all && holds_image(d[i]);
	ok(all, "4 boards: every board holds the image");
	ok(contains(res.out, "[1-3 S3] Writing 65536 bytes"), "4 boards: lines carry the board");
	ok(lines_prefixed(res.out), "4 boards: every line before the table is prefixed");
	ok(contains(res.out, "4 boards: 4 ok, 0 failed"), "4 boards: the summary counts them");
	json = slurp(path_of("four.json"));
	ok(json != NULL, "4 boards: the JSON file was written");
	is_int(count(json, "\"result\": \"ok\""), 4, "4 boards: the JSON has four ok entries");
	is_int(count(json, "\"verified\": true"), 4, "4 boards: ... four verified");
	/* each device's total and its alt 0's */
	is_int(count(json, "\"bytes_written\": 65536"), 8,
	       "4 boards: ... 65536 bytes written, twice each");
	is_int(count(json, "\"bytes_verified\": 65536"), 4,
	       "4 boards: ... four of 65536 bytes verified");
	is_substr(json, "\"operation\": \"download\"",
		  "4 boards: operation and exit code 0 in the JSON");
	is_substr(json, "\"exit_code\": 0,\n  \"error\": null\n}",
		  "4 boards: operation and exit code 0 in the JSON");
	free(json);
	run_free(&res);
	simbackend_free(sb);
}

static void test_one_fails(void)
{
	struct simbackend *sb = simbackend_new();
	struct sim_device *a = add(sb, "f4", "S1", 0), *b = add(sb, "f4", "S2", 40),
			  *c = add(sb, "f4", "S3", 0);
	struct run res;
	char *json;

	run(sb, &res, "--all", "--json", path_of("fail.json"), "-s", "0x08000000", "-D",
	    path_of("fw.bin"), NULL);
	is_int(res.r, ERR_IO, "one disconnect: the run fails with that board's error");
	ok(contains(res.err.msg, "1 of 3 boards failed: [1-2 S2] download:"),
	   "one disconnect: the message names the board (%s)", res.err.msg);
	is_int(holds_image(a), true,
	       "one disconnect: the other two boards hold the image [holds_image(a)]");
	is_int(holds_image(c), true,
	       "one disconnect: the other two boards hold the image [holds_image(c)]");
	is_int(holds_image(b), false,
	       "one disconnect: the other two boards hold the image [holds_image(b)]");
	json = slurp(path_of("fail.json"));
	is_int(count(json, "\"result\": \"ok\""), 2,
	       "one disconnect: the JSON names the failed board and its error [count(json, \"\\\"result\\\": \\\"ok\\\"\")]");
	is_int(count(json, "\"result\": \"error\""), 1,
	       "one disconnect: the JSON names the failed board and its error [count(json, \"\\\"result\\\": \\\"error\\\"\")]");
	is_substr(json, "\"exit_code\": 74,\n      \"error\": \"download:",
		  "one disconnect: the JSON names the failed board and its error");
	is_substr(json, "\"exit_code\": 74,\n  \"error\": \"1 of 3 boards failed: ",
		  "one disconnect: the JSON's exit code is 74, and the run's error");
	{
		long n = written_of(json, "S2");

		cmp_int(n, >, 0,
			"one disconnect: the failed board's bytes_written (%ld) is what it holds [n]",
			n);
		cmp_int(n, <, (long)IMAGE,
			"one disconnect: the failed board's bytes_written (%ld) is what it holds [n]",
			n);
		is_int(n % 2048, 0,
		       "one disconnect: the failed board's bytes_written (%ld) is what it holds [n %% 2048]",
		       n);
		is_int(holds_prefix(b, n), true,
		       "one disconnect: the failed board's bytes_written (%ld) is what it holds [holds_prefix(b, n)]",
		       n);
		is_int(written_of(json, "S1"), (long)IMAGE,
		       "one disconnect: the others' bytes_written is the whole image [written_of(json, \"S1\")]");
		is_int(written_of(json, "S3"), (long)IMAGE,
		       "one disconnect: the others' bytes_written is the whole image [written_of(json, \"S3\")]");
	}
	free(json);
	run_free(&res);
	simbackend_free(sb);
}

static void test_mixed(void)
{
	struct simbackend *sb = simbackend_new();
	struct run res;

	add(sb, "f4", "S1", 0);
	add(sb, "f4", "S2", 40);
	simbackend_set_open_error(sb, 0, ERR_ACCESS, "cannot open: permission denied");
	run(sb, &res, "--all", "-s", "0x08000000", "-D", path_of("fw.bin"), NULL);
	is_int(res.r, ERR_BOARDS, "different failures: ERR_BOARDS");
	is_int(error_exit_code((enum error_code)res.r), 80, "different failures: exit 80");
	run_free(&res);
	simbackend_free(sb);
}

static void test_upload(void)
{
	struct simbackend *sb = simbackend_new();
	struct sim_device *a = add(sb, "f4", "U/1", 0), *b = add(sb, "f4", "U2", 0);
	struct run res;
	char *f1, *f2;

	sim_device_load(a, FLASH, (const uint8_t *)"board-one", 9);
	sim_device_load(b, FLASH, (const uint8_t *)"board-two", 9);
	run(sb, &res, "--all", "-s", "0x08000000:9", "-U", path_of("up-{serial}.bin"), NULL);
	is_int(res.r, ERR_OK, "--all -U: ok (%s)", res.err.msg);
	f1 = slurp(path_of("up-U_1.bin"));
	f2 = slurp(path_of("up-U2.bin"));
	is_str(f1, "board-one", "--all -U: one file per board, '/' in a serial made '_'");
	is_str(f2, "board-two", "--all -U: the other board's file");
	free(f1);
	free(f2);
	run_free(&res);
	run(sb, &res, "--all", "-s", "0x08000000:9", "-U", path_of("up-{serial}.bin"), NULL);
	is_int(res.r, ERR_CANTCREAT, "--all -U again: both files exist, nothing replaced");
	run_free(&res);
	run(sb, &res, "--all", "-s", "0x08000000:9", "-U", path_of("up.bin"), NULL);
	is_int(res.r, ERR_USAGE, "--all -U without {serial} or {path}: usage error");
	run_free(&res);
	simbackend_free(sb);
}

static void test_runtime(void)
{
	struct simbackend *sb = simbackend_new();
	struct sim_device *a = add(sb, "runtime", "R1", 0), *b = add(sb, "runtime", "R2", 0);
	struct simbackend_counts c;
	struct run res;
	char *json;

	simbackend_set_reenum_delay(sb, 300000);
	run(sb, &res, "--all", "-d", "0483:5740", "--json", path_of("rt.json"), "-s", "0x08000000",
	    "-D", path_of("fw.bin"), NULL);
	is_int(res.r, ERR_OK, "run-time boards: detached, followed back, flashed (%s)",
	       res.err.msg);
	is_int(holds_image(a), true, "run-time boards: both hold the image [holds_image(a)]");
	is_int(holds_image(b), true, "run-time boards: both hold the image [holds_image(b)]");
	ok(count(res.out, "Device is in DFU mode after") == 2,
	   "run-time boards: each followed back to its DFU-mode self");
	json = slurp(path_of("rt.json"));
	ok(count(json, "\"pid\": \"df11\"") == 2, "run-time boards: the JSON has the DFU selves");
	free(json);
	run_free(&res);
	simbackend_free(sb);

	sb = simbackend_new();
	add(sb, "f4", "F1", 0);
	add(sb, "runtime", "R1", 0);
	run(sb, &res, "--all", "-s", "0x08000000", "-D", path_of("fw.bin"), NULL);
	simbackend_counts(sb, &c);
	is_int(res.r, ERR_OK,
	       "no filter: the run-time bystander is neither counted nor reset [res.r]");
	is_substr(res.out, "1 board: 1 ok",
		  "no filter: the run-time bystander is neither counted nor reset");
	is_int(c.resets, 0,
	       "no filter: the run-time bystander is neither counted nor reset [c.resets]");
	run_free(&res);
	simbackend_free(sb);
}

static void test_json_single(void)
{
	struct simbackend *sb = simbackend_new();
	struct run res;
	char *json;

	add(sb, "f4", "J1", 0);
	add(sb, "runtime", "J2", 0);
	run(sb, &res, "-l", "--json", path_of("list.json"), NULL);
	json = slurp(path_of("list.json"));
	is_int(res.r, ERR_OK, "-l --json: both devices listed [res.r]");
	is_int(count(json, "\"path\":"), 2,
	       "-l --json: both devices listed [count(json, \"\\\"path\\\":\")]");
	is_substr(json, "\"operation\": \"list\"", "-l --json: both devices listed");
	is_substr(json, "\"file\": null", "-l --json: both devices listed");
	ok(contains(res.out, "Found DFU: [0483:df11]"), "-l --json: the listing is printed too");
	free(json);
	run_free(&res);
	run(sb, &res, "--json", path_of("missing.json"), "-D", path_of("nosuch.bin"), NULL);
	json = slurp(path_of("missing.json"));
	is_int(res.r, ERR_NOINPUT,
	       "--json when the file is missing: written, no device, exit code 66 [res.r]");
	is_substr(json, "\"devices\": []",
		  "--json when the file is missing: written, no device, exit code 66");
	is_substr(json, "\"exit_code\": 66",
		  "--json when the file is missing: written, no device, exit code 66");
	free(json);
	run_free(&res);
	run(sb, &res, "--json", path_of("missing.json"), "-s", "0x08000000", "-D",
	    path_of("fw.bin"), NULL);
	json = slurp(path_of("missing.json"));
	is_int(res.r, ERR_OK,
	       "--json for one device: its entry, replacing the last report [res.r]");
	is_int(count(json, "\"result\": \"ok\""), 1,
	       "--json for one device: its entry, replacing the last report [count(json, \"\\\"result\\\": \\\"ok\\\"\")]");
	is_substr(json, "\"serial\": \"J1\"",
		  "--json for one device: its entry, replacing the last report");
	free(json);
	run_free(&res);
	simbackend_free(sb);
}

/* On a terminal: one status line per board, redrawn in place, then the table. */
static void test_terminal(void)
{
	struct simbackend *sb = simbackend_new();
	struct run res;
	const char *table;

	add(sb, "f4", "T1", 0);
	add(sb, "f4", "T2", 40);
	add(sb, "f4", "T3", 0);
	run_mode.progress = true;
	run(sb, &res, "--all", "-s", "0x08000000", "-D", path_of("fw.bin"), NULL);
	run_mode.progress = false;
	table = res.out != NULL ? strstr(res.out, "\nBoard ") : NULL;
	is_int(res.r, ERR_IO, "terminal: three rows redrawn in place, many times [res.r]");
	cmp_int(count(res.out, "\033[3A"), >, 10,
		"terminal: three rows redrawn in place, many times [count(res.out, \"\\033[3A\")]");
	is_substr(res.out, "\r\033[K[1-2 T2] Writing  ",
		  "terminal: a row shows its board's progress and last line");
	is_substr(res.out, "\r\033[K[1-3 T3] Download done\n",
		  "terminal: a row shows its board's progress and last line");
	ok(contains(res.out, "\r\033[K[1-2 T2] Failed: download: "),
	   "terminal: the failed board's row ends on its error");
	isnt_substr(table, "\033[", "terminal: then a plain summary table");
	is_substr(table, "[1-1 T1]", "terminal: ... with a row per board");
	is_substr(table, "3 boards: 2 ok, 1 failed", "terminal: ... and the counts");
	ok(count(res.out, "\n[1-") == 3, "terminal: no board line printed on its own");
	run_free(&res);
	simbackend_free(sb);
}

/* -s :leave, -e and -R: the commands without a file run on every board too. */
static void test_commands(void)
{
	struct simbackend *sb = simbackend_new();
	struct sim_device *a = add(sb, "f4", "C1", 0), *b = add(sb, "f4", "C2", 0);
	struct simbackend_counts c;
	struct run res;

	run(sb, &res, "--all", "-s", "0x08000000:leave", NULL);
	is_int(res.r, ERR_OK, "--all -s :leave: both boards left DFU mode (%s) [res.r]",
	       res.err.msg);
	is_int(sim_device_gone(a), true,
	       "--all -s :leave: both boards left DFU mode (%s) [sim_device_gone(a)]", res.err.msg);
	is_int(sim_device_gone(b), true,
	       "--all -s :leave: both boards left DFU mode (%s) [sim_device_gone(b)]", res.err.msg);
	is_int(count(res.out, "The device left DFU mode") + count(res.out, "is leaving"), 2,
	       "--all -s :leave: both boards left DFU mode (%s) [count(res.out, \"The device left DFU m...]",
	       res.err.msg);
	run_free(&res);
	simbackend_free(sb);

	sb = simbackend_new();
	add(sb, "runtime", "E1", 0);
	add(sb, "runtime", "E2", 0);
	add(sb, "f4", "E3", 0);
	run(sb, &res, "--all", "-e", "-d", "0483:5740", NULL);
	is_int(res.r, ERR_OK,
	       "--all -e: both run-time boards detached, the DFU-mode one left as it is [res.r]");
	is_int(count(res.out, "Detach requested"), 2,
	       "--all -e: both run-time boards detached, the DFU-mode one left as it is [count(res.out, \"Detach requested\")]");
	is_substr(res.out, "[1-3 E3] [0483:df11] path=\"1-3\" is already in DFU mode",
		  "--all -e: both run-time boards detached, the DFU-mode one left as it is");
	run_free(&res);
	simbackend_free(sb);

	sb = simbackend_new();
	add(sb, "f4", "R1", 0);
	add(sb, "f4", "R2", 0);
	add(sb, "f4", "R3", 0);
	run(sb, &res, "--all", "-R", NULL);
	simbackend_counts(sb, &c);
	is_int(res.r, ERR_OK, "--all -R: every board reset once [res.r]");
	is_int(c.resets, 3, "--all -R: every board reset once [c.resets]");
	is_int(count(res.out, "Resetting the USB device"), 3,
	       "--all -R: every board reset once [count(res.out, \"Resetting the USB dev...]");
	run_free(&res);
	simbackend_free(sb);
}

/* Counts DNLOAD requests; "presses Ctrl-C" at the 20th. */
static unsigned long dnloads;

static void ctrl_c_hook(void *arg, struct sim_device *dev, uint8_t bmRequestType, uint8_t bRequest,
			uint16_t wValue, int tr_status)
{
	(void)arg;
	(void)dev;
	(void)wValue;
	(void)tr_status;
	if (bmRequestType == 0x21 && bRequest == 1 && ++dnloads == 20)
		test_stop = SIGINT; /* what main.c stores: the signal number */
}

static void test_interrupt(void)
{
	struct simbackend *sb = simbackend_new();
	struct sim_device *a = add(sb, "f4", "I1", 0), *b = add(sb, "f4", "I2", 0);
	struct run res;
	char *json;

	simbackend_set_hook(sb, ctrl_c_hook, NULL);
	run(sb, &res, "--all", "--json", path_of("int.json"), "-s", "0x08000000", "-D",
	    path_of("fw.bin"), NULL);
	is_int(res.r, ERR_INTERRUPTED, "Ctrl-C: the run stops as interrupted");
	is_int(error_exit_code((enum error_code)res.r), 130, "Ctrl-C: exit 130");
	ok(dnloads <= 21, "Ctrl-C: no new request after it (%lu DNLOADs; one may be in flight)",
	   dnloads);
	is_int(holds_image(a), false, "Ctrl-C: neither board claims the image [holds_image(a)]");
	is_int(holds_image(b), false, "Ctrl-C: neither board claims the image [holds_image(b)]");
	json = slurp(path_of("int.json"));
	is_int(count(json, "\"result\": \"interrupted\""), 2,
	       "Ctrl-C: the JSON says both boards were interrupted [count(json, \"\\\"result\\\": \\\"interrupte...]");
	is_int(count(json, "\"exit_code\": 130"), 3,
	       "Ctrl-C: the JSON says both boards were interrupted [count(json, \"\\\"exit_code\\\": 130\")]");
	is_substr(json, "not sent: interrupted",
		  "Ctrl-C: the JSON says both boards were interrupted");
	free(json);
	run_free(&res);
	test_stop = 0;
	simbackend_free(sb);
}

int main(void)
{
	if (!scratch_init("test-rack"))
		skip_all("cannot create a temporary directory");
	/* --all and --json go through rack_run(), as main.c sends them. */
	run_mode.rack = true;
	run_mode.stop = &test_stop;
	make_image();
	test_four_boards();
	test_one_fails();
	test_mixed();
	test_upload();
	test_runtime();
	test_json_single();
	test_interrupt();
	test_commands();
	test_terminal();
	remove_tmpdir();
	return done_testing();
}
