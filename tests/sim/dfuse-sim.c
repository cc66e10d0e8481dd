// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dfuse-sim: runs a command against simulated DfuSe devices. Owns the command
 * line, the re-exec under umockdev's preload library and the run of the
 * command; the testbed is sim_bus.c, the usbdevfs handler sim_ioctl.c, and
 * the dump, log and statistics written when the command ends sim_report.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>

#include "sim.h"

#ifndef SIM_PRELOAD_LIB_DEFAULT
#define SIM_PRELOAD_LIB_DEFAULT "libumockdev-preload.so.0"
#endif

/* Set in our own environment across the re-exec under the preload library. */
#define SIM_REEXEC_ENV "DFUSE_SIM_REEXEC"

void sim_die_setup(const char *fmt, ...)
{
	va_list ap;

	fputs("dfuse-sim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(SIM_EXIT_SETUP);
}

/* Checked number from the command line: whole string, base 0, at most @max. */
unsigned long sim_parse_num(const char *opt, const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	if (s == NULL || *s == '\0' || *s == '-')
		sim_die_setup("%s: missing or negative number", opt);
	v = strtoul(s, &end, 0);
	if (errno != 0 || *end != '\0' || v > max)
		sim_die_setup("%s: bad number '%s' (0..%lu)", opt, s, max);
	return v;
}

/* ---- the command ---- */

static void on_child(GPid pid, gint status, gpointer user)
{
	struct sim_runner *r = user;

	r->child_status = status;
	r->child_done = true;
	g_spawn_close_pid(pid);
	g_main_loop_quit(r->loop);
}

static gboolean on_signal(gpointer user)
{
	struct sim_runner *r = user;

	if (!r->child_done)
		kill(r->child, SIGTERM);
	return G_SOURCE_CONTINUE;
}

static const char *preload_lib(void)
{
	const char *env = getenv("UMOCKDEV_PRELOAD_LIB");

	if (env != NULL && *env != '\0')
		return env;
	/* configure may not have found it: then let the dynamic loader search. */
	return *SIM_PRELOAD_LIB_DEFAULT != '\0' ? SIM_PRELOAD_LIB_DEFAULT
						: "libumockdev-preload.so.0";
}

/*
 * uevents are sent from this process, so it must run under the preload
 * library itself (notes): re-exec once with it in LD_PRELOAD.
 */
static void reexec_under_preload(char **argv)
{
	const char *lib = preload_lib();
	const char *cur = getenv("LD_PRELOAD");
	const char *asan = getenv("ASAN_OPTIONS");
	char *val;

	if (getenv(SIM_REEXEC_ENV) != NULL)
		return;
	val = cur != NULL && *cur != '\0' ? g_strdup_printf("%s:%s", lib, cur) : g_strdup(lib);
	setenv("LD_PRELOAD", val, 1);
	g_free(val);
	/* gcc's shared ASan runtime refuses to start when the preload comes first. */
	val = g_strdup_printf("%s%sverify_asan_link_order=0", asan ? asan : "", asan ? ":" : "");
	setenv("ASAN_OPTIONS", val, 1);
	g_free(val);
	setenv(SIM_REEXEC_ENV, "1", 1);
	execv("/proc/self/exe", argv);
	sim_die_setup("re-exec under %s: %s", lib, g_strerror(errno));
}

static void usage(FILE *f)
{
	fputs("usage: dfuse-sim [OPTIONS] -- COMMAND [ARGS...]\n"
	      "       dfuse-sim --list-chips\n"
	      "Runs COMMAND with simulated DfuSe USB devices (umockdev).\n"
	      "Per device (--device starts a new one, default one f4; the options\n"
	      "given before the first --device apply to every device):\n"
	      "  --device CHIP  --serial S  --dfu-serial S  --busnum N  --devnum N\n"
	      "  --port-path P  --load FILE@ADDR  --appear-after MS  --reenumerate-after MS\n"
	      "  --immediate  --stall-busy N  --vanish-on-leave  --disconnect-after N\n"
	      "  --read-protected  --strict-timing  --serial-8bit  --no-access  --time-scale X\n"
	      "Faults of real ROMs (model.h says what each does):\n"
	      "  --stuck-busy-high  --stall-data-block N  --stall-data-written\n"
	      "  --stall-data-partial  --stall-data-repeat  --flash-word N\n"
	      "  --busy-repeat N  --leave-stall-reset  --leave-status-stall  --unprotect-hang\n"
	      "  --stall-early\n"
	      "  --fail-at N  --fail-kind nodev|stall|timeout|io  --fail-acted\n"
	      "  --busy-same WORK_MS:POLL_MS  --leave-manifest MS  --leave-manifest-status\n"
	      "Looking like plain DFU: --dfu10-descriptor  --alt-name N=STRING\n"
	      "Global: --dump DIR  --log FILE  --stats FILE\n"
	      "Exit status: COMMAND's (128+N if killed by signal N); 125 if dfuse-sim failed.\n",
	      f);
}

static void list_chips(void)
{
	for (const struct sim_chip *c = sim_chip_next(NULL); c != NULL; c = sim_chip_next(c))
		printf("%-10s %04x:%04x  %s\n", c->name, c->idVendor, c->idProduct, c->description);
}

/* A device of @chip_name that starts from what the options before any --device said. */
static struct sim_cfg *cfg_new(struct sim_runner *r, const char *chip_name)
{
	struct sim_cfg *c = g_new0(struct sim_cfg, 1);

	*c = r->defaults;
	c->chip = sim_chip_find(chip_name);
	if (c->chip == NULL)
		sim_die_setup("unknown chip '%s' (see --list-chips)", chip_name);
	c->port_alloc = g_strdup_printf("%u-%u", c->busnum, r->cfgs->len + 1);
	if (c->port == NULL)
		c->port = c->port_alloc;
	c->loads = g_ptr_array_copy(r->defaults.loads, NULL, NULL);
	g_ptr_array_add(r->cfgs, c);
	return c;
}

/* Where a per-device option goes: the latest --device, or the defaults before any. */
static struct sim_cfg *cur_cfg(struct sim_runner *r)
{
	if (r->cfgs->len == 0)
		return &r->defaults;
	return g_ptr_array_index(r->cfgs, r->cfgs->len - 1);
}

static enum sim_fail_kind parse_fail_kind(const char *v)
{
	if (strcmp(v, "nodev") == 0)
		return SIM_FAIL_NODEV;
	if (strcmp(v, "stall") == 0)
		return SIM_FAIL_STALL;
	if (strcmp(v, "timeout") == 0)
		return SIM_FAIL_TIMEOUT;
	if (strcmp(v, "io") == 0)
		return SIM_FAIL_IO;
	sim_die_setup("--fail-kind %s: expected nodev, stall, timeout or io", v);
}

/*
 * "N<sep>REST" of option @opt: N checked (at most @max), *@rest after the
 * separator; @form names the expected shape in the error.
 */
static unsigned long parse_before(const char *opt, const char *v, char sep, unsigned long max,
				  const char *form, const char **rest)
{
	const char *at = strchr(v, sep);
	char num[16];

	if (at == NULL || at == v || (size_t)(at - v) >= sizeof(num))
		sim_die_setup("%s %s: expected %s", opt, v, form);
	memcpy(num, v, (size_t)(at - v));
	num[at - v] = '\0';
	*rest = at + 1;
	return sim_parse_num(opt, num, max);
}

/* Parses the options; returns the index of COMMAND in argv. */
static int parse_args(struct sim_runner *r, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *o = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = true;

		if (strcmp(o, "--") == 0)
			return i + 1;
		if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
			usage(stdout);
			exit(0);
		}
		if (strcmp(o, "--list-chips") == 0) {
			list_chips();
			exit(0);
		}
		if (strcmp(o, "--immediate") == 0) {
			cur_cfg(r)->faults.immediate = true;
			takes = false;
		} else if (strcmp(o, "--vanish-on-leave") == 0) {
			cur_cfg(r)->faults.vanish_on_leave_getstatus = true;
			takes = false;
		} else if (strcmp(o, "--read-protected") == 0) {
			cur_cfg(r)->faults.read_protected = true;
			takes = false;
		} else if (strcmp(o, "--no-access") == 0) {
			cur_cfg(r)->no_access = true;
			takes = false;
		} else if (strcmp(o, "--serial-8bit") == 0) {
			cur_cfg(r)->faults.serial_8bit = true;
			takes = false;
		} else if (strcmp(o, "--strict-timing") == 0) {
			cur_cfg(r)->faults.strict_timing = true;
			takes = false;
		} else if (strcmp(o, "--stuck-busy-high") == 0) {
			cur_cfg(r)->faults.stuck_busy_high = true;
			takes = false;
		} else if (strcmp(o, "--stall-data-written") == 0) {
			cur_cfg(r)->faults.stall_data_written = true;
			takes = false;
		} else if (strcmp(o, "--stall-data-partial") == 0) {
			cur_cfg(r)->faults.stall_data_partial = true;
			takes = false;
		} else if (strcmp(o, "--stall-data-repeat") == 0) {
			cur_cfg(r)->faults.stall_data_repeat = true;
			takes = false;
		} else if (strcmp(o, "--leave-stall-reset") == 0) {
			cur_cfg(r)->faults.leave_stall_reset = true;
			takes = false;
		} else if (strcmp(o, "--leave-status-stall") == 0) {
			cur_cfg(r)->faults.leave_status_stall = true;
			takes = false;
		} else if (strcmp(o, "--unprotect-hang") == 0) {
			cur_cfg(r)->faults.unprotect_hang = true;
			takes = false;
		} else if (strcmp(o, "--leave-manifest-status") == 0) {
			cur_cfg(r)->faults.leave_manifest_status = true;
			takes = false;
		} else if (strcmp(o, "--dfu10-descriptor") == 0) {
			cur_cfg(r)->faults.func_dfu10 = true;
			takes = false;
		} else if (strcmp(o, "--stall-early") == 0) {
			cur_cfg(r)->faults.stall_early = true;
			takes = false;
		} else if (strcmp(o, "--fail-acted") == 0) {
			cur_cfg(r)->faults.fail_acted = true;
			takes = false;
		} else if (v == NULL) {
			sim_die_setup("%s: unknown option or missing value", o);
		} else if (strcmp(o, "--device") == 0) {
			cfg_new(r, v);
		} else if (strcmp(o, "--serial") == 0) {
			cur_cfg(r)->serial = v;
		} else if (strcmp(o, "--dfu-serial") == 0) {
			cur_cfg(r)->dfu_serial = v;
		} else if (strcmp(o, "--busnum") == 0) {
			cur_cfg(r)->busnum = (unsigned)sim_parse_num(o, v, 255);
		} else if (strcmp(o, "--devnum") == 0) {
			cur_cfg(r)->devnum = (unsigned)sim_parse_num(o, v, 127);
		} else if (strcmp(o, "--port-path") == 0) {
			if (strchr(v, '/') != NULL || strchr(v, ':') != NULL || *v == '\0')
				sim_die_setup("--port-path %s: no '/' or ':' allowed", v);
			cur_cfg(r)->port = v;
		} else if (strcmp(o, "--load") == 0) {
			g_ptr_array_add(cur_cfg(r)->loads, (gpointer)v);
		} else if (strcmp(o, "--appear-after") == 0) {
			cur_cfg(r)->appear_after_ms = (unsigned)sim_parse_num(o, v, 600000);
		} else if (strcmp(o, "--reenumerate-after") == 0) {
			cur_cfg(r)->reenumerate_after_ms = (int)sim_parse_num(o, v, 600000);
		} else if (strcmp(o, "--stall-busy") == 0) {
			cur_cfg(r)->faults.stall_busy_getstatus =
				(unsigned)sim_parse_num(o, v, 1000);
		} else if (strcmp(o, "--disconnect-after") == 0) {
			cur_cfg(r)->faults.disconnect_after =
				(unsigned)sim_parse_num(o, v, 1000000);
		} else if (strcmp(o, "--stall-data-block") == 0) {
			cur_cfg(r)->faults.stall_data_block =
				(unsigned)sim_parse_num(o, v, 1000000);
		} else if (strcmp(o, "--flash-word") == 0) {
			cur_cfg(r)->faults.flash_word = (unsigned)sim_parse_num(o, v, 256);
		} else if (strcmp(o, "--busy-repeat") == 0) {
			cur_cfg(r)->faults.busy_repeat = (unsigned)sim_parse_num(o, v, 100000);
		} else if (strcmp(o, "--fail-at") == 0) {
			cur_cfg(r)->faults.fail_at = (unsigned)sim_parse_num(o, v, 1000000);
		} else if (strcmp(o, "--busy-same") == 0) {
			const char *poll;

			cur_cfg(r)->faults.busy_same_ms =
				(unsigned)parse_before(o, v, ':', 600000, "WORK_MS:POLL_MS", &poll);
			cur_cfg(r)->faults.busy_same_poll_ms =
				(unsigned)sim_parse_num(o, poll, 600000);
		} else if (strcmp(o, "--leave-manifest") == 0) {
			cur_cfg(r)->faults.leave_manifest_ms =
				(unsigned)sim_parse_num(o, v, 600000);
		} else if (strcmp(o, "--alt-name") == 0) {
			/* alt N's iInterface string, its memory unchanged */
			const char *name;
			unsigned long n =
				parse_before(o, v, '=', SIM_MAX_ALTS - 1, "N=STRING", &name);

			cur_cfg(r)->faults.alt_name[n] = name;
		} else if (strcmp(o, "--fail-kind") == 0) {
			cur_cfg(r)->faults.fail_kind = parse_fail_kind(v);
		} else if (strcmp(o, "--time-scale") == 0) {
			char *end;
			double x;

			errno = 0;
			x = strtod(v, &end);
			if (errno != 0 || *end != '\0' || !(x >= 0.0 && x <= 1000.0))
				sim_die_setup("--time-scale %s: expected 0..1000", v);
			cur_cfg(r)->time_scale = x;
			cur_cfg(r)->have_time_scale = true;
		} else if (strcmp(o, "--dump") == 0) {
			r->dump_dir = v;
		} else if (strcmp(o, "--log") == 0) {
			r->log_path = v;
		} else if (strcmp(o, "--stats") == 0) {
			r->stats_path = v;
		} else {
			sim_die_setup("%s: unknown option", o);
		}
		if (takes)
			i++;
	}
	usage(stderr);
	exit(SIM_EXIT_SETUP);
}

