// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dfuse-sim: runs a command against simulated DfuSe devices. Owns the umockdev
 * testbed (the sysfs shape of each USB device, hotplug add/remove), the
 * usbdevfs ioctl handler that feeds control URBs to the device model
 * (model.h), and the dump, log and statistics written when the command ends.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/usbdevice_fs.h>
#include <sys/ioctl.h> /* _IOR() and friends behind the USBDEVFS_* request numbers */

#include <glib.h>
#include <glib-unix.h>
#include <umockdev.h>

#include "model.h"

#ifndef SIM_PRELOAD_LIB_DEFAULT
#define SIM_PRELOAD_LIB_DEFAULT "libumockdev-preload.so.0"
#endif

/* Exit status when the runner itself fails (bad option, testbed trouble). */
#define SIM_EXIT_SETUP 125
/* Set in our own environment across the re-exec under the preload library. */
#define SIM_REEXEC_ENV "DFUSE_SIM_REEXEC"
/* Run-time devices re-appear this long after DETACH + reset unless told otherwise. */
#define SIM_REENUM_DEFAULT_MS 50
/*
 * Pause per fruitless REAPURBNDELAY: poll() on the mock node never blocks.
 * The client waits this long for its EAGAIN; the handler thread does not.
 */
#define SIM_EAGAIN_SLEEP_US 1000

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
	GQueue urbs; /* struct sim_urb *, in submit order */
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
	GPid child;
	int child_status;
	bool child_done;
	int64_t start_us;
	unsigned long ioctls, eagains;
	bool closing; /* the command ended: workers are being stopped */
};

static uint64_t now_us(void)
{
	return (uint64_t)g_get_monotonic_time();
}

static void die_setup(const char *fmt, ...) G_GNUC_PRINTF(1, 2) G_GNUC_NORETURN;

static void die_setup(const char *fmt, ...)
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
static unsigned long parse_num(const char *opt, const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	if (s == NULL || *s == '\0' || *s == '-')
		die_setup("%s: missing or negative number", opt);
	v = strtoul(s, &end, 0);
	if (errno != 0 || *end != '\0' || v > max)
		die_setup("%s: bad number '%s' (0..%lu)", opt, s, max);
	return v;
}

/* ---- the prefixed log: one cookie stream per device into the shared file ---- */

static void log_emit(const struct sim_dev *d, const char *line, size_t len)
{
	if (d->r->log_prefix)
		fprintf(d->r->logfile, "%s: %.*s\n", d->label, (int)len, line);
	else
		fprintf(d->r->logfile, "%.*s\n", (int)len, line);
}

/* The model's log lines, prefixed with the device when there are several. */
static ssize_t log_write(void *cookie, const char *buf, size_t len)
{
	struct sim_dev *d = cookie;
	const char *nl;
	size_t start = 0;

	g_string_append_len(d->logline, buf, (gssize)len);
	while ((nl = memchr(d->logline->str + start, '\n', d->logline->len - start)) != NULL) {
		log_emit(d, d->logline->str + start, (size_t)(nl - d->logline->str) - start);
		start = (size_t)(nl - d->logline->str) + 1;
	}
	g_string_erase(d->logline, 0, (gssize)start);
	fflush(d->r->logfile);
	return (ssize_t)len;
}

static int log_close(void *cookie)
{
	struct sim_dev *d = cookie;

	if (d->logline->len > 0)
		log_emit(d, d->logline->str, d->logline->len);
	g_string_free(d->logline, TRUE);
	d->logline = NULL;
	return 0;
}

/* ---- device instances ---- */

static char *unique_label(struct sim_runner *r, const char *serial)
{
	char *label = g_strdup(serial);
	unsigned n = 1;
	bool clash = true;

	while (clash) {
		clash = false;
		for (unsigned i = 0; i < r->devs->len; i++) {
			const struct sim_dev *o = g_ptr_array_index(r->devs, i);

			if (strcmp(o->label, label) == 0) {
				clash = true;
				break;
			}
		}
		if (clash) {
			g_free(label);
			label = g_strdup_printf("%s~%u", serial, ++n);
		}
	}
	return label;
}

static void ioctl_work(gpointer data, gpointer user);

static struct sim_dev *dev_new(struct sim_runner *r, const struct sim_cfg *cfg,
			       const struct sim_chip *chip, const char *serial, unsigned devnum)
{
	struct sim_dev *d = g_new0(struct sim_dev, 1);

	d->r = r;
	d->cfg = cfg;
	d->model = sim_device_new(chip, serial);
	if (d->model == NULL)
		die_setup("out of memory creating device %s", chip->name);
	d->label = unique_label(r, sim_device_serial(d->model));
	d->busnum = cfg->busnum;
	d->devnum_wanted = devnum;
	d->port = g_strdup(cfg->port);
	d->nodes = g_ptr_array_new();
	g_mutex_init(&d->lock);
	d->worker = g_thread_pool_new(ioctl_work, NULL, 1, FALSE, NULL);
	if (d->worker == NULL)
		die_setup("cannot start a worker thread for device %s", d->label);
	sim_device_set_faults(d->model, &cfg->faults);
	if (cfg->have_time_scale)
		sim_device_set_time_scale(d->model, cfg->time_scale);
	if (r->logfile != NULL) {
		cookie_io_functions_t io = { .write = log_write, .close = log_close };

		d->logline = g_string_new(NULL);
		d->log = fopencookie(d, "w", io);
		if (d->log == NULL)
			die_setup("cannot open log stream: %s", g_strerror(errno));
		setvbuf(d->log, NULL, _IOLBF, 0);
		sim_device_set_log(d->model, d->log);
	}
	g_ptr_array_add(r->devs, d);
	return d;
}

