/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libusb-1.0 behind struct dev_backend and struct transport: enumeration of
 * DFU interfaces (class 0xFE, subclass 0x01), their strings and functional
 * descriptors, and control transfers on each opened interface. One libusb
 * context scans the bus and, for a run on one device, serves its handle too.
 * A run that drives several devices from their own threads opens each in a
 * libusb context of its own: libusb reaps every transfer of a context in
 * whichever one thread holds that context's event lock, so with one shared
 * context each board's request waits for the other boards' completions to be
 * reaped first (measured on the simulated rack: per request 0.7 ms alone,
 * 2.3 ms with 4 boards, 4.7 ms with 8; bench/README).
 */
#include "usb.h"

#include <errno.h>
#include <libusb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct usb_backend {
	libusb_context *ctx;
	int verbose;
	bool own_contexts;    /* each opened device gets a libusb context of its own */
	pthread_mutex_t lock; /* devs and ndevs: scans and opens come from several threads */
	libusb_device **devs; /* from the last scan, referenced */
	ssize_t ndevs;
};

/* One opened device: what struct transport's ctx points to. */
struct usb_handle {
	libusb_device_handle *handle;
	int claimed;	     /* claimed interface number, or -1 */
	libusb_context *ctx; /* the handle's, to ask whether the device is still listed */
	bool own_ctx;	     /* ctx is this handle's alone: exited on close */
};

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void sleep_for_us(uint64_t us)
{
	struct timespec ts = { .tv_sec = (time_t)(us / 1000000u),
			       .tv_nsec = (long)(us % 1000000u) * 1000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int map_status(int r)
{
	switch (r) {
	case LIBUSB_ERROR_PIPE:
		return TR_STALL;
	case LIBUSB_ERROR_TIMEOUT:
		return TR_TIMEOUT;
	case LIBUSB_ERROR_NO_DEVICE:
	case LIBUSB_ERROR_NOT_FOUND:
		return TR_NODEV;
	default:
		return TR_IO;
	}
}

static int tr_control(void *ctx, uint8_t bmRequestType, uint8_t bRequest, uint16_t wValue,
		      uint16_t wIndex, uint8_t *data, uint16_t wLength, unsigned timeout_ms,
		      size_t *actual)
{
	struct usb_handle *uh = ctx;
	int r;

	*actual = 0;
	if (uh->handle == NULL)
		return TR_NODEV;
	r = libusb_control_transfer(uh->handle, bmRequestType, bRequest, wValue, wIndex, data,
				    wLength, timeout_ms);
	if (r < 0)
		return map_status(r);
	*actual = (size_t)r;
	return TR_OK;
}

static int tr_set_alt(void *ctx, uint8_t intf, uint8_t alt)
{
	struct usb_handle *uh = ctx;
	int r;

	if (uh->handle == NULL)
		return TR_NODEV;
	r = libusb_set_interface_alt_setting(uh->handle, intf, alt);
	return r < 0 ? map_status(r) : TR_OK;
}

static int tr_reset(void *ctx)
{
	struct usb_handle *uh = ctx;
	int r;

	if (uh->handle == NULL)
		return TR_NODEV;
	r = libusb_reset_device(uh->handle);
	if (r < 0)
		return map_status(r);
#ifdef _WIN32
	/*
	 * libusb's Windows backend cannot reset a device bound to WinUSB: it
	 * aborts and resets the pipes and reports success.
	 */
	return TR_PIPES_RESET;
#else
	return TR_OK;
#endif
}

static void tr_sleep_us(void *ctx, uint64_t us)
{
	(void)ctx;
	sleep_for_us(us);
}

static uint64_t tr_now_us(void *ctx)
{
	(void)ctx;
	return mono_us();
}

/*
 * Is the opened device still in libusb's list? libusb drops a device from
 * it when the OS reports the disconnect; a device that re-enumerated is a
 * new libusb_device, so the old one is gone too.
 */
static int tr_present(void *ctx)
{
	struct usb_handle *uh = ctx;
	libusb_device *self, **list = NULL;
	ssize_t n;
	bool found = false;

	if (uh->handle == NULL)
		return TR_NODEV;
	self = libusb_get_device(uh->handle);
	n = libusb_get_device_list(uh->ctx, &list);
	if (n < 0)
		return TR_IO;
	for (ssize_t i = 0; i < n && !found; i++)
		found = list[i] == self;
	libusb_free_device_list(list, 1);
	return found ? TR_OK : TR_NODEV;
}

static const struct transport_ops usb_transport_ops = {
	.control = tr_control,
	.set_alt = tr_set_alt,
	.reset = tr_reset,
	.sleep_us = tr_sleep_us,
	.now_us = tr_now_us,
	.present = tr_present,
};

static void release_list(struct usb_backend *ub)
{
	if (ub->devs != NULL)
		libusb_free_device_list(ub->devs, 1);
	ub->devs = NULL;
	ub->ndevs = 0;
}

/* Where does the DFU functional descriptor hide? After the alt, the interface, or the config. */
static bool find_func_desc(const struct libusb_config_descriptor *cfg,
			   const struct libusb_interface *intf,
			   const struct libusb_interface_descriptor *alt, struct dfu_func_desc *out)
{
	if (dfu_parse_func_desc(alt->extra, (size_t)alt->extra_length, out))
		return true;
	for (int i = 0; i < intf->num_altsetting; i++) {
		const struct libusb_interface_descriptor *a = &intf->altsetting[i];

		if (dfu_parse_func_desc(a->extra, (size_t)a->extra_length, out))
			return true;
	}
	return dfu_parse_func_desc(cfg->extra, (size_t)cfg->extra_length, out);
}

/*
 * The first language ID the device lists (string descriptor 0, USB 2.0
 * 9.6.7), which every other string is read in; US English when the list
 * cannot be read, as libusb's ASCII helper would fail there anyway.
 */
static uint16_t first_langid(libusb_device_handle *h)
{
	unsigned char buf[255];
	int r;

	if (h == NULL)
		return 0x0409;
	r = libusb_get_string_descriptor(h, 0, 0, buf, (int)sizeof(buf));
	if (r < 4 || buf[0] < 4 || buf[1] != LIBUSB_DT_STRING)
		return 0x0409;
	return (uint16_t)(buf[2] | buf[3] << 8);
}

/*
 * String @index into @buf: the raw descriptor, decoded by dev_string_decode()
 * (UTF-16 or the 8-bit text some ROMs send; libusb's ASCII helper turns the
 * latter into "??"). "" for index 0, @fallback when the device is not open.
 * Returns false, with @fallback in @buf, when the device was asked and did
 * not deliver the string.
 */
static bool read_string(libusb_device_handle *h, uint16_t langid, uint8_t index, char *buf,
			size_t len, const char *fallback)
{
	unsigned char raw[255];
	int r;

	/*
	 * No such string (index 0), or not opened (open_error says why): nothing
	 * was asked, so nothing is unread; dfu-util 0.11 shows both as @fallback.
	 */
	if (h == NULL || index == 0) {
		snprintf(buf, len, "%s", fallback);
		return true;
	}
	r = libusb_get_string_descriptor(h, index, langid, raw, (int)sizeof(raw));
	if (r < 0 || !dev_string_decode(raw, (size_t)r, buf, len)) {
		snprintf(buf, len, "%s", fallback);
		return false;
	}
	return true;
}

static void device_path(libusb_device *dev, char *buf, size_t len)
{
	uint8_t ports[8];
	int n = libusb_get_port_numbers(dev, ports, (int)sizeof(ports));
	size_t used;

	snprintf(buf, len, "%u", libusb_get_bus_number(dev));
	used = strlen(buf);
	for (int i = 0; i < n && used < len; i++) {
		snprintf(buf + used, len - used, "%c%u", i == 0 ? '-' : '.', ports[i]);
		used = strlen(buf);
	}
}

/* Why a found device cannot be opened, and the fix, as each platform has it. */
#if defined(_WIN32)
#define USB_ACCESS_CAUSE                                                                           \
	"access denied (bind the device to WinUSB, e.g. with Zadig, and close other programs "     \
	"using it)"
#define USB_NODRIVER_CAUSE "no usable driver (bind the device to WinUSB, e.g. with Zadig)"
#elif defined(__APPLE__)
#define USB_ACCESS_CAUSE   "access denied (another program or driver holds the device)"
#define USB_NODRIVER_CAUSE "no usable driver (another program or driver holds the device)"
#else
#define USB_ACCESS_CAUSE                                                                           \
	"permission denied (install the udev rule 50-dfuse-util.rules, or run as root)"
#define USB_NODRIVER_CAUSE "no usable driver"
#endif

static void describe_open_error(libusb_device *dev, int r, struct dev_info *info)
{
	char node[64];

	snprintf(info->open_cause, sizeof(info->open_cause), "%s", libusb_error_name(r));
#ifdef __linux__
	snprintf(node, sizeof(node), "/dev/bus/usb/%03u/%03u", libusb_get_bus_number(dev),
		 libusb_get_device_address(dev));
#else
	snprintf(node, sizeof(node), "bus %u device %u", libusb_get_bus_number(dev),
		 libusb_get_device_address(dev));
#endif
	if (r == LIBUSB_ERROR_ACCESS) {
		info->open_error = ERR_ACCESS;
		snprintf(info->open_msg, sizeof(info->open_msg),
			 "cannot open %s: " USB_ACCESS_CAUSE, node);
	} else if (r == LIBUSB_ERROR_NOT_SUPPORTED) {
		info->open_error = ERR_ACCESS;
		snprintf(info->open_msg, sizeof(info->open_msg),
			 "cannot open %s: " USB_NODRIVER_CAUSE, node);
	} else {
		info->open_error = ERR_IO;
		snprintf(info->open_msg, sizeof(info->open_msg), "cannot open %s: %s", node,
			 libusb_strerror((enum libusb_error)r));
	}
}

static int append(struct dev_info **list, size_t *n, size_t *cap, const struct dev_info *d,
		  struct error *err)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct dev_info *nl = realloc(*list, ncap * sizeof(**list));

		if (nl == NULL)
			return error_set(err, ERR_NOMEM, "out of memory");
		*list = nl;
		*cap = ncap;
	}
	(*list)[(*n)++] = *d;
	return ERR_OK;
}

