/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the user sees: informational lines on stdout, warnings and debug
 * lines on stderr, and a rate-limited progress bar drawn only on a terminal.
 * Protocol modules receive a struct ui and never touch stdio themselves.
 */
#ifndef DFUSE_UI_H
#define DFUSE_UI_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "compat.h"

/*
 * One per session: with --all each board has its own, whose lines carry the
 * board's prefix; several threads may write to the same FILE at once, and
 * each line goes out in one piece.
 */
struct ui_table;

struct ui {
	int verbose;	    /* number of -v */
	bool progress;	    /* draw progress bars (stdout is a terminal) */
	FILE *out;	    /* informational lines (NULL: silent) */
	FILE *err;	    /* warnings and debug lines (NULL: silent) */
	const char *prefix; /* put before every line ("[1-2 3574364C3034] "), or NULL */
	/* Set (from a SIGINT handler) when the run must stop: no new request starts. */
	const volatile sig_atomic_t *stop;
	/*
	 * A board of a rack on a terminal: its lines and progress become its
	 * row of @table (redrawn in place) instead of lines of their own.
	 */
	struct ui_table *table;
	size_t row;
};

/* Has the run been told to stop (ui->stop set and non-zero)? */
bool ui_stopped(const struct ui *ui);

/*
 * @s as one line of harmless text into @out (@size bytes, always ended):
 * newline, carriage return, tab and ESC as \n \r \t \e, the other control
 * characters (C0, DEL, C1) and bytes that are not UTF-8 as \xHH; printable
 * ASCII and other UTF-8 as they are. Cut at a whole character when @out is
 * too small. Returns the length written. Every line of ui_info(),
 * ui_warn(), ui_debug() and main.c's error line passes through it: serials,
 * product and alt names, file metadata reach the terminal only so.
 */
size_t ui_escape(const char *s, char *out, size_t size);

/* A line on ui->out. */
void ui_info(const struct ui *ui, const char *fmt, ...) COMPAT_PRINTF(2, 3);
/* "dfuse-util: warning: ..." on ui->err. */
void ui_warn(const struct ui *ui, const char *fmt, ...) COMPAT_PRINTF(2, 3);
/* A debug line on ui->err when ui->verbose >= @level. */
void ui_debug(const struct ui *ui, int level, const char *fmt, ...) COMPAT_PRINTF(3, 4);

/* One bar per phase ("Erasing", "Writing", "Verifying", "Reading"). */
struct ui_progress {
	const struct ui *ui;
	const char *phase;
	uint64_t total;
	uint64_t done;
	int drawn_percent; /* last percentage drawn, -1 before the first */
};

void ui_progress_begin(struct ui_progress *p, const struct ui *ui, const char *phase,
		       uint64_t total);
/* Add @n to the done count; redraws only when the percentage changed. */
void ui_progress_add(struct ui_progress *p, uint64_t n);
/* Finish the bar (newline) if one was drawn. */
void ui_progress_end(struct ui_progress *p);

/*
 * The status lines of a rack on a terminal: one row per board, each
 * showing the board's latest line or progress, redrawn in place on @out.
 * Safe to update from several threads. NULL on allocation failure.
 */
struct ui_table *ui_table_new(FILE *out, size_t rows);
/* Route @ui's lines into row @row of @t, labelled @label (copied). */
void ui_table_attach(struct ui_table *t, size_t row, const char *label, struct ui *ui);
/* Draw the rows a last time, leave the cursor below them, free @t. */
void ui_table_free(struct ui_table *t);

#endif