static void urb_free(struct sim_urb *u)
{
	g_clear_pointer(&u->buf, umockdev_ioctl_data_unref);
	g_clear_pointer(&u->urb, umockdev_ioctl_data_unref);
	g_free(u);
}

static void dev_free(struct sim_dev *d)
{
	for (unsigned i = 0; i < d->nodes->len; i++) {
		struct sim_node *n = g_ptr_array_index(d->nodes, i);
		struct sim_urb *u;

		while ((u = g_queue_pop_head(&n->urbs)) != NULL)
			urb_free(u);
		g_clear_object(&n->handler);
		g_free(n->syspath);
		g_free(n->ifpath);
		g_free(n);
	}
	g_ptr_array_unref(d->nodes);
	if (d->log != NULL) {
		sim_device_set_log(d->model, NULL);
		fclose(d->log);
	}
	sim_device_free(d->model);
	g_mutex_clear(&d->lock);
	g_free(d->label);
	g_free(d->port);
	g_free(d);
}

static void load_images(struct sim_dev *d)
{
	for (unsigned i = 0; i < d->cfg->loads->len; i++) {
		const char *spec = g_ptr_array_index(d->cfg->loads, i);
		const char *at = strrchr(spec, '@');
		char *path, *data;
		gsize len;
		GError *err = NULL;
		unsigned long addr;

		if (at == NULL || at == spec)
			die_setup("--load %s: expected FILE@ADDR", spec);
		addr = parse_num("--load", at + 1, UINT32_MAX);
		path = g_strndup(spec, (gsize)(at - spec));
		if (!g_file_get_contents(path, &data, &len, &err))
			die_setup("--load: %s", err->message);
		if (sim_device_load(d->model, (uint32_t)addr, (const uint8_t *)data, len) != 0)
			die_setup("--load %s: 0x%08lx+%zu is not device memory", path, addr,
				  (size_t)len);
		g_free(data);
		g_free(path);
	}
}

/* ---- the ioctl handler (runs on the device's worker thread; takes d->lock) ---- */

static void queue_unplug(struct sim_node *n, bool reenumerate);

/* After any request: a model that says "gone" leaves the bus soon. */
static void check_gone(struct sim_node *n)
{
	if (!n->gone && sim_device_gone(n->d->model)) {
		n->gone = true;
		queue_unplug(n, false);
	}
}

static int urb_status(enum sim_result res)
{
	switch (res) {
	case SIM_OK:
		return 0;
	case SIM_STALL:
		return -EPIPE;
	case SIM_NODEV:
		return -ESHUTDOWN;
	case SIM_LATER:
		return -EINPROGRESS;
	case SIM_IO:
		return -EPROTO;
	}
	return -EPROTO;
}

static void urb_finish(struct sim_urb *u, int status, int actual)
{
	umockdev_ioctl_data_update(u->urb, G_STRUCT_OFFSET(struct usbdevfs_urb, status),
				   (guint8 *)&status, sizeof(status));
	umockdev_ioctl_data_update(u->urb, G_STRUCT_OFFSET(struct usbdevfs_urb, actual_length),
				   (guint8 *)&actual, sizeof(actual));
	u->done = true;
}

/* Runs the control request of @u through the model; SIM_LATER: not answered yet. */
static enum sim_result urb_run(struct sim_node *n, struct sim_urb *u)
{
	const uint8_t *setup = u->buf->data;
	uint16_t wValue = (uint16_t)(setup[2] | setup[3] << 8);
	uint16_t wIndex = (uint16_t)(setup[4] | setup[5] << 8);
	uint16_t wLength = (uint16_t)(setup[6] | setup[7] << 8);
	uint8_t *data = g_malloc0((gsize)wLength + 1);
	size_t actual = 0;
	enum sim_result res;

	memcpy(data, setup + 8, wLength);
	res = sim_device_control(n->d->model, now_us(), setup[0], setup[1], wValue, wIndex, data,
				 wLength, &actual);
	if (res == SIM_LATER) {
		u->ready_at = sim_device_ready_at(n->d->model);
		g_free(data);
		return res;
	}
	if (res != SIM_OK || actual > wLength)
		actual = 0;
	else if ((setup[0] & 0x80) == 0)
		actual = wLength; /* an OUT data stage that was ACKed moved all of it */
	/* The model wrote into a copy: update() marks the client's buffer for write-back. */
	if ((setup[0] & 0x80) != 0 && actual > 0)
		umockdev_ioctl_data_update(u->buf, 8, data, (gint)actual);
	urb_finish(u, urb_status(res), (int)actual);
	n->d->nurbs++;
	g_free(data);
	check_gone(n);
	return res;
}

