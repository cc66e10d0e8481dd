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
#include "sim_faults.h"

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
	/*
	 * Where configure found it; when it did not, or the installed program
	 * runs on a system that keeps it elsewhere, the dynamic loader searches
	 * its own path for the name.
	 */
	if (*SIM_PRELOAD_LIB_DEFAULT != '\0' && access(SIM_PRELOAD_LIB_DEFAULT, R_OK) == 0)
		return SIM_PRELOAD_LIB_DEFAULT;
	return "libumockdev-preload.so.0";
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
	      "       dfuse-sim --replay TRACE [OPTIONS] -- COMMAND [ARGS...]\n"
	      "       dfuse-sim --list-profiles\n"
	      "Runs COMMAND with simulated DFU/DfuSe USB devices plugged in (umockdev).\n"
	      "Per device (--profile starts a new one, default one f4; the options\n"
	      "given before the first --profile apply to every device):\n"
	      "  --profile NAME|FILE.json  --serial S  --dfu-serial S  --busnum N  --devnum N\n"
	      "  --port-path P  --load FILE@ADDR  --appear-after MS  --reenumerate-after MS\n"
	      "  --no-access  --time-scale X  --alt-name N=STRING  --fault SPEC\n"
	      "Faults (SPEC: NAME[=VALUE] or fail@N[:KIND][:acted], comma-separated;\n"
	      "each NAME is also an option --NAME [VALUE]):\n",
	      f);
	sim_faults_usage(f);
	fputs("Global: --dump DIR  --log FILE  --stats FILE  --replay TRACE\n"
	      "Exit status: COMMAND's (128+N if killed by signal N); 125 if dfuse-sim failed.\n",
	      f);
}

/* A device of @spec (a profile name or file) that starts from what the options before any
 * --profile said. */
static struct sim_cfg *cfg_new(struct sim_runner *r, const char *spec)
{
	struct sim_cfg *c = g_new0(struct sim_cfg, 1);

	*c = r->defaults;
	c->loads = g_ptr_array_copy(r->defaults.loads, NULL, NULL);
	c->chip = sim_profile_open(r, spec, c);
	c->port_alloc = g_strdup_printf("%u-%u", c->busnum, r->cfgs->len + 1);
	if (c->port == NULL)
		c->port = c->port_alloc;
	g_ptr_array_add(r->cfgs, c);
	return c;
}

/* Where a per-device option goes: the latest --profile, or the defaults before any. */
static struct sim_cfg *cur_cfg(struct sim_runner *r)
{
	if (r->cfgs->len == 0)
		return &r->defaults;
	return g_ptr_array_index(r->cfgs, r->cfgs->len - 1);
}

/* --NAME [VALUE] for a fault of the table; returns the arguments it took (0: not a fault). */
static int fault_option(struct sim_runner *r, const char *o, const char *v)
{
	const struct sim_fault_row *row;
	char err[160];

	if (strncmp(o, "--", 2) != 0)
		return 0;
	row = sim_fault_find(o + 2, strlen(o + 2));
	if (row == NULL)
		return 0;
	if (row->arg != SIM_FAULT_FLAG && v == NULL)
		sim_die_setup("%s: missing value", o);
	if (!sim_fault_set(row, row->arg == SIM_FAULT_FLAG ? NULL : v, &cur_cfg(r)->faults, err,
			   sizeof(err)))
		sim_die_setup("--%s", err);
	return row->arg == SIM_FAULT_FLAG ? 1 : 2;
}

