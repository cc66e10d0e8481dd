// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The usbdevfs ioctl handler of dfuse-sim: the requests libusb makes of an
 * opened device, control URBs fed to the device model (model.h) and reaped,
 * each device's ioctls answered in order on a worker thread of its own.
 */
#include <errno.h>
#include <string.h>

#include <linux/usbdevice_fs.h>
#include <sys/ioctl.h> /* _IOR() and friends behind the USBDEVFS_* request numbers */

#include "sim.h"

/*
 * Pause per fruitless REAPURBNDELAY: poll() on the mock node never blocks.
 * The client waits this long for its EAGAIN; the handler thread does not.
 */
#define SIM_EAGAIN_SLEEP_US 1000

void sim_urb_free(struct sim_urb *u)
{
	g_clear_pointer(&u->buf, umockdev_ioctl_data_unref);
	g_clear_pointer(&u->urb, umockdev_ioctl_data_unref);
	g_free(u);
}

/* ---- the ioctl handler (runs on the device's worker thread; takes d->lock) ---- */

/* After any request: a model that says "gone" leaves the bus soon. */
static void check_gone(struct sim_node *n)
{
	if (!n->gone && sim_device_gone(n->d->model)) {
		n->gone = true;
		sim_node_queue_unplug(n, false);
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
	if (n->d->cfg->replay == NULL ||
	    !sim_replay_control(n, setup, data, &actual, &u->ready_at, &res)) {
		res = sim_device_control(n->d->model, now_us(), setup[0], setup[1], wValue, wIndex,
					 data, wLength, &actual);
		if (res == SIM_LATER)
			u->ready_at = sim_device_ready_at(n->d->model);
	}
	if (res == SIM_LATER) {
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
		sim_urb_free(u);
		return EFAULT;
	}
	wLength = (uint16_t)(u->buf->data[6] | u->buf->data[7] << 8);
	if ((size_t)wLength + 8 > (size_t)urb->buffer_length) {
		sim_urb_free(u);
		return EINVAL;
	}
	if (urb_run(n, u) == SIM_NODEV) {
		/* The model vanished at this very request: the kernel refuses the submit. */
		sim_urb_free(u);
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
	sim_urb_free(u);
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
	if (n->d->cfg->replay != NULL) {
		int e = sim_replay_set_alt(n, (uint8_t)si.interface, (uint8_t)si.altsetting);

		if (e >= 0)
			return e;
	}
	res = sim_device_set_alt(n->d->model, (uint8_t)si.interface, (uint8_t)si.altsetting);
	check_gone(n);
	return res == SIM_OK ? 0 : res == SIM_STALL ? EINVAL : ENODEV;
}

static int do_reset(struct sim_node *n)
{
	if (n->d->cfg->replay != NULL)
		return sim_replay_reset(n);
	switch (sim_device_reset(n->d->model, now_us())) {
	case SIM_RESET_SAME:
		break;
	case SIM_RESET_REENUMERATE:
		/* The reset went through; the device drops off and comes back in DFU mode. */
		n->gone = true;
		sim_node_queue_unplug(n, true);
		break;
	case SIM_RESET_GONE:
		n->gone = true;
		sim_node_queue_unplug(n, false);
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
void sim_ioctl_work(gpointer data, gpointer user)
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
gboolean sim_ioctl_on_ioctl(UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer user)
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
