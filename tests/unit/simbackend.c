/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * struct dev_backend over simulated devices: scan() reads each device's
 * descriptors and strings with GET_DESCRIPTOR requests and parses them as a
 * host would; open() hands out the in-memory transport wrapped so that every
 * device shares one virtual clock and a reset kills the handle it came from.
 * Each open() makes a handle of its own; one mutex serialises every call, so
 * sessions on several threads (--all) can share the bus.
 */
#include "simbackend.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtransport.h"

#define DEFAULT_COST_US 200u

struct slot {
	struct sim_device *dev;
	struct memtransport *mt;
	uint8_t port;
	uint8_t devnum;
	uint64_t hidden_until; /* re-enumerating: absent from scans until then */
	int open_error;
	char open_msg[160];
};

/* One open(): what the wrapped transport's ctx points to. */
struct handle {
	struct simbackend *sb;
	int slot;
	bool dead; /* the handle saw the device re-enumerate or leave */
};

struct simbackend {
	pthread_mutex_t lock;
	struct slot slots[SIMBACKEND_MAX_DEVICES];
	size_t nslots;
	uint64_t now;
	uint64_t cost;
	uint64_t reenum_delay;
	uint8_t next_devnum;
	unsigned long nopen; /* handles not closed yet */
	bool pipes_only;     /* reset() resets nothing and says so, as on WinUSB */
	simbackend_hook hook;
	void *hook_arg;
	struct simbackend_counts counts;
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Bring the slot's transport clock up to the shared clock. */
static void sync_in(struct simbackend *sb, struct slot *s)
{
	uint64_t t = memtransport_now(s->mt);
	struct transport tr = memtransport_get(s->mt);

	if (sb->now > t)
		tr.ops->sleep_us(tr.ctx, sb->now - t);
}

static void sync_out(struct simbackend *sb, const struct slot *s)
{
	uint64_t t = memtransport_now(s->mt);

	if (t > sb->now)
		sb->now = t;
}

/* ---- the transport handed to the engine -------------------------------- */

static int w_control(void *ctx, uint8_t bmRequestType, uint8_t bRequest, uint16_t wValue,
		     uint16_t wIndex, uint8_t *data, uint16_t wLength, unsigned timeout_ms,
		     size_t *actual)
{
	struct handle *h = ctx;
	struct simbackend *sb = h->sb;
	struct slot *s;
	struct transport tr;
	int r;

	*actual = 0;
	pthread_mutex_lock(&sb->lock);
	if (h->dead) {
		pthread_mutex_unlock(&sb->lock);
		return TR_NODEV;
	}
	s = &sb->slots[h->slot];
	tr = memtransport_get(s->mt);
	sync_in(sb, s);
	r = tr.ops->control(tr.ctx, bmRequestType, bRequest, wValue, wIndex, data, wLength,
			    timeout_ms, actual);
	sync_out(sb, s);
	if (sb->hook != NULL)
		sb->hook(sb->hook_arg, s->dev, bmRequestType, bRequest, wValue, r);
	pthread_mutex_unlock(&sb->lock);
	return r;
}

/* Called with sb->lock held. */
static int set_alt_locked(struct handle *h, uint8_t intf, uint8_t alt)
{
	struct simbackend *sb = h->sb;
	struct slot *s;
	struct transport tr;
	int r;

	if (h->dead)
		return TR_NODEV;
	s = &sb->slots[h->slot];
	tr = memtransport_get(s->mt);
	sync_in(sb, s);
	r = tr.ops->set_alt(tr.ctx, intf, alt);
	sync_out(sb, s);
	return r;
}

static int w_set_alt(void *ctx, uint8_t intf, uint8_t alt)
{
	struct handle *h = ctx;
	int r;

	pthread_mutex_lock(&h->sb->lock);
	r = set_alt_locked(h, intf, alt);
	pthread_mutex_unlock(&h->sb->lock);
	return r;
}

static int w_reset(void *ctx)
{
	struct handle *h = ctx;
	struct simbackend *sb = h->sb;
	struct slot *s;
	struct transport tr;
	bool was_runtime;
	int r;

	pthread_mutex_lock(&sb->lock);
	sb->counts.resets++;
	if (h->dead) {
		pthread_mutex_unlock(&sb->lock);
		return TR_NODEV;
	}
	if (sb->pipes_only) {
		pthread_mutex_unlock(&sb->lock);
		return TR_PIPES_RESET;
	}
	s = &sb->slots[h->slot];
	tr = memtransport_get(s->mt);
	was_runtime = sim_device_chip(s->dev)->runtime;
	sync_in(sb, s);
	r = tr.ops->reset(tr.ctx);
	sync_out(sb, s);
	if (r == TR_NODEV) {
		/* Re-enumerated or gone: this handle is dead, as a libusb handle would be. */
		h->dead = true;
		if (was_runtime && !sim_device_gone(s->dev)) {
			s->hidden_until = sb->now + sb->reenum_delay;
			s->devnum = sb->next_devnum++;
		}
	}
	pthread_mutex_unlock(&sb->lock);
	return r;
}

static void be_sleep_us(void *ctx, uint64_t us)
{
	struct simbackend *sb = ctx;

	pthread_mutex_lock(&sb->lock);
	sb->now += us;
	sb->counts.slept_us += us;
	pthread_mutex_unlock(&sb->lock);
}

static uint64_t be_now_us(void *ctx)
{
	struct simbackend *sb = ctx;
	uint64_t t;

	pthread_mutex_lock(&sb->lock);
	t = sb->now;
	pthread_mutex_unlock(&sb->lock);
	return t;
}

static void w_sleep_us(void *ctx, uint64_t us)
{
	const struct handle *h = ctx;

	be_sleep_us(h->sb, us);
}

static uint64_t w_now_us(void *ctx)
{
	const struct handle *h = ctx;

	return be_now_us(h->sb);
}

/* The opened device is on the bus unless its handle died or the model left. */
static int w_present(void *ctx)
{
	struct handle *h = ctx;
	int r;

	pthread_mutex_lock(&h->sb->lock);
	r = h->dead || sim_device_gone(h->sb->slots[h->slot].dev) ? TR_NODEV : TR_OK;
	pthread_mutex_unlock(&h->sb->lock);
	return r;
}

static const struct transport_ops wrapped_ops = {
	.control = w_control,
	.set_alt = w_set_alt,
	.reset = w_reset,
	.sleep_us = w_sleep_us,
	.now_us = w_now_us,
	.present = w_present,
};

/* ---- enumeration -------------------------------------------------------- */

/* One standard GET_DESCRIPTOR on the bus (not through an opened handle). */
static int get_descriptor(struct simbackend *sb, struct slot *s, uint8_t type, uint8_t index,
			  uint16_t langid, uint8_t *buf, uint16_t len, size_t *got)
{
	enum sim_result r;

	sb->now += sb->cost;
	r = sim_device_control(s->dev, sb->now, 0x80, 6, (uint16_t)(type << 8 | index), langid, buf,
			       len, got);
	return r == SIM_OK ? 0 : -1;
}

/*
 * String @index decoded as usb.c decodes it (dev_string_decode: UTF-16 or
 * 8-bit text); "UNKNOWN" and false when it cannot be read, "UNKNOWN" and
 * true when the device has no such string (index 0), as usb.c lists them.
 */
static bool read_string(struct simbackend *sb, struct slot *s, uint8_t index, char *out, size_t cap)
{
	uint8_t buf[255];
	size_t got = 0;

	if (index == 0) {
		snprintf(out, cap, "UNKNOWN");
		return true;
	}
	if (get_descriptor(sb, s, 3, index, 0x0409, buf, sizeof(buf), &got) != 0 ||
	    !dev_string_decode(buf, got, out, cap)) {
		snprintf(out, cap, "UNKNOWN");
		return false;
	}
	return true;
}

/* The DFU functional descriptor, parsed here independently of src/dfu.c. */
static bool parse_func(const uint8_t *p, uint8_t blen, struct dfu_func_desc *f)
{
	if (blen < 7)
		return false;
	f->bLength = blen;
	f->bmAttributes = p[2];
	f->wDetachTimeOut = le16(p + 3);
	f->wTransferSize = le16(p + 5);
	f->bcdDFUVersion = blen >= 9 ? le16(p + 7) : 0;
	return true;
}

static int scan_slot(struct simbackend *sb, size_t index, struct dev_info *info)
{
	struct slot *s = &sb->slots[index];
	uint8_t dd[18], cfg[512];
	size_t got = 0, total;
	bool have_intf = false;
	uint8_t iserial, iproduct;
	uint8_t alt_string[DEV_MAX_ALTS];

	memset(info, 0, sizeof(*info));
	if (get_descriptor(sb, s, 1, 0, 0, dd, sizeof(dd), &got) != 0 || got != sizeof(dd))
		return -1;
	if (get_descriptor(sb, s, 2, 0, 0, cfg, 9, &got) != 0 || got != 9)
		return -1;
	total = le16(cfg + 2);
	if (total > sizeof(cfg) || total < 9)
		return -1;
	if (get_descriptor(sb, s, 2, 0, 0, cfg, (uint16_t)total, &got) != 0 || got != total)
		return -1;
	info->vid = le16(dd + 8);
	info->pid = le16(dd + 10);
	info->bcdDevice = le16(dd + 12);
	info->bMaxPacketSize0 = dd[7];
	iproduct = dd[15];
	iserial = dd[16];
	info->busnum = 1;
	info->devnum = s->devnum;
	snprintf(info->path, sizeof(info->path), "1-%u", s->port);
	info->cfg = cfg[5];
	info->backend_index = index;
	for (size_t off = cfg[0]; off + 2 <= total;) {
		const uint8_t *p = cfg + off;

		if (p[0] < 2 || p[0] > total - off)
			return -1;
		if (p[1] == 4 && p[0] >= 9 && p[5] == 0xFE && p[6] == 0x01) {
			if (!have_intf) {
				info->intf = p[2];
				info->runtime = p[7] == 0x01;
				have_intf = true;
			}
			if (p[2] == info->intf && info->nalts < DEV_MAX_ALTS) {
				info->alts[info->nalts].alt = p[3];
				alt_string[info->nalts] = p[8];
				info->nalts++;
			}
		} else if (p[1] == 0x21 && !info->has_func) {
			info->has_func = parse_func(p, p[0], &info->func);
		}
		off += p[0];
	}
	if (!have_intf)
		return -1;
	info->serial_unreadable = !read_string(sb, s, iserial, info->serial, sizeof(info->serial));
	info->serial_absent = iserial == 0;
	info->product_unreadable =
		!read_string(sb, s, iproduct, info->product, sizeof(info->product));
	for (size_t a = 0; a < info->nalts; a++) {
		info->alts[a].name_unread = !read_string(sb, s, alt_string[a], info->alts[a].name,
							 sizeof(info->alts[a].name));
		info->alts[a].name_absent = alt_string[a] == 0;
	}
	info->open_error = s->open_error;
	snprintf(info->open_msg, sizeof(info->open_msg), "%s", s->open_msg);
	/* The name usb.c takes from libusb for a node the user may not open. */
	if (s->open_error == ERR_ACCESS)
		snprintf(info->open_cause, sizeof(info->open_cause), "LIBUSB_ERROR_ACCESS");
	return 0;
}

static int be_scan(void *ctx, struct dev_info **list, size_t *n, struct error *err)
{
	struct simbackend *sb = ctx;
	struct dev_info *v;
	size_t count = 0;

	*list = NULL;
	*n = 0;
	v = calloc(SIMBACKEND_MAX_DEVICES, sizeof(*v));
	if (v == NULL)
		return error_set(err, ERR_NOMEM, "out of memory");
	pthread_mutex_lock(&sb->lock);
	sb->counts.scans++;
	for (size_t i = 0; i < sb->nslots; i++) {
		struct slot *s = &sb->slots[i];

		if (sim_device_gone(s->dev) || sb->now < s->hidden_until)
			continue;
		if (scan_slot(sb, i, &v[count]) == 0)
			count++;
	}
	pthread_mutex_unlock(&sb->lock);
	*list = v;
	*n = count;
	return ERR_OK;
}

static void be_close(void *ctx, struct transport *tr)
{
	struct simbackend *sb = ctx;

	if (tr->ctx == NULL)
		return;
	pthread_mutex_lock(&sb->lock);
	sb->counts.closes++;
	sb->nopen--;
	sb->counts.open_now = sb->nopen > 0;
	pthread_mutex_unlock(&sb->lock);
	free(tr->ctx);
	tr->ctx = NULL;
}

static int be_open(void *ctx, const struct dev_info *info, uint8_t alt, struct transport *tr,
		   struct error *err)
{
	struct simbackend *sb = ctx;
	struct handle *h;
	struct slot *s;
	int r = ERR_OK;

	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return error_set(err, ERR_NOMEM, "out of memory");
	h->sb = sb;
	h->slot = (int)info->backend_index;
	pthread_mutex_lock(&sb->lock);
	s = info->backend_index < sb->nslots ? &sb->slots[info->backend_index] : NULL;
	if (s == NULL)
		r = error_set(err, ERR_NOTFOUND, "no such device");
	else if (sim_device_gone(s->dev) || sb->now < s->hidden_until || s->devnum != info->devnum)
		r = error_set(err, ERR_NOTFOUND, "device %s is no longer present", info->path);
	else if (s->open_error != ERR_OK)
		r = error_set(err, (enum error_code)s->open_error, "%s", s->open_msg);
	if (r == ERR_OK) {
		int t;

		sb->counts.opens++;
		t = set_alt_locked(h, info->intf, alt);
		if (t != TR_OK) {
			sb->counts.closes++;
			r = error_set(err, t == TR_NODEV ? ERR_NOTFOUND : ERR_IO,
				      "cannot select alternate setting %u: %s", alt,
				      transport_status_str(t));
		} else {
			sb->nopen++;
			sb->counts.open_now = true;
		}
	}
	pthread_mutex_unlock(&sb->lock);
	if (r != ERR_OK) {
		free(h);
		return r;
	}
	tr->ops = &wrapped_ops;
	tr->ctx = h;
	return ERR_OK;
}

static const struct dev_backend_ops simbackend_ops = {
	.scan = be_scan,
	.open = be_open,
	.close = be_close,
	.now_us = be_now_us,
	.sleep_us = be_sleep_us,
};

/* ---- setup ------------------------------------------------------------- */

struct simbackend *simbackend_new(void)
{
	struct simbackend *sb = calloc(1, sizeof(*sb));