/* Add every DFU interface of configuration @cfg of @dev to the list. */
static int scan_config(libusb_device *dev, const struct libusb_device_descriptor *dd,
		       const struct libusb_config_descriptor *cfg, size_t index,
		       struct dev_info **list, size_t *n, size_t *cap, struct error *err)
{
	for (int i = 0; i < cfg->bNumInterfaces; i++) {
		const struct libusb_interface *intf = &cfg->interface[i];
		struct dev_info *info;
		libusb_device_handle *h = NULL;
		uint16_t langid;
		int r;

		if (intf->num_altsetting < 1 || intf->altsetting[0].bInterfaceClass != 0xFE ||
		    intf->altsetting[0].bInterfaceSubClass != 0x01)
			continue;
		info = calloc(1, sizeof(*info));
		if (info == NULL)
			return error_set(err, ERR_NOMEM, "out of memory");
		info->vid = dd->idVendor;
		info->pid = dd->idProduct;
		info->bcdDevice = dd->bcdDevice;
		info->bMaxPacketSize0 = dd->bMaxPacketSize0;
		info->busnum = libusb_get_bus_number(dev);
		info->devnum = libusb_get_device_address(dev);
		device_path(dev, info->path, sizeof(info->path));
		info->cfg = cfg->bConfigurationValue;
		info->intf = intf->altsetting[0].bInterfaceNumber;
		info->runtime = intf->altsetting[0].bInterfaceProtocol == 0x01;
		info->has_func = find_func_desc(cfg, intf, &intf->altsetting[0], &info->func);
		info->backend_index = index;
		r = libusb_open(dev, &h);
		if (r < 0) {
			describe_open_error(dev, r, info);
			h = NULL;
		}
		langid = first_langid(h);
		info->serial_unreadable = !read_string(h, langid, dd->iSerialNumber, info->serial,
						       sizeof(info->serial), "UNKNOWN");
		info->serial_absent = dd->iSerialNumber == 0;
		info->product_unreadable = !read_string(h, langid, dd->iProduct, info->product,
							sizeof(info->product), "UNKNOWN");
		for (int a = 0; a < intf->num_altsetting && info->nalts < DEV_MAX_ALTS; a++) {
			const struct libusb_interface_descriptor *alt = &intf->altsetting[a];
			struct dev_alt *da = &info->alts[info->nalts++];

			da->alt = alt->bAlternateSetting;
			da->name_unread = !read_string(h, langid, alt->iInterface, da->name,
						       sizeof(da->name), "UNKNOWN");
			da->name_absent = alt->iInterface == 0;
		}
		if (h != NULL)
			libusb_close(h);
		r = append(list, n, cap, info, err);
		free(info);
		if (r != ERR_OK)
			return r;
	}
	return ERR_OK;
}