static int do_submit(struct sim_node *n, UMockdevIoctlData *arg)
{
	UMockdevIoctlData *urbd;
	struct usbdevfs_urb *urb;
	struct sim_urb *u;
	GError *err = NULL;
	uint16_t wLength;

	urbd = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), &err);
	if (urbd == NULL) {
		g_clear_error(&err);
		return EFAULT;
	}
	urb = (struct usbdevfs_urb *)(void *)urbd->data;
	/* A DFU device has endpoint 0 only. */
	if (urb->type != USBDEVFS_URB_TYPE_CONTROL || urb->buffer_length < 8) {
		umockdev_ioctl_data_unref(urbd);
		return EINVAL;
	}
	u = g_new0(struct sim_urb, 1);
	u->urb = urbd;
	u->buf = umockdev_ioctl_data_resolve(urbd, G_STRUCT_OFFSET(struct usbdevfs_urb, buffer),
					     (gsize)urb->buffer_length, &err);
	if (u->buf == NULL) {
		g_clear_error(&err);
		urb_free(u);
		return EFAULT;
	}
	wLength = (uint16_t)(u->buf->data[6] | u->buf->data[7] << 8);
	if ((size_t)wLength + 8 > (size_t)urb->buffer_length) {
		urb_free(u);
		return EINVAL;
	}
	if (urb_run(n, u) == SIM_NODEV) {
		/* The model vanished at this very request: the kernel refuses the submit. */
		urb_free(u);
		return ENODEV;
	}
	g_queue_push_tail(&n->urbs, u);
	return 0;
}

/* REAPURBNDELAY: hands back the oldest finished URB, or EAGAIN. */
static int do_reap(struct sim_node *n, UMockdevIoctlData *arg)
{
	struct sim_urb *u = g_queue_peek_head(&n->urbs);
	UMockdevIoctlData *ptr;
	GError *err = NULL;

	if (u == NULL)
		return n->gone ? ENODEV : EAGAIN;
	if (!u->done) {
		if (n->gone)
			urb_finish(u, -ESHUTDOWN, 0); /* killed by the disconnect */
		else if (now_us() < u->ready_at || urb_run(n, u) == SIM_LATER)
			return EAGAIN;
	}
	ptr = umockdev_ioctl_data_resolve(arg, 0, sizeof(void *), &err);
	if (ptr == NULL) {
		g_clear_error(&err);
		return EFAULT;
	}
	g_queue_pop_head(&n->urbs);
	umockdev_ioctl_data_set_ptr(ptr, 0, u->urb);
	umockdev_ioctl_data_unref(ptr);
	urb_free(u);
	return 0;
}

/* DISCARDURB: the argument is the client's URB address itself. */
static int do_discard(struct sim_node *n, UMockdevIoctlData *arg)
{
	gulong addr = *(gulong *)(void *)arg->data;

	for (GList *l = n->urbs.head; l != NULL; l = l->next) {
		struct sim_urb *u = l->data;

		if (u->urb->client_addr != addr)
			continue;
		if (u->done)
			return EINVAL;
		urb_finish(u, -ENOENT, 0);
		return 0;
	}
	return EINVAL;
}

static int do_setinterface(struct sim_node *n, UMockdevIoctlData *arg)
{
	struct usbdevfs_setinterface si;
	UMockdevIoctlData *sd;
	GError *err = NULL;
	enum sim_result res;

	sd = umockdev_ioctl_data_resolve(arg, 0, sizeof(si), &err);
	if (sd == NULL) {
		g_clear_error(&err);
		return EFAULT;
	}
	memcpy(&si, sd->data, sizeof(si));
	umockdev_ioctl_data_unref(sd);
	if (si.interface > 255 || si.altsetting > 255)
		return EINVAL;
	res = sim_device_set_alt(n->d->model, (uint8_t)si.interface, (uint8_t)si.altsetting);
	check_gone(n);
	return res == SIM_OK ? 0 : res == SIM_STALL ? EINVAL : ENODEV;
}

static int do_reset(struct sim_node *n)
{
	switch (sim_device_reset(n->d->model, now_us())) {
	case SIM_RESET_SAME:
		break;
	case SIM_RESET_REENUMERATE:
		/* The reset went through; the device drops off and comes back in DFU mode. */
		n->gone = true;
		queue_unplug(n, true);
		break;
	case SIM_RESET_GONE:
		n->gone = true;
		queue_unplug(n, false);
		break;
	case SIM_RESET_FAILED:
		check_gone(n);
		return EPROTO;
	}
	return 0;
}

static int write_arg(UMockdevIoctlData *arg, const void *v, size_t len)
{
	GError *err = NULL;
	UMockdevIoctlData *p = umockdev_ioctl_data_resolve(arg, 0, len, &err);

	if (p == NULL) {
		g_clear_error(&err);
		return EFAULT;
	}
	umockdev_ioctl_data_update(p, 0, (guint8 *)v, (gint)len);
	umockdev_ioctl_data_unref(p);
	return 0;
}