	if (sb == NULL)
		return NULL;
	if (pthread_mutex_init(&sb->lock, NULL) != 0) {
		free(sb);
		return NULL;
	}
	sb->cost = DEFAULT_COST_US;
	sb->next_devnum = 2;
	return sb;
}

void simbackend_free(struct simbackend *sb)
{
	if (sb == NULL)
		return;
	for (size_t i = 0; i < sb->nslots; i++) {
		memtransport_free(sb->slots[i].mt);
		sim_device_free(sb->slots[i].dev);
	}
	pthread_mutex_destroy(&sb->lock);
	free(sb);
}

int simbackend_add(struct simbackend *sb, struct sim_device *dev)
{
	struct slot *s;

	if (dev == NULL || sb->nslots == SIMBACKEND_MAX_DEVICES)
		return -1;
	s = &sb->slots[sb->nslots];
	memset(s, 0, sizeof(*s));
	s->mt = memtransport_new(dev);
	if (s->mt == NULL)
		return -1;
	memtransport_set_cost(s->mt, sb->cost);
	s->dev = dev;
	s->port = (uint8_t)(sb->nslots + 1);
	s->devnum = sb->next_devnum++;
	return (int)sb->nslots++;
}

struct sim_device *simbackend_device(const struct simbackend *sb, size_t i)
{
	return i < sb->nslots ? sb->slots[i].dev : NULL;
}

struct dev_backend simbackend_get(struct simbackend *sb)
{
	struct dev_backend be = { .ops = &simbackend_ops, .ctx = sb };