int main(int argc, char **argv)
{
	struct sim_runner r = { .next_devnum = 2 };
	char **cmd, **env;
	GError *err = NULL;
	int first, ret;
	double elapsed_ms;

	r.cfgs = g_ptr_array_new();
	r.devs = g_ptr_array_new();
	r.defaults.busnum = 1;
	r.defaults.reenumerate_after_ms = -1;
	r.defaults.loads = g_ptr_array_new();
	first = parse_args(&r, argc, argv);
	if (first >= argc)
		sim_die_setup("no COMMAND after --");
	reexec_under_preload(argv);
	unsetenv(SIM_REEXEC_ENV);
	if (r.cfgs->len == 0)
		cfg_new(&r, "f4");
	g_mutex_init(&r.lock);

	if (r.log_path != NULL) {
		r.logfile = fopen(r.log_path, "w");
		if (r.logfile == NULL)
			sim_die_setup("%s: %s", r.log_path, g_strerror(errno));
		r.log_prefix = r.cfgs->len > 1;
	}
	r.tb = umockdev_testbed_new();
	r.root_dir = umockdev_testbed_get_root_dir(r.tb);
	/*
	 * Open to everyone, sticky like /tmp: --no-access tests run their client
	 * as another user, whose umockdev preload creates its uevent socket here.
	 */
	if (chmod(r.root_dir, 01777) != 0)
		sim_die_setup("chmod %s: %s", r.root_dir, g_strerror(errno));
	r.loop = g_main_loop_new(NULL, FALSE);

	for (unsigned i = 0; i < r.cfgs->len; i++) {
		const struct sim_cfg *c = g_ptr_array_index(r.cfgs, i);
		struct sim_dev *d = sim_dev_new(&r, c, c->chip, c->serial, c->devnum);

		sim_dev_load_images(d);
		if (c->appear_after_ms == 0)
			sim_dev_plug(d);
	}

	env = g_get_environ();
	env = g_environ_setenv(env, "UMOCKDEV_DIR", r.root_dir, TRUE);
	cmd = argv + first;
	r.start_us = g_get_monotonic_time();
	if (!g_spawn_async(NULL, cmd, env,
			   G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
				   G_SPAWN_CHILD_INHERITS_STDIN,
			   NULL, NULL, &r.child, &err))
		sim_die_setup("cannot run %s: %s", cmd[0], err->message);
	g_strfreev(env);
	g_child_watch_add(r.child, on_child, &r);
	g_unix_signal_add(SIGINT, on_signal, &r);
	g_unix_signal_add(SIGTERM, on_signal, &r);
	for (unsigned i = 0; i < r.devs->len; i++) {
		struct sim_dev *d = g_ptr_array_index(r.devs, i);

		if (d->cfg->appear_after_ms != 0)
			g_timeout_add(d->cfg->appear_after_ms, sim_dev_plug_cb, d);
	}
	g_main_loop_run(r.loop);
	elapsed_ms = (double)(g_get_monotonic_time() - r.start_us) / 1000.0;
	/* The command has ended: let every worker finish its last ioctl. */
	g_mutex_lock(&r.lock);
	r.closing = true;
	g_mutex_unlock(&r.lock);
	for (unsigned i = 0; i < r.devs->len; i++) {
		struct sim_dev *d = g_ptr_array_index(r.devs, i);

		g_thread_pool_free(d->worker, FALSE, TRUE);
		d->worker = NULL;
	}

	g_mutex_lock(&r.lock);
	if (r.dump_dir != NULL)
		sim_write_dumps(&r);
	if (r.stats_path != NULL)
		sim_write_stats(&r, elapsed_ms);
	g_mutex_unlock(&r.lock);

	/* The testbed goes first: it owns the sockets the handlers listen on. */
	g_clear_object(&r.tb);
	for (unsigned i = 0; i < r.devs->len; i++) {
		struct sim_dev *d = g_ptr_array_index(r.devs, i);

		sim_dev_free(d);
	}
	if (r.logfile != NULL)
		fclose(r.logfile);
	g_free(r.root_dir);
	g_main_loop_unref(r.loop);
	for (unsigned i = 0; i < r.cfgs->len; i++) {
		struct sim_cfg *c = g_ptr_array_index(r.cfgs, i);

		g_ptr_array_unref(c->loads);
		g_free(c->port_alloc);
		g_free(c);
	}
	g_ptr_array_unref(r.cfgs);
	g_ptr_array_unref(r.defaults.loads);
	g_ptr_array_unref(r.devs);
	g_mutex_clear(&r.lock);

	if (WIFEXITED(r.child_status))
		ret = WEXITSTATUS(r.child_status);
	else if (WIFSIGNALED(r.child_status))
		ret = 128 + WTERMSIG(r.child_status);
	else
		ret = SIM_EXIT_SETUP;
	return ret;
}
