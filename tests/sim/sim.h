// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the files of dfuse-sim share: the configuration of each device, the
 * runner, each simulated device and its appearances on the bus and pending
 * URBs, and the functions one file lends another.
 */
#ifndef DFUSE_SIM_RUNNER_H
#define DFUSE_SIM_RUNNER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>
#include <umockdev.h>

#include "model.h"

/* Exit status when the runner itself fails (bad option, testbed trouble). */
#define SIM_EXIT_SETUP 125

/* What the command line said about one device. */
struct sim_cfg {
	const struct sim_chip *chip;
	const char *serial;
	const char *dfu_serial;
	const char *port;
	char *port_alloc;	 /* the default port path, owned */
	unsigned busnum, devnum; /* devnum 0: automatic */
	GPtrArray *loads;	 /* "FILE@ADDR" */
	unsigned appear_after_ms;
	int reenumerate_after_ms; /* < 0: default */
	struct sim_faults faults;
	bool no_access; /* the device node is mode 0000 (a client that is not root cannot open it) */
	double time_scale;
	bool have_time_scale;
	const struct sim_trace_dev *replay; /* --replay: the traced device this one plays */
};

/* One control URB between SUBMITURB and its reap. */
struct sim_urb {
	UMockdevIoctlData *urb; /* the client's struct usbdevfs_urb */
	UMockdevIoctlData *buf; /* its buffer: setup packet, then data */
	bool done;
	uint64_t ready_at; /* monotonic us; valid while !done */
};

struct sim_runner;
struct sim_dev;

/*
 * One appearance of a device on the bus: its node, sysfs entries and ioctl
 * handler. A re-enumeration makes a new one; the old one stays attached,
 * answering ENODEV to the clients that still hold it open.
 */
struct sim_node {
	struct sim_dev *d;
	unsigned devnum;
	char devnode[32];
	char *syspath, *ifpath;
	UMockdevIoctlBase *handler;
	bool plugged, unplug_queued, gone, reenumerate;
	gint unplugged; /* atomic: off the bus now (set by the main loop) */
	GQueue urbs;	/* struct sim_urb *, in submit order */
};

/* One simulated device: a model and its appearances. */
struct sim_dev {
	struct sim_runner *r;
	const struct sim_cfg *cfg;
	struct sim_device *model;
	char *label; /* key for stats/dump: the serial, made unique */
	unsigned busnum;
	unsigned devnum_wanted; /* first appearance; 0: automatic */
	char *port;
	GPtrArray *nodes; /* struct sim_node *, the last one is current */
	FILE *log;
	GString *logline; /* partial line of the prefixed log stream */
	unsigned long nurbs;
	GMutex lock;	     /* the model and the nodes' URB queues and flags */
	GThreadPool *worker; /* one thread: this device's ioctls, in order */
	size_t replay_next;  /* --replay: the next record of cfg->replay */
};

struct sim_runner {
	UMockdevTestbed *tb;
	char *root_dir;
	GMutex lock; /* the device list, log setup and counters (each device has its own lock) */
	struct sim_cfg defaults; /* the per-device options given before any --device */
	GPtrArray *cfgs;
	GPtrArray *devs; /* struct sim_dev *, creation order */
	unsigned next_devnum;
	GMainLoop *loop;
	FILE *logfile;
	bool log_prefix;
	const char *dump_dir, *log_path, *stats_path;
	GPtrArray *profiles; /* struct sim_profile *, the files read */
	GPtrArray *owned;    /* strings the cfgs point to, freed at exit */
	const char *replay_path;
	struct sim_trace *trace; /* --replay's, read */
	bool replay_failed;	 /* a request differed from the trace */
	GPid child;
	int child_status;
	bool child_done;
	int64_t start_us;
	unsigned long ioctls, eagains;
	bool closing; /* the command ended: workers are being stopped */
};

static inline uint64_t now_us(void)
{
	return (uint64_t)g_get_monotonic_time();
}

/* ---- dfuse-sim.c: the command line ---- */

/* Prints "dfuse-sim: " and the message to stderr and exits with SIM_EXIT_SETUP. */
void sim_die_setup(const char *fmt, ...) G_GNUC_PRINTF(1, 2) G_GNUC_NORETURN;
/* Checked number from the command line: whole string, base 0, at most @max; dies otherwise. */
unsigned long sim_parse_num(const char *opt, const char *s, unsigned long max);