	return be;
}

uint64_t simbackend_now(const struct simbackend *sb)
{
	return sb->now;
}

void simbackend_set_cost(struct simbackend *sb, uint64_t us)
{
	sb->cost = us;
	for (size_t i = 0; i < sb->nslots; i++)
		memtransport_set_cost(sb->slots[i].mt, us);
}

void simbackend_set_reenum_delay(struct simbackend *sb, uint64_t us)
{
	sb->reenum_delay = us;
}

void simbackend_set_pipes_only_reset(struct simbackend *sb, bool on)
{
	sb->pipes_only = on;
}

void simbackend_plug_at(struct simbackend *sb, size_t i, uint64_t us)
{
	if (i < sb->nslots)
		sb->slots[i].hidden_until = us;
}

void simbackend_set_open_error(struct simbackend *sb, size_t i, int code, const char *msg)
{
	if (i >= sb->nslots)
		return;
	sb->slots[i].open_error = code;
	snprintf(sb->slots[i].open_msg, sizeof(sb->slots[i].open_msg), "%s", msg);
}

void simbackend_set_hook(struct simbackend *sb, simbackend_hook hook, void *arg)
{
	sb->hook = hook;
	sb->hook_arg = arg;
}

void simbackend_counts(const struct simbackend *sb, struct simbackend_counts *out)
{
	*out = sb->counts;
}
