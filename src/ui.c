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
/* A line once escaped: each byte may become four ("\x07"). */
#define UI_ESCAPED_MAX (4 * UI_LINE_MAX)
/* A row longer than the terminal would wrap and break the redraw: cut it. */
#define UI_ROW_MAX 78

struct ui_table {
	pthread_mutex_t lock;
	FILE *out;
	size_t rows;
	bool drawn; /* the rows are on the screen, the cursor below them */
	char (*label)[64];
	char (*text)[UI_ESCAPED_MAX];
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
	ui_escape(label, t->label[row], sizeof(t->label[row]));
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

/*
 * The length of the UTF-8 sequence at @s (1-4) when it is well formed and
 * no C1 control (U+0080-U+009F, which terminals obey as ESC sequences), else 0.
 */
static size_t utf8_printable(const unsigned char *s)
{
	size_t n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
	uint32_t c;

	if (n == 0 || s[0] > 0xF4)
		return 0;
	c = s[0] & (0x7Fu >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3Fu);
	}
	if ((n == 2 && c < 0xA0) || (n == 3 && (c < 0x800 || (c >= 0xD800 && c < 0xE000))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10FFFF)))
		return 0;
	return n;
}

size_t ui_escape(const char *s, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t used = 0;

	if (size == 0)
		return 0;
	while (*p != '\0') {
		char esc[8] = "";
		size_t n = 1;
		const char *piece;

		if (*p == '\n' || *p == '\r' || *p == '\t' || *p == 0x1B) {
			snprintf(esc, sizeof(esc), "\\%c",
				 *p == '\n'   ? 'n'
				 : *p == '\r' ? 'r'
				 : *p == '\t' ? 't'
					      : 'e');
		} else if (*p < 0x20 || *p == 0x7F) {
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
		} else if (*p >= 0x80 && (n = utf8_printable(p)) == 0) {
			n = 1;
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
		}
		piece = esc[0] != '\0' ? esc : (const char *)p;
		if (esc[0] != '\0')
			n = strlen(esc);
		if (used + n >= size)
			break;
		memcpy(out + used, piece, n);
		used += n;
		p += esc[0] != '\0' ? 1 : n;
	}
	out[used] = '\0';
	return used;
}

/* @prefix, the board's prefix, then the formatted text and a newline, as one write. */
__attribute__((format(printf, 4, 0))) static void
emit(const struct ui *ui, FILE *f, const char *lead, const char *fmt, va_list ap)
{
	char text[UI_LINE_MAX], line[UI_ESCAPED_MAX + 2];
	size_t used;

	/* What devices and files said is in the text: one line, no terminal control. */
	vsnprintf(text, sizeof(text), fmt, ap);
	if (ui->table != NULL) {
		snprintf(line, sizeof(line), "%s", lead);
		used = strlen(line);
		ui_escape(text, line + used, sizeof(line) - used);
		/* Information becomes the row; warnings and debug lines stay above it. */
		table_update(ui->table, ui->row, f != ui->out || lead[0] != '\0', line);
		return;
	}
	/* The board's prefix holds its serial: escaped as well. */
	used = ui_escape(ui->prefix != NULL ? ui->prefix : "", line, UI_LINE_MAX);
	snprintf(line + used, sizeof(line) - used, "%s", lead);
	used += strlen(line + used);
	used += ui_escape(text, line + used, sizeof(line) - used - 1);
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