/* ---- sim_profiles.c: built-in and JSON profiles ---- */

/*
 * The chip of --profile @spec: a built-in name, or a JSON file whose faults
 * and preloaded files go into @c. Dies with one line naming the field when
 * the file is not a good profile.
 */
const struct sim_chip *sim_profile_open(struct sim_runner *r, const char *spec, struct sim_cfg *c);
/* Frees what sim_profile_open() kept (r->profiles, r->owned). */
void sim_profiles_free(struct sim_runner *r);
/* --list-profiles: every built-in chip, its IDs, layouts, timings and quirks. */
void sim_list_profiles(FILE *f);

/* ---- sim_replay.c: --replay TRACE ---- */

struct sim_trace;
struct sim_trace_dev;
/* Reads the trace and makes one device cfg per traced device; dies on a bad trace. */
void sim_replay_load(struct sim_runner *r, const char *path);
void sim_replay_free(struct sim_runner *r);
/*
 * A control request on a replayed device (@setup: the 8 setup bytes, @data
 * its wLength bytes). False: the model answers it (an untraced standard
 * request). True: *@res is the trace's answer (with SIM_OK, @data and
 * *@actual are set; with SIM_LATER, never answered: *@ready_at says so);
 * a request that differs is reported and the device vanishes (SIM_NODEV).
 */
bool sim_replay_control(struct sim_node *n, const uint8_t *setup, uint8_t *data, size_t *actual,
			uint64_t *ready_at, enum sim_result *res);
/* USBDEVFS_RESET on a replayed device: 0 or an errno, as the trace says. */
int sim_replay_reset(struct sim_node *n);
/* SETINTERFACE: an errno from the trace, or -1 when the model answers. */
int sim_replay_set_alt(struct sim_node *n, uint8_t intf, uint8_t alt);
/* After the command: reports each device whose trace has requests left. */
void sim_replay_check_end(struct sim_runner *r);

/* ---- sim_bus.c: devices and the testbed (main thread) ---- */

/*
 * A new device of @chip with @serial (NULL: the chip's) for @cfg, added to
 * @r's list; its first appearance gets @devnum (0: the next free one). Dies
 * when out of memory.
 */
struct sim_dev *sim_dev_new(struct sim_runner *r, const struct sim_cfg *cfg,
			    const struct sim_chip *chip, const char *serial, unsigned devnum);
/* Frees @d, its nodes and their URBs, its log stream and its model. */
void sim_dev_free(struct sim_dev *d);
/* Loads the cfg's --load FILE@ADDR images into the model; dies on a bad one. */
void sim_dev_load_images(struct sim_dev *d);
/* Puts the device on the bus as it is now (a re-enumeration changes PID and chip). */
void sim_dev_plug(struct sim_dev *d);
/* sim_dev_plug() as a GSourceFunc (@user: the struct sim_dev); runs once. */
gboolean sim_dev_plug_cb(gpointer user);
/*
 * Takes @n off the bus from the main loop, once; with @reenumerate the
 * device comes back after --reenumerate-after. Called with the device's lock
 * held, from its worker thread.
 */
void sim_node_queue_unplug(struct sim_node *n, bool reenumerate);

/* ---- sim_ioctl.c: the usbdevfs handler (one worker thread per device) ---- */

/* The "handle-ioctl" signal of a node's handler (@user: the struct sim_node). */
gboolean sim_ioctl_on_ioctl(UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer user);
/* The worker thread's function: answers one ioctl (@data: a job sim_ioctl_on_ioctl() queued). */
void sim_ioctl_work(gpointer data, gpointer user);
/* Frees one URB and drops its references to the client's memory. */
void sim_urb_free(struct sim_urb *u);

/* ---- sim_report.c: log, statistics and dumps ---- */

/* Opens @d's log stream into the shared log file (r->logfile) and hands it to the model. */
void sim_log_open(struct sim_dev *d);
/* Writes --stats: per device counters, keyed by label, then the runner's. Dies on I/O errors. */
void sim_write_stats(struct sim_runner *r, double elapsed_ms);
/* Writes --dump: each device's memory into DUMP/<label>/. Dies on I/O errors. */
void sim_write_dumps(struct sim_runner *r);

#endif
