/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The usage text (-h), written from the rows of the option table (opt_doc()
 * in options.c), so that no option can be parsed and left out of it, or
 * listed and not parsed. Pure: writes into the caller's buffer.
 */
#include "opt_usage.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compat.h"
#include "opt_table.h"

/* Where the help column starts, and where a list item under an option does. */
#define OPT_HELP_COL 28
#define OPT_ITEM_COL 8

static const char opt_usage_head[] = "Usage: dfuse-util [options] ...\n";

static const char opt_usage_tail[] =
	"\n"
	"mass-erase and unprotect also erase a bootloader that runs from flash (every\n"
	"STM32F103 board, for one): the board then no longer answers over USB.\n"
	"\n"
	"Examples with a DfuSe device:\n"
	"  Write a DfuSe (.dfu) image:\n"
	"    dfuse-util -a 0 -D /path/to/dfuse-image.dfu\n"
	"  Read 1 KiB of flash from address 0x08000000:\n"
	"    dfuse-util -a 0 -s 0x08000000:1024 -U newfile.bin\n"
	"  Write a raw binary at 0x08004000, then leave DFU mode:\n"
	"    dfuse-util -a 0 -s 0x08004000:leave -D /path/to/image.bin\n"
	"  Convert a raw binary into a .dfu for alt 0 of a 0483:df11 device:\n"
	"    dfuse-util -s 0x08000000 -d 0483:df11 -a 0 -D image.bin --convert image.dfu\n";

/* The text being written: as snprintf, what does not fit is counted, not written. */
struct opt_text {
	char *buf;
	size_t size, len;
};

static COMPAT_PRINTF(2, 3) void opt_putf(struct opt_text *t, const char *fmt, ...)
{
	size_t room = t->len < t->size ? t->size - t->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room > 0 ? t->buf + t->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
}

/* "  -x --name ARG" then the help, one line each, at OPT_HELP_COL. */
static void opt_usage_entry(struct opt_text *t, const struct opt_doc *d)
{
	char head[80];
	const char *l = d->help;

	snprintf(head, sizeof(head), "  %s%c%s--%s%s%s%s", d->letter != '\0' ? "-" : "",
		 d->letter != '\0' ? d->letter : ' ', d->letter != '\0' ? " " : "", d->name,
		 d->arg == NULL	   ? ""
		 : d->arg_optional ? "[="
				   : " ",
		 d->arg != NULL ? d->arg : "", d->arg_optional ? "]" : "");
	if (d->letter == '\0') /* no short letter: "  --name" */
		memmove(head + 2, head + 3, strlen(head + 3) + 1);
	if (strlen(head) < OPT_HELP_COL)
		opt_putf(t, "%-*s", OPT_HELP_COL, head);
	else
		opt_putf(t, "%s\n%*s", head, OPT_HELP_COL, "");
	for (bool first = true;; first = false) {
		size_t len = strcspn(l, "\n");
		const char *tab = memchr(l, '\t', len);
		const char *text = tab != NULL ? tab + 1 : l;

		if (!first && tab != NULL && tab > l)
			opt_putf(t, "%*s%-*.*s", OPT_ITEM_COL, "", OPT_HELP_COL - OPT_ITEM_COL,
				 (int)(tab - l), l);
		else if (!first)
			opt_putf(t, "%*s", OPT_HELP_COL, "");
		opt_putf(t, "%.*s\n", (int)(len - (size_t)(text - l)), text);
		if (l[len] == '\0')
			break;
		l += len + 1;
	}
}

size_t opt_usage(char *buf, size_t size)
{
	struct opt_text t = { buf, size, 0 };
	struct opt_doc d;

	if (size > 0)
		buf[0] = '\0';
	opt_putf(&t, "%s", opt_usage_head);
	for (size_t i = 0; opt_doc(i, &d); i++)
		opt_usage_entry(&t, &d);
	opt_putf(&t, "%s", opt_usage_tail);
	return t.len;
}