/* The usbdevfs requests libusb 1.0.26 makes for a device it opens and drives. */
static int handle(struct sim_node *n, unsigned long req, UMockdevIoctlData *arg, long *ret)
{
	switch (req) {
	case USBDEVFS_GET_CAPABILITIES: {
		uint32_t caps = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_BULK_CONTINUATION |
				USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
				USBDEVFS_CAP_REAP_AFTER_DISCONNECT;

		return write_arg(arg, &caps, sizeof(caps));
	}
	case USBDEVFS_GET_SPEED:
		*ret = 2; /* USB_SPEED_FULL, as the ROM bootloaders run */
		return 0;
	case USBDEVFS_CONNECTINFO: {
		struct usbdevfs_connectinfo ci = { .devnum = n->devnum, .slow = 0 };

		return write_arg(arg, &ci, sizeof(ci));
	}
	case USBDEVFS_CLAIMINTERFACE:
	case USBDEVFS_RELEASEINTERFACE:
	case USBDEVFS_DISCONNECT_CLAIM:
	case USBDEVFS_SETCONFIGURATION:
	case USBDEVFS_CLEAR_HALT:
	case USBDEVFS_RESETEP:
		return 0;
	case USBDEVFS_GETDRIVER:
		return ENODATA; /* no kernel driver bound */
	case USBDEVFS_SETINTERFACE:
		return do_setinterface(n, arg);
	case USBDEVFS_RESET:
		return do_reset(n);
	case USBDEVFS_SUBMITURB:
		return do_submit(n, arg);
	case USBDEVFS_REAPURBNDELAY:
	case USBDEVFS_REAPURB:
		return do_reap(n, arg);
	case USBDEVFS_DISCARDURB:
		return do_discard(n, arg);
	default:
		return ENOTTY;
	}
}

/* One ioctl handed from umockdev's thread to its device's worker. */
struct sim_job {
	struct sim_node *n;
	UMockdevIoctlClient *client;
};

/*
 * Runs on the device's own worker thread: answers one ioctl. Reading and
 * writing the client's memory are socket round trips to the client, so
 * each device has a worker of its own, and a device waiting (a held-back
 * reap) or being slow to answer never holds up another device's ioctls.
 */
static void ioctl_work(gpointer data, gpointer user)
{
	struct sim_job *j = data;
	struct sim_node *n = j->n;
	struct sim_dev *d = n->d;
	struct sim_runner *r = d->r;
	unsigned long req = umockdev_ioctl_client_get_request(j->client);
	long ret = 0;
	int err;
	bool slow;

	(void)user;
	g_mutex_lock(&d->lock);
	/* Once gone, the kernel answers ENODEV to all but reaping what completed. */
	if (n->gone && req != USBDEVFS_REAPURBNDELAY && req != USBDEVFS_REAPURB &&
	    req != USBDEVFS_DISCARDURB && req != USBDEVFS_RELEASEINTERFACE)
		err = ENODEV;
	else
		err = handle(n, req, umockdev_ioctl_client_get_arg(j->client), &ret);
	/*
	 * libusb reaps until EAGAIN after every URB, which costs nothing; only a
	 * held-back answer makes it spin on the never-blocking poll(), so only
	 * then slow it down.
	 */
	slow = err == EAGAIN && !g_queue_is_empty(&n->urbs);
	g_mutex_unlock(&d->lock);
	g_mutex_lock(&r->lock);
	r->ioctls++;
	if (slow)
		r->eagains++;
	g_mutex_unlock(&r->lock);
	if (slow)
		g_usleep(SIM_EAGAIN_SLEEP_US); /* this device's worker only */
	umockdev_ioctl_client_complete(j->client, err == 0 ? ret : -1, err);
	g_object_unref(j->client);
	g_free(j);
}

/* On umockdev's one thread for every device: hand the ioctl to its device's worker. */
static gboolean on_ioctl(UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer user)
{
	struct sim_node *n = user;
	struct sim_runner *r = n->d->r;
	struct sim_job *j;

	(void)handler;
	g_mutex_lock(&r->lock);
	if (r->closing) {
		/* The command has ended; a straggler of it gets what a vanished device gives. */
		g_mutex_unlock(&r->lock);
		umockdev_ioctl_client_complete(client, -1, ENODEV);
		return TRUE;
	}
	j = g_new(struct sim_job, 1);
	j->n = n;
	j->client = g_object_ref(client);
	g_thread_pool_push(n->d->worker, j, NULL);
	g_mutex_unlock(&r->lock);
	return TRUE;
}

/* ---- the testbed side: plug and unplug (main thread) ---- */

static void write_file(const char *path, const void *data, size_t len)
{
	GError *err = NULL;

	if (!g_file_set_contents(path, data, (gssize)len, &err))
		die_setup("%s", err->message);
}

static char *root_path(const struct sim_runner *r, const char *path)
{
	return g_build_filename(r->root_dir, path, NULL);
}