static int be_scan(void *ctx, struct dev_info **list, size_t *n, struct error *err)
{
	struct usb_backend *ub = ctx;
	size_t cap = 0;
	int r = ERR_OK;

	*list = NULL;
	*n = 0;
	pthread_mutex_lock(&ub->lock);
	release_list(ub);
	ub->ndevs = libusb_get_device_list(ub->ctx, &ub->devs);
	if (ub->ndevs < 0) {
		r = (int)ub->ndevs;
		ub->devs = NULL;
		ub->ndevs = 0;
		pthread_mutex_unlock(&ub->lock);
		return error_set(err, ERR_IO, "cannot list USB devices: %s",
				 libusb_strerror((enum libusb_error)r));
	}
	for (ssize_t i = 0; i < ub->ndevs; i++) {
		libusb_device *dev = ub->devs[i];
		struct libusb_device_descriptor dd;

		if (libusb_get_device_descriptor(dev, &dd) < 0)
			continue;
		for (uint8_t c = 0; c < dd.bNumConfigurations && r == ERR_OK; c++) {
			struct libusb_config_descriptor *cfg;

			if (libusb_get_config_descriptor(dev, c, &cfg) < 0)
				continue;
			r = scan_config(dev, &dd, cfg, (size_t)i, list, n, &cap, err);
			libusb_free_config_descriptor(cfg);
		}
		if (r != ERR_OK) {
			free(*list);
			*list = NULL;
			*n = 0;
			break;
		}
	}
	pthread_mutex_unlock(&ub->lock);
	return r;
}

