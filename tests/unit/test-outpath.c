/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of outpath.c: which output paths a run may write to, checked in
 * a scratch directory: regular files new and old, directories, missing
 * directories, symbolic links, FIFOs, and pairs of paths that are one file
 * by inode or by resolved directory and name.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outpath.h"
#include "scratch.h"
#include "tap.h"

struct one_row {
	const char *what;
	const char *name; /* in the scratch directory */
	enum outpath_role role;
	int code;	    /* ERR_OK or ERR_CANTCREAT */
	const char *needle; /* in the message, when refused */
};

static const struct one_row one_rows[] = {
	{ "a new file", "new.bin", OUTPATH_NEW, ERR_OK, NULL },
	{ "an existing file for -U", "old.bin", OUTPATH_NEW, ERR_CANTCREAT, "already exists" },
	{ "an existing file for --json", "old.bin", OUTPATH_REPLACE, ERR_OK, NULL },
	{ "an existing file as input", "old.bin", OUTPATH_INPUT, ERR_OK, NULL },
	{ "a directory", ".", OUTPATH_REPLACE, ERR_CANTCREAT, "is a directory" },
	{ "in a missing directory", "nodir/x.json", OUTPATH_REPLACE, ERR_CANTCREAT,
	  "does not exist" },
	{ "under a regular file", "old.bin/x.json", OUTPATH_REPLACE, ERR_CANTCREAT, "old.bin" },
#ifndef _WIN32
	{ "a symbolic link to a file", "link", OUTPATH_REPLACE, ERR_CANTCREAT, "symbolic link" },
	{ "a dangling symbolic link", "dangling", OUTPATH_NEW, ERR_CANTCREAT,
	  "symbolic link to nothing" },
	{ "a FIFO", "fifo", OUTPATH_REPLACE, ERR_CANTCREAT, "is a FIFO" },
#endif
};

static void test_one(void)
{
	for (size_t i = 0; i < sizeof(one_rows) / sizeof(one_rows[0]); i++) {
		const struct one_row *row = &one_rows[i];
		const struct outpath p = { path_of(row->name), "--json", row->role };
		struct error err = { ERR_OK, "" };
		int r = outpath_check_one(&p, &err);

		is_int(r, row->code, "%s: %s", row->what, err.msg);
		if (row->needle != NULL) {
			is_substr(err.msg, row->needle, "%s: the message says '%s' (got '%s')",
				  row->what, row->needle, err.msg);
			is_substr(err.msg, "--json", "%s: the message says '%s' (got '%s')",
				  row->what, row->needle, err.msg);
		}
	}
}

#ifndef _WIN32 /* hard links and inode numbers */
static void test_pairs(void)
{
	struct outpath run[3];
	struct error err = { ERR_OK, "" };
	size_t bad = 99, other = 99;
	char dotted[600];

	snprintf(dotted, sizeof(dotted), "%s/././new.bin", tmpdir);
	ok(outpath_same(path_of("new.bin"), dotted), "a new file by two spellings is one file");
	ok(!outpath_same(path_of("new.bin"), path_of("new2.bin")), "two new names are two files");
	ok(outpath_same(path_of("old.bin"), path_of("hard.bin")), "a hard link is the same file");

	run[0] = (struct outpath){ path_of("old.bin"), "-D", OUTPATH_INPUT };
	run[1] = (struct outpath){ path_of("hard.bin"), "--json", OUTPATH_REPLACE };
	is_int(outpath_check(run, 2, &bad, &other, &err), ERR_CANTCREAT,
	       "--json onto a link to the -D input: refused");
	is_int(bad, 1, "the output is at fault, the input named (%zu, %zu: %s) [bad]", bad, other,
	       err.msg);
	is_int(other, 0, "the output is at fault, the input named (%zu, %zu: %s) [other]", bad,
	       other, err.msg);
	is_substr(err.msg, "is the input of -D",
		  "the output is at fault, the input named (%zu, %zu: %s)", bad, other, err.msg);

	run[0] = (struct outpath){ path_of("new.bin"), "-U", OUTPATH_NEW };
	run[1] = (struct outpath){ dotted, "--json", OUTPATH_REPLACE };
	is_int(outpath_check(run, 2, &bad, &other, &err), ERR_CANTCREAT,
	       "-U and --json on one new file: refused");
	is_int(bad, 1, "the later one at fault, the other named (%s) [bad]", err.msg);
	is_int(other, 0, "the later one at fault, the other named (%s) [other]", err.msg);
	is_substr(err.msg, "also the file of -U", "the later one at fault, the other named (%s)",
		  err.msg);

	err = (struct error){ ERR_OK, "" };
	run[1] = (struct outpath){ path_of("new2.bin"), "--json", OUTPATH_REPLACE };
	run[2] = (struct outpath){ path_of("old.bin"), "-D", OUTPATH_INPUT };
	is_int(outpath_check(run, 3, &bad, &other, &err), ERR_OK,
	       "three different files: accepted (%s)", err.msg);
}
#endif

int main(void)
{
	if (!scratch_init("test-outpath") || !write_file("old.bin", (const uint8_t *)"old", 3))
		skip_all("no scratch directory");
#ifndef _WIN32
	if (symlink(path_of("old.bin"), path_of("link")) != 0 ||
	    symlink(path_of("nodir/x"), path_of("dangling")) != 0 ||
	    mkfifo(path_of("fifo"), 0600) != 0 ||
	    link(path_of("old.bin"), path_of("hard.bin")) != 0)
		skip_all("cannot make the links and the FIFO");
#endif
	test_one();
#ifndef _WIN32 /* hard links and inode numbers */
	test_pairs();
#else
	skip(12, "no hard links or inode numbers on Windows");
#endif
	remove_tmpdir();
	return done_testing();
}
