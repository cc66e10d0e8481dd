/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Output helpers: stdout for information, stderr for warnings and debug.
 * Each line is formatted whole and written with one call, so the lines of
 * boards flashed in parallel never interleave within a line.
 */
#include "ui.h"

#include <stdarg.h>
#include <string.h>

#define UI_LINE_MAX 1024

/* @prefix, the board's prefix, then the formatted text and a newline, as one write. */
__attribute__((format(printf, 4, 0))) static void
emit(const struct ui *ui, FILE *f, const char *lead, const char *fmt, va_list ap)
{
	char line[UI_LINE_MAX];
	size_t used;

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
	if (p->ui == NULL || !p->ui->progress || p->ui->out == NULL || p->total == 0)
		return;
	percent = (int)(p->done >= p->total ? 100 : p->done * 100 / p->total);
	if (percent != p->drawn_percent)
		progress_draw(p, percent);
}

void ui_progress_end(struct ui_progress *p)
{
	if (p->ui == NULL || p->drawn_percent < 0 || p->ui->out == NULL)
		return;
	fputc('\n', p->ui->out);
	fflush(p->ui->out);
	p->drawn_percent = -1;
}