/* Puts the device on the bus as it is now (a re-enumeration changes PID and chip). */
static void dev_plug(struct sim_dev *d)
{
	struct sim_runner *r = d->r;
	const struct sim_chip *c = sim_device_chip(d->model);
	const char *serial = sim_device_serial(d->model);
	struct sim_node *n = g_new0(struct sim_node, 1);
	uint8_t desc[4096];
	size_t dlen = sim_device_descriptors(d->model, desc, sizeof(desc));
	char *sysdir, *path, *node, *s_bus, *s_dev, *s_vid, *s_pid, *s_bcd, *s_devpath, *s_mps;
	char *s_busp, *s_devp, *s_product, *s_iface, *s_proto, *ifname;
	const char *dash = strchr(d->port, '-');
	GError *err = NULL;

	if (dlen == 0 || dlen > sizeof(desc))
		die_setup("device %s: descriptors do not fit", d->label);
	n->d = d;
	g_queue_init(&n->urbs);
	n->devnum = d->nodes->len == 0 && d->devnum_wanted != 0 ? d->devnum_wanted : r->next_devnum;
	if (n->devnum >= r->next_devnum)
		r->next_devnum = n->devnum + 1;
	if (d->busnum > 255 || n->devnum > 127)
		die_setup("device %s: bus %u device %u out of range", d->label, d->busnum,
			  n->devnum);
	snprintf(n->devnode, sizeof(n->devnode), "/dev/bus/usb/%03u/%03u", d->busnum, n->devnum);

	n->handler = umockdev_ioctl_base_new();
	g_signal_connect(n->handler, "handle-ioctl", G_CALLBACK(on_ioctl), n);
	/* Before the node exists: a client opening it early must reach us (notes). */
	if (!umockdev_testbed_attach_ioctl(r->tb, n->devnode, n->handler, &err))
		die_setup("attach ioctl %s: %s", n->devnode, err->message);

	/*
	 * The binary descriptors and the node go in before the device is added:
	 * adding it announces it, and a hotplugging client reads them at once.
	 */
	path = g_build_filename("sys", "devices", d->port, NULL);
	sysdir = root_path(r, path);
	g_free(path);
	if (g_mkdir_with_parents(sysdir, 0755) != 0)
		die_setup("mkdir %s: %s", sysdir, g_strerror(errno));
	path = g_build_filename(sysdir, "descriptors", NULL);
	write_file(path, desc, dlen);
	g_free(path);
	g_free(sysdir);
	node = root_path(r, n->devnode);
	path = g_path_get_dirname(node);
	if (g_mkdir_with_parents(path, 0755) != 0)
		die_setup("mkdir %s: %s", path, g_strerror(errno));
	g_free(path);
	write_file(node, "", 0);
	/*
	 * Modes matter only to a client that is not root: a node anyone may open
	 * (as a udev rule makes it), or none with --no-access; the ioctl socket
	 * behind it (umockdev's ROOT/ioctl/DEVNODE) open to all.
	 */
	if (chmod(node, d->cfg->no_access ? 0 : 0666) != 0)
		die_setup("chmod %s: %s", node, g_strerror(errno));
	g_free(node);
	path = g_build_filename(r->root_dir, "ioctl", n->devnode, NULL);
	if (chmod(path, 0666) != 0 && errno != ENOENT)
		die_setup("chmod %s: %s", path, g_strerror(errno));
	g_free(path);

	s_bus = g_strdup_printf("%u", d->busnum);
	s_dev = g_strdup_printf("%u", n->devnum);
	s_busp = g_strdup_printf("%03u", d->busnum);
	s_devp = g_strdup_printf("%03u", n->devnum);
	s_vid = g_strdup_printf("%04x", c->idVendor);
	s_pid = g_strdup_printf("%04x", sim_device_idProduct(d->model));
	s_bcd = g_strdup_printf("%04x", c->bcdDevice);
	s_mps = g_strdup_printf("%u", c->bMaxPacketSize0);
	s_devpath = g_strdup(dash != NULL ? dash + 1 : d->port);
	s_product = g_strdup_printf("%x/%x/%x", c->idVendor, sim_device_idProduct(d->model),
				    c->bcdDevice);
	s_proto = g_strdup_printf("%02x", c->runtime ? 1 : 2);
	s_iface = g_strdup_printf("254/1/%u", c->runtime ? 1 : 2);
	ifname = g_strdup_printf("%s:1.0", d->port);

	n->syspath =
		umockdev_testbed_add_device(r->tb, "usb", d->port, NULL,
					    /* attributes */
					    "busnum", s_bus, "devnum", s_dev, "devpath", s_devpath,
					    "idVendor", s_vid, "idProduct", s_pid, "bcdDevice",
					    s_bcd, "manufacturer", c->manufacturer, "product",
					    c->product, "serial", serial, "speed", "12", "version",
					    " 2.00", "bDeviceClass", "00", "bDeviceSubClass", "00",
					    "bDeviceProtocol", "00", "bMaxPacketSize0", s_mps,
					    "bConfigurationValue", "1", "bNumConfigurations", "1",
					    "bNumInterfaces", " 1", "bmAttributes", "c0",
					    "maxchild", "0", NULL,
					    /* properties */
					    "DEVNAME", n->devnode, "SUBSYSTEM", "usb", "DEVTYPE",
					    "usb_device", "DRIVER", "usb", "BUSNUM", s_busp,
					    "DEVNUM", s_devp, "PRODUCT", s_product, "TYPE", "0/0/0",
					    "ID_VENDOR_ID", s_vid, "ID_MODEL_ID", s_pid,
					    "ID_SERIAL_SHORT", serial, NULL);
	if (n->syspath == NULL)
		die_setup("cannot add device %s", d->port);
	n->ifpath = umockdev_testbed_add_device(r->tb, "usb", ifname, n->syspath,
						/* attributes */
						"bInterfaceNumber", "00", "bAlternateSetting", " 0",
						"bNumEndpoints", "00", "bInterfaceClass", "fe",
						"bInterfaceSubClass", "01", "bInterfaceProtocol",
						s_proto, NULL,
						/* properties */
						"SUBSYSTEM", "usb", "DEVTYPE", "usb_interface",
						"PRODUCT", s_product, "TYPE", "0/0/0", "INTERFACE",
						s_iface, NULL);
	if (n->ifpath == NULL)
		die_setup("cannot add interface %s", ifname);

	g_free(s_bus);
	g_free(s_dev);
	g_free(s_busp);
	g_free(s_devp);
	g_free(s_vid);
	g_free(s_pid);
	g_free(s_bcd);
	g_free(s_mps);
	g_free(s_devpath);
	g_free(s_product);
	g_free(s_proto);
	g_free(s_iface);
	g_free(ifname);
	g_mutex_lock(&r->lock);
	n->plugged = true;
	g_ptr_array_add(d->nodes, n);
	g_mutex_unlock(&r->lock);
}