static void be_close(void *ctx, struct transport *tr)
{
	struct usb_handle *uh = tr->ctx;

	(void)ctx;
	if (uh == NULL)
		return;
	if (uh->claimed >= 0)
		libusb_release_interface(uh->handle, uh->claimed);
	libusb_close(uh->handle);
	if (uh->own_ctx)
		libusb_exit(uh->ctx);
	free(uh);
	tr->ctx = NULL;
}

/*
 * The device of @info from the last scan, referenced (NULL when it is no
 * longer in the list): another thread's scan may have replaced the list,
 * so the bus position is checked, not just the index.
 */
static libusb_device *find_device(struct usb_backend *ub, const struct dev_info *info)
{
	libusb_device *dev = NULL;

	pthread_mutex_lock(&ub->lock);
	for (ssize_t i = 0; i < ub->ndevs && dev == NULL; i++) {
		ssize_t k = (i + (ssize_t)info->backend_index) % ub->ndevs; /* its slot first */

		if (libusb_get_bus_number(ub->devs[k]) == info->busnum &&
		    libusb_get_device_address(ub->devs[k]) == info->devnum)
			dev = libusb_ref_device(ub->devs[k]);
	}
	pthread_mutex_unlock(&ub->lock);
	return dev;
}

static libusb_context *new_context(int verbose, int *r)
{
	libusb_context *c = NULL;

	*r = libusb_init(&c);
	if (*r < 0)
		return NULL;
	if (verbose >= 3)
		libusb_set_option(c, LIBUSB_OPTION_LOG_LEVEL, LIBUSB_LOG_LEVEL_DEBUG);
	return c;
}

/*
 * The device of @info as a context of its own, @c, lists it (by its bus
 * position); referenced, or NULL when @c does not list it.
 */
static libusb_device *device_in(libusb_context *c, const struct dev_info *info)
{
	libusb_device **list = NULL, *found = NULL;
	ssize_t n = libusb_get_device_list(c, &list);

	for (ssize_t i = 0; i < n && found == NULL; i++) {
		if (libusb_get_bus_number(list[i]) == info->busnum &&
		    libusb_get_device_address(list[i]) == info->devnum)
			found = libusb_ref_device(list[i]);
	}
	if (n >= 0)
		libusb_free_device_list(list, 1);
	return found;
}

static int be_open(void *ctx, const struct dev_info *info, uint8_t alt, struct transport *tr,
		   struct error *err)
{
	struct usb_backend *ub = ctx;
	struct usb_handle *uh;
	libusb_context *own = NULL;
	libusb_device *dev;
	struct transport mine;
	int r;

