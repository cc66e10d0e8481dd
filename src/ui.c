/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Output helpers: stdout for information, stderr for warnings and debug.
 * Each line is formatted whole and written with one call, so the lines of
 * boards flashed in parallel never interleave within a line.
 */
#include "ui.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define UI_LINE_MAX 1024
/* A row longer than the terminal would wrap and break the redraw: cut it. */
#define UI_ROW_MAX 78

struct ui_table {
	pthread_mutex_t lock;
	FILE *out;
	size_t rows;
	bool drawn; /* the rows are on the screen, the cursor below them */
	char (*label)[64];
	char (*text)[UI_LINE_MAX];
};

struct ui_table *ui_table_new(FILE *out, size_t rows)
{
	struct ui_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->out = out;
	t->rows = rows;
	t->label = calloc(rows ? rows : 1, sizeof(*t->label));
	t->text = calloc(rows ? rows : 1, sizeof(*t->text));
	if (t->label == NULL || t->text == NULL || pthread_mutex_init(&t->lock, NULL) != 0) {
		free(t->label);
		free(t->text);
		free(t);
		return NULL;
	}
	return t;
}

void ui_table_attach(struct ui_table *t, size_t row, const char *label, struct ui *ui)
{
	if (t == NULL || row >= t->rows)
		return;
	snprintf(t->label[row], sizeof(t->label[row]), "%s", label);
	ui->table = t;
	ui->row = row;
}

/* With t->lock held: the rows again, over the last drawing (ANSI cursor up, erase line). */
static void table_draw(struct ui_table *t)
{
	if (t->drawn && t->rows > 0)
		fprintf(t->out, "\033[%zuA", t->rows);
	for (size_t i = 0; i < t->rows; i++) {
		char row[sizeof(t->label[0]) + sizeof(t->text[0])];

		snprintf(row, sizeof(row), "%s%s", t->label[i], t->text[i]);
		fprintf(t->out, "\r\033[K%.*s\n", UI_ROW_MAX, row);
	}
	t->drawn = true;
	fflush(t->out);
}

/* Row @row now says @text; a @warning is printed above the rows, and stays. */
static void table_update(struct ui_table *t, size_t row, bool warning, const char *text)
{
	char line[sizeof(t->text[0])];

	pthread_mutex_lock(&t->lock);
	if (warning) {
		if (t->drawn && t->rows > 0)
			fprintf(t->out, "\033[%zuA", t->rows);
		fprintf(t->out, "\r\033[K%s%s\n", t->label[row], text);
		for (size_t i = 0; i < t->rows; i++)
			fputc('\n', t->out); /* room for the rows below it */
	} else {
		snprintf(line, sizeof(line), "%s", text);
		memcpy(t->text[row], line, sizeof(line));
	}
	table_draw(t);
	pthread_mutex_unlock(&t->lock);
}

void ui_table_free(struct ui_table *t)
{
	if (t == NULL)
		return;
	pthread_mutex_lock(&t->lock);
	table_draw(t);
	pthread_mutex_unlock(&t->lock);
	pthread_mutex_destroy(&t->lock);
	free(t->label);
	free(t->text);
	free(t);
}

/* @prefix, the board's prefix, then the formatted text and a newline, as one write. */
__attribute__((format(printf, 4, 0))) static void
emit(const struct ui *ui, FILE *f, const char *lead, const char *fmt, va_list ap)
{
	char line[UI_LINE_MAX];
	size_t used;

	if (ui->table != NULL) {
		snprintf(line, sizeof(line), "%s", lead);
		used = strlen(line);
		vsnprintf(line + used, sizeof(line) - used, fmt, ap);
		/* Information becomes the row; warnings and debug lines stay above it. */
		table_update(ui->table, ui->row, f != ui->out || lead[0] != '\0', line);
		return;
	}
	snprintf(line, sizeof(line), "%s%s", ui->prefix != NULL ? ui->prefix : "", lead);
	used = strlen(line);
	vsnprintf(line + used, sizeof(line) - used - 1, fmt, ap);
	used = strlen(line);
	line[used] = '\n';
	line[used + 1] = '\0';
	fputs(line, f);
	fflush(f);
}

bool ui_stopped(const struct ui *ui)
{
	return ui != NULL && ui->stop != NULL && *ui->stop != 0;
}

void ui_info(const struct ui *ui, const char *fmt, ...)
{
	va_list ap;

	if (ui == NULL || ui->out == NULL)
		return;
	va_start(ap, fmt);
	emit(ui, ui->out, "", fmt, ap);
	va_end(ap);
}

void ui_warn(const struct ui *ui, const char *fmt, ...)
{
	va_list ap;

	if (ui == NULL || ui->err == NULL)
		return;
	va_start(ap, fmt);
	emit(ui, ui->err, "dfuse-util: warning: ", fmt, ap);
	va_end(ap);
}

void ui_debug(const struct ui *ui, int level, const char *fmt, ...)
{
	va_list ap;

	if (ui == NULL || ui->err == NULL || ui->verbose < level)
		return;
	va_start(ap, fmt);
	emit(ui, ui->err, "dfuse-util: ", fmt, ap);
	va_end(ap);
}

static void progress_draw(struct ui_progress *p, int percent)
{
	enum { WIDTH = 40 };
	char bar[WIDTH + 1];
	int fill = percent * WIDTH / 100;

	for (int i = 0; i < WIDTH; i++)
		bar[i] = i < fill ? '#' : ' ';
	bar[WIDTH] = '\0';
	fprintf(p->ui->out, "\r%-10s [%s] %3d%% %10llu bytes", p->phase, bar, percent,
		(unsigned long long)p->done);
	fflush(p->ui->out);
	p->drawn_percent = percent;
}

void ui_progress_begin(struct ui_progress *p, const struct ui *ui, const char *phase,
		       uint64_t total)
{
	p->ui = ui;
	p->phase = phase;
	p->total = total;
	p->done = 0;
	p->drawn_percent = -1;
}

void ui_progress_add(struct ui_progress *p, uint64_t n)
{
	int percent;

	p->done += n;
	if (p->ui != NULL && p->ui->table != NULL && p->total > 0) {
		char line[80];

		percent = (int)(p->done >= p->total ? 100 : p->done * 100 / p->total);
		if (percent == p->drawn_percent)
			return;
		snprintf(line, sizeof(line), "%s %3d%% %llu bytes", p->phase, percent,
			 (unsigned long long)p->done);
		table_update(p->ui->table, p->ui->row, false, line);
		p->drawn_percent = percent;
		return;
	}
	if (p->ui == NULL || !p->ui->progress || p->ui->out == NULL || p->total == 0)
		return;
	percent = (int)(p->done >= p->total ? 100 : p->done * 100 / p->total);
	if (percent != p->drawn_percent)
		progress_draw(p, percent);
}

void ui_progress_end(struct ui_progress *p)
{
	if (p->ui != NULL && p->ui->table != NULL) {
		p->drawn_percent = -1; /* the row stays as it is: no newline */
		return;
	}
	if (p->ui == NULL || p->drawn_percent < 0 || p->ui->out == NULL)
		return;
	fputc('\n', p->ui->out);
	fflush(p->ui->out);
	p->drawn_percent = -1;
}