static gboolean plug_cb(gpointer user)
{
	dev_plug(user);
	return G_SOURCE_REMOVE;
}

/* Removes the /sys/bus/usb/devices and /sys/class/usb links of a device. */
static void hide_links(const struct sim_runner *r, const char *syspath)
{
	char *base = g_path_get_basename(syspath);
	char *bus = g_build_filename(r->root_dir, "sys", "bus", "usb", "devices", base, NULL);
	char *cls = g_build_filename(r->root_dir, "sys", "class", "usb", base, NULL);

	unlink(bus);
	unlink(cls);
	g_free(cls);
	g_free(bus);
	g_free(base);
}

/* Takes the device off the testbed; the ioctl handler stays (notes). */
static void node_unplug(struct sim_node *n)
{
	struct sim_runner *r = n->d->r;
	char *node;

	/*
	 * Off the bus at once: enumeration walks the bus and class links, and
	 * umockdev_testbed_remove_device() can take tens of milliseconds, long
	 * enough for a client started right after a leave to find a dead device.
	 */
	hide_links(r, n->syspath);
	hide_links(r, n->ifpath);
	/* 0.17.16 sends no remove uevent and trips over a leftover interface (notes). */
	umockdev_testbed_uevent(r->tb, n->syspath, "remove");
	umockdev_testbed_remove_device(r->tb, n->ifpath);
	umockdev_testbed_remove_device(r->tb, n->syspath);
	node = root_path(r, n->devnode);
	unlink(node);
	g_free(node);
	n->plugged = false;
}

/*
 * A new device for a run-time device that re-enumerates with --dfu-serial:
 * the model keeps its serial, so the DFU-mode device is a fresh model of the
 * chip it became, with the same images loaded.
 */
static struct sim_dev *dev_respawn(struct sim_dev *d)
{
	struct sim_runner *r = d->r;
	struct sim_dev *nd;

	g_mutex_lock(&r->lock);
	nd = dev_new(r, d->cfg, sim_device_chip(d->model), d->cfg->dfu_serial, 0);
	g_mutex_unlock(&r->lock);
	load_images(nd);
	return nd;
}

static gboolean unplug_cb(gpointer user)
{
	struct sim_node *n = user;
	struct sim_dev *d = n->d;
	int ms;

	node_unplug(n);
	if (!n->reenumerate)
		return G_SOURCE_REMOVE;
	ms = d->cfg->reenumerate_after_ms >= 0 ? d->cfg->reenumerate_after_ms
					       : SIM_REENUM_DEFAULT_MS;
	if (d->cfg->dfu_serial != NULL)
		d = dev_respawn(d);
	g_timeout_add((guint)ms, plug_cb, d);
	return G_SOURCE_REMOVE;
}

/* Called with the device's lock held, from its worker thread. */
static void queue_unplug(struct sim_node *n, bool reenumerate)
{
	if (n->unplug_queued)
		return;
	n->unplug_queued = true;
	n->reenumerate = reenumerate;
	g_idle_add(unplug_cb, n);
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
	die_setup("re-exec under %s: %s", lib, g_strerror(errno));
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
	      "  --fail-at N  --fail-kind nodev|stall|timeout|io  --fail-acted\n"
	      "Global: --dump DIR  --log FILE  --stats FILE\n"
	      "Exit status: COMMAND's (128+N if killed by signal N); 125 if dfuse-sim failed.\n",
	      f);
}