	if (ub->own_contexts) {
		own = new_context(ub->verbose, &r);
		if (own == NULL)
			return error_set(err, ERR_IO, "cannot initialise libusb: %s",
					 libusb_strerror((enum libusb_error)r));
		dev = device_in(own, info);
	} else {
		dev = find_device(ub, info);
	}
	if (dev == NULL) {
		if (own != NULL)
			libusb_exit(own);
		return error_set(err, ERR_NOTFOUND, "device is no longer present");
	}
	uh = calloc(1, sizeof(*uh));
	if (uh == NULL) {
		libusb_unref_device(dev);
		if (own != NULL)
			libusb_exit(own);
		return error_set(err, ERR_NOMEM, "out of memory");
	}
	uh->claimed = -1;
	uh->ctx = own != NULL ? own : ub->ctx;
	uh->own_ctx = own != NULL;
	r = libusb_open(dev, &uh->handle);
	if (r < 0) {
		struct dev_info tmp;

		memset(&tmp, 0, sizeof(tmp));
		if (r != LIBUSB_ERROR_NO_DEVICE)
			describe_open_error(dev, r, &tmp);
		/* dev belongs to uh->ctx when that is the handle's own: unref it first. */
		libusb_unref_device(dev);
		if (uh->own_ctx)
			libusb_exit(uh->ctx);
		free(uh);
		if (r == LIBUSB_ERROR_NO_DEVICE)
			return error_set(err, ERR_NOTFOUND,
					 "device disconnected before it was opened");
		return error_set(err, (enum error_code)tmp.open_error, "%s", tmp.open_msg);
	}
	libusb_unref_device(dev); /* the handle holds its own reference */
	mine.ops = &usb_transport_ops;
	mine.ctx = uh;
	/* Linux only; elsewhere it reports NOT_SUPPORTED, which is fine. */
	libusb_set_auto_detach_kernel_driver(uh->handle, 1);
	r = libusb_claim_interface(uh->handle, info->intf);
	if (r < 0) {
		be_close(ub, &mine);
		if (r == LIBUSB_ERROR_BUSY)
			return error_set(err, ERR_ACCESS,
					 "interface %u is in use by another program or driver",
					 info->intf);
		if (r == LIBUSB_ERROR_NO_DEVICE)
			return error_set(err, ERR_NOTFOUND, "device disconnected");
		return error_set(err, r == LIBUSB_ERROR_ACCESS ? ERR_ACCESS : ERR_IO,
				 "cannot claim interface %u: %s", info->intf,
				 libusb_strerror((enum libusb_error)r));
	}
	uh->claimed = info->intf;
	if (info->nalts > 1 || alt != 0) {
		r = libusb_set_interface_alt_setting(uh->handle, info->intf, alt);
		if (r < 0) {
			be_close(ub, &mine);
			return error_set(err, ERR_IO, "cannot select alternate setting %u: %s", alt,
					 libusb_strerror((enum libusb_error)r));
		}
	}
	*tr = mine;
	return ERR_OK;
}

static uint64_t be_now_us(void *ctx)
{
	(void)ctx;
	return mono_us();
}

static void be_sleep_us(void *ctx, uint64_t us)
{
	(void)ctx;
	sleep_for_us(us);
}

static const struct dev_backend_ops usb_backend_ops = {
	.scan = be_scan,
	.open = be_open,
	.close = be_close,
	.now_us = be_now_us,
	.sleep_us = be_sleep_us,
};

int usb_backend_new(int verbose, bool own_contexts, struct usb_backend **out, struct error *err)
{
	struct usb_backend *ub = calloc(1, sizeof(*ub));
	int r;

	*out = NULL;
	if (ub == NULL)
		return error_set(err, ERR_NOMEM, "out of memory");
	if (pthread_mutex_init(&ub->lock, NULL) != 0) {
		free(ub);
		return error_set(err, ERR_NOMEM, "cannot create a mutex");
	}
	ub->verbose = verbose;
	ub->own_contexts = own_contexts;
	ub->ctx = new_context(verbose, &r);
	if (ub->ctx == NULL) {
		pthread_mutex_destroy(&ub->lock);
		free(ub);
		return error_set(err, ERR_IO, "cannot initialise libusb: %s",
				 libusb_strerror((enum libusb_error)r));
	}
	*out = ub;
	return ERR_OK;
}

void usb_backend_free(struct usb_backend *ub)
{
	if (ub == NULL)
		return;
	release_list(ub);
	libusb_exit(ub->ctx);
	pthread_mutex_destroy(&ub->lock);
	free(ub);
}

struct dev_backend usb_backend_get(struct usb_backend *ub)
{
	struct dev_backend be = { .ops = &usb_backend_ops, .ctx = ub };

	return be;
}