/* The options of one device that take a value; false if @o is none of them. */
static bool device_option(struct sim_runner *r, const char *o, const char *v)
{
	struct sim_cfg *c = cur_cfg(r);
	char err[160];

	if (strcmp(o, "--profile") == 0 || strcmp(o, "--device") == 0) {
		cfg_new(r, v);
	} else if (strcmp(o, "--serial") == 0) {
		c->serial = v;
	} else if (strcmp(o, "--dfu-serial") == 0) {
		c->dfu_serial = v;
	} else if (strcmp(o, "--busnum") == 0) {
		c->busnum = (unsigned)sim_parse_num(o, v, 255);
	} else if (strcmp(o, "--devnum") == 0) {
		c->devnum = (unsigned)sim_parse_num(o, v, 127);
	} else if (strcmp(o, "--port-path") == 0) {
		if (strchr(v, '/') != NULL || strchr(v, ':') != NULL || *v == '\0')
			sim_die_setup("--port-path %s: no '/' or ':' allowed", v);
		c->port = v;
	} else if (strcmp(o, "--load") == 0) {
		g_ptr_array_add(c->loads, (gpointer)v);
	} else if (strcmp(o, "--appear-after") == 0) {
		c->appear_after_ms = (unsigned)sim_parse_num(o, v, 600000);
	} else if (strcmp(o, "--reenumerate-after") == 0) {
		c->reenumerate_after_ms = (int)sim_parse_num(o, v, 600000);
	} else if (strcmp(o, "--alt-name") == 0) {
		/* N=STRING: alt N's iInterface string, its memory unchanged */
		const char *eq = strchr(v, '=');
		char num[8];

		if (eq == NULL || eq == v || (size_t)(eq - v) >= sizeof(num))
			sim_die_setup("--alt-name %s: expected N=STRING", v);
		memcpy(num, v, (size_t)(eq - v));
		num[eq - v] = '\0';
		c->faults.alt_name[sim_parse_num(o, num, SIM_MAX_ALTS - 1)] = eq + 1;
	} else if (strcmp(o, "--fault") == 0) {
		if (!sim_faults_parse(v, &c->faults, err, sizeof(err)))
			sim_die_setup("--fault %s: %s", v, err);
	} else if (strcmp(o, "--time-scale") == 0) {
		char *end;
		double x;

		errno = 0;
		x = strtod(v, &end);
		if (errno != 0 || *end != '\0' || !(x >= 0.0 && x <= 1000.0))
			sim_die_setup("--time-scale %s: expected 0..1000", v);
		c->time_scale = x;
		c->have_time_scale = true;
	} else {
		return false;
	}
	return true;
}

/* Parses the options; returns the index of COMMAND in argv. */
static int parse_args(struct sim_runner *r, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int took;

		if (strcmp(o, "--") == 0)
			return i + 1;
		if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
			usage(stdout);
			exit(0);
		}
		if (strcmp(o, "--list-profiles") == 0 || strcmp(o, "--list-chips") == 0) {
			sim_list_profiles(stdout);
			exit(0);
		}
		if (strcmp(o, "--no-access") == 0) {
			cur_cfg(r)->no_access = true;
			continue;
		}
		took = fault_option(r, o, v);
		if (took > 0) {
			i += took - 1;
			continue;
		}
		if (v == NULL)
			sim_die_setup("%s: unknown option or missing value", o);
		if (strcmp(o, "--dump") == 0)
			r->dump_dir = v;
		else if (strcmp(o, "--log") == 0)
			r->log_path = v;
		else if (strcmp(o, "--stats") == 0)
			r->stats_path = v;
		else if (strcmp(o, "--replay") == 0)
			r->replay_path = v;
		else if (!device_option(r, o, v))
			sim_die_setup("%s: unknown option", o);
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
	r.profiles = g_ptr_array_new();
	r.owned = g_ptr_array_new_with_free_func(g_free);
	r.devs = g_ptr_array_new();
	r.defaults.busnum = 1;
	r.defaults.reenumerate_after_ms = -1;
	r.defaults.loads = g_ptr_array_new();
	first = parse_args(&r, argc, argv);
	if (first >= argc)
		sim_die_setup("no COMMAND after --");
	reexec_under_preload(argv);
	unsetenv(SIM_REEXEC_ENV);
	if (r.replay_path != NULL)
		sim_replay_load(&r, r.replay_path);
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
	sim_replay_check_end(&r);
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
	sim_profiles_free(&r);
	sim_replay_free(&r);
	g_ptr_array_unref(r.defaults.loads);
	g_ptr_array_unref(r.devs);
	g_mutex_clear(&r.lock);

	if (WIFEXITED(r.child_status))
		ret = WEXITSTATUS(r.child_status);
	else if (WIFSIGNALED(r.child_status))
		ret = 128 + WTERMSIG(r.child_status);
	else
		ret = SIM_EXIT_SETUP;
	/* A replay that went otherwise than its trace is dfuse-sim's failure to report. */
	return r.replay_failed ? SIM_EXIT_SETUP : ret;
}