static void list_chips(void)
{
	for (const struct sim_chip *c = sim_chips; c->name != NULL; c++)
		printf("%-10s %04x:%04x  %s\n", c->name, c->idVendor, c->idProduct, c->description);
}

/* A device of @chip_name that starts from what the options before any --device said. */
static struct sim_cfg *cfg_new(struct sim_runner *r, const char *chip_name)
{
	struct sim_cfg *c = g_new0(struct sim_cfg, 1);

	*c = r->defaults;
	c->chip = sim_chip_find(chip_name);
	if (c->chip == NULL)
		die_setup("unknown chip '%s' (see --list-chips)", chip_name);
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
	die_setup("--fail-kind %s: expected nodev, stall, timeout or io", v);
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
		} else if (strcmp(o, "--fail-acted") == 0) {
			cur_cfg(r)->faults.fail_acted = true;
			takes = false;
		} else if (v == NULL) {
			die_setup("%s: unknown option or missing value", o);
		} else if (strcmp(o, "--device") == 0) {
			cfg_new(r, v);
		} else if (strcmp(o, "--serial") == 0) {
			cur_cfg(r)->serial = v;
		} else if (strcmp(o, "--dfu-serial") == 0) {
			cur_cfg(r)->dfu_serial = v;
		} else if (strcmp(o, "--busnum") == 0) {
			cur_cfg(r)->busnum = (unsigned)parse_num(o, v, 255);
		} else if (strcmp(o, "--devnum") == 0) {
			cur_cfg(r)->devnum = (unsigned)parse_num(o, v, 127);
		} else if (strcmp(o, "--port-path") == 0) {
			if (strchr(v, '/') != NULL || strchr(v, ':') != NULL || *v == '\0')
				die_setup("--port-path %s: no '/' or ':' allowed", v);
			cur_cfg(r)->port = v;
		} else if (strcmp(o, "--load") == 0) {
			g_ptr_array_add(cur_cfg(r)->loads, (gpointer)v);
		} else if (strcmp(o, "--appear-after") == 0) {
			cur_cfg(r)->appear_after_ms = (unsigned)parse_num(o, v, 600000);
		} else if (strcmp(o, "--reenumerate-after") == 0) {
			cur_cfg(r)->reenumerate_after_ms = (int)parse_num(o, v, 600000);
		} else if (strcmp(o, "--stall-busy") == 0) {
			cur_cfg(r)->faults.stall_busy_getstatus = (unsigned)parse_num(o, v, 1000);
		} else if (strcmp(o, "--disconnect-after") == 0) {
			cur_cfg(r)->faults.disconnect_after = (unsigned)parse_num(o, v, 1000000);
		} else if (strcmp(o, "--stall-data-block") == 0) {
			cur_cfg(r)->faults.stall_data_block = (unsigned)parse_num(o, v, 1000000);
		} else if (strcmp(o, "--flash-word") == 0) {
			cur_cfg(r)->faults.flash_word = (unsigned)parse_num(o, v, 256);
		} else if (strcmp(o, "--busy-repeat") == 0) {
			cur_cfg(r)->faults.busy_repeat = (unsigned)parse_num(o, v, 100000);
		} else if (strcmp(o, "--fail-at") == 0) {
			cur_cfg(r)->faults.fail_at = (unsigned)parse_num(o, v, 1000000);
		} else if (strcmp(o, "--fail-kind") == 0) {
			cur_cfg(r)->faults.fail_kind = parse_fail_kind(v);
		} else if (strcmp(o, "--time-scale") == 0) {
			char *end;
			double x;

			errno = 0;
			x = strtod(v, &end);
			if (errno != 0 || *end != '\0' || !(x >= 0.0 && x <= 1000.0))
				die_setup("--time-scale %s: expected 0..1000", v);
			cur_cfg(r)->time_scale = x;
			cur_cfg(r)->have_time_scale = true;
		} else if (strcmp(o, "--dump") == 0) {
			r->dump_dir = v;
		} else if (strcmp(o, "--log") == 0) {
			r->log_path = v;
		} else if (strcmp(o, "--stats") == 0) {
			r->stats_path = v;
		} else {
			die_setup("%s: unknown option", o);
		}
		if (takes)
			i++;
	}
	usage(stderr);
	exit(SIM_EXIT_SETUP);
}

static void write_stats(struct sim_runner *r, double elapsed_ms)
{
	FILE *f = fopen(r->stats_path, "w");

	if (f == NULL)
		die_setup("%s: %s", r->stats_path, g_strerror(errno));
	for (unsigned i = 0; i < r->devs->len; i++) {
		const struct sim_dev *d = g_ptr_array_index(r->devs, i);
		const char *l = d->label;
		struct sim_stats s;

		sim_device_stats(d->model, &s);
		fprintf(f, "%s.chip=%s\n", l, sim_device_chip(d->model)->name);
		fprintf(f, "%s.urbs=%lu\n", l, d->nurbs);
		fprintf(f, "%s.requests=%lu\n", l, s.requests);
		fprintf(f, "%s.dfu_requests=%lu\n", l, s.dfu_requests);
		fprintf(f, "%s.dnload=%lu\n", l, s.dnload);
		fprintf(f, "%s.upload=%lu\n", l, s.upload);
		fprintf(f, "%s.getstatus=%lu\n", l, s.getstatus);
		fprintf(f, "%s.clrstatus=%lu\n", l, s.clrstatus);
		fprintf(f, "%s.abort=%lu\n", l, s.abort);
		fprintf(f, "%s.getstate=%lu\n", l, s.getstate);
		fprintf(f, "%s.detach=%lu\n", l, s.detach);
		fprintf(f, "%s.set_address=%lu\n", l, s.set_address);
		fprintf(f, "%s.erase=%lu\n", l, s.erase);
		fprintf(f, "%s.mass_erase=%lu\n", l, s.mass_erase);
		fprintf(f, "%s.unprotect=%lu\n", l, s.unprotect);
		fprintf(f, "%s.leave=%lu\n", l, s.leave);
		fprintf(f, "%s.bytes_written=%lu\n", l, s.bytes_written);
		fprintf(f, "%s.bytes_read=%lu\n", l, s.bytes_read);
		fprintf(f, "%s.early_polls=%lu\n", l, s.early_polls);
		fprintf(f, "%s.unerased_writes=%lu\n", l, s.unerased_writes);
		fprintf(f, "%s.forbidden=%lu\n", l, s.forbidden);
		fprintf(f, "%s.erases_per_sector_max=%lu\n", l, s.erases_per_sector_max);
		fprintf(f, "%s.device_wait_us=%" PRIu64 "\n", l, s.device_wait_us);
	}
	fprintf(f, "ioctls=%lu\n", r->ioctls);
	fprintf(f, "eagain=%lu\n", r->eagains);
	fprintf(f, "elapsed_ms=%.0f\n", elapsed_ms);
	if (fclose(f) != 0)
		die_setup("%s: %s", r->stats_path, g_strerror(errno));
}

static void write_dumps(struct sim_runner *r)
{
	for (unsigned i = 0; i < r->devs->len; i++) {
		const struct sim_dev *d = g_ptr_array_index(r->devs, i);
		char *dir = g_build_filename(r->dump_dir, d->label, NULL);

		if (g_mkdir_with_parents(dir, 0755) != 0)
			die_setup("mkdir %s: %s", dir, g_strerror(errno));
		if (sim_device_dump(d->model, dir) != 0)
			die_setup("dump of %s into %s failed", d->label, dir);
		g_free(dir);
	}
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
		die_setup("no COMMAND after --");
	reexec_under_preload(argv);
	unsetenv(SIM_REEXEC_ENV);
	if (r.cfgs->len == 0)
		cfg_new(&r, "f4");
	g_mutex_init(&r.lock);

	if (r.log_path != NULL) {
		r.logfile = fopen(r.log_path, "w");
		if (r.logfile == NULL)
			die_setup("%s: %s", r.log_path, g_strerror(errno));
		r.log_prefix = r.cfgs->len > 1;
	}
	r.tb = umockdev_testbed_new();
	r.root_dir = umockdev_testbed_get_root_dir(r.tb);
	/*
	 * Open to everyone, sticky like /tmp: --no-access tests run their client
	 * as another user, whose umockdev preload creates its uevent socket here.
	 */
	if (chmod(r.root_dir, 01777) != 0)
		die_setup("chmod %s: %s", r.root_dir, g_strerror(errno));
	r.loop = g_main_loop_new(NULL, FALSE);

	for (unsigned i = 0; i < r.cfgs->len; i++) {
		const struct sim_cfg *c = g_ptr_array_index(r.cfgs, i);
		struct sim_dev *d = dev_new(&r, c, c->chip, c->serial, c->devnum);

		load_images(d);
		if (c->appear_after_ms == 0)
			dev_plug(d);
	}

	env = g_get_environ();
	env = g_environ_setenv(env, "UMOCKDEV_DIR", r.root_dir, TRUE);
	cmd = argv + first;
	r.start_us = g_get_monotonic_time();
	if (!g_spawn_async(NULL, cmd, env,
			   G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
				   G_SPAWN_CHILD_INHERITS_STDIN,
			   NULL, NULL, &r.child, &err))
		die_setup("cannot run %s: %s", cmd[0], err->message);
	g_strfreev(env);
	g_child_watch_add(r.child, on_child, &r);
	g_unix_signal_add(SIGINT, on_signal, &r);
	g_unix_signal_add(SIGTERM, on_signal, &r);
	for (unsigned i = 0; i < r.devs->len; i++) {
		struct sim_dev *d = g_ptr_array_index(r.devs, i);

		if (d->cfg->appear_after_ms != 0)
			g_timeout_add(d->cfg->appear_after_ms, plug_cb, d);
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
		write_dumps(&r);
	if (r.stats_path != NULL)
		write_stats(&r, elapsed_ms);
	g_mutex_unlock(&r.lock);

	/* The testbed goes first: it owns the sockets the handlers listen on. */
	g_clear_object(&r.tb);
	for (unsigned i = 0; i < r.devs->len; i++) {
		struct sim_dev *d = g_ptr_array_index(r.devs, i);

		dev_free(d);
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
