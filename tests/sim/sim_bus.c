// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The devices of dfuse-sim and the umockdev testbed: each device's model and
 * log stream, its sysfs shape and node when it is plugged, unplugging,
 * re-enumeration after a detach and the --load images.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim.h"

/* Run-time devices re-appear this long after DETACH + reset unless told otherwise. */
#define SIM_REENUM_DEFAULT_MS 50

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

struct sim_dev *sim_dev_new(struct sim_runner *r, const struct sim_cfg *cfg,
			    const struct sim_chip *chip, const char *serial, unsigned devnum)
{
	struct sim_dev *d = g_new0(struct sim_dev, 1);

	d->r = r;
	d->cfg = cfg;
	d->model = sim_device_new(chip, serial);
	if (d->model == NULL)
		sim_die_setup("out of memory creating device %s", chip->name);
	/* a device without a serial is labelled by its chip's name */
	d->label =
		unique_label(r, sim_device_serial(d->model)[0] != '\0' ? sim_device_serial(d->model)
								       : chip->name);
	d->busnum = cfg->busnum;
	d->devnum_wanted = devnum;
	d->port = g_strdup(cfg->port);
	d->nodes = g_ptr_array_new();
	g_mutex_init(&d->lock);
	d->worker = g_thread_pool_new(sim_ioctl_work, NULL, 1, FALSE, NULL);
	if (d->worker == NULL)
		sim_die_setup("cannot start a worker thread for device %s", d->label);
	sim_device_set_faults(d->model, &cfg->faults);
	if (cfg->have_time_scale)
		sim_device_set_time_scale(d->model, cfg->time_scale);
	if (r->logfile != NULL)
		sim_log_open(d);
	g_ptr_array_add(r->devs, d);
	return d;
}

void sim_dev_free(struct sim_dev *d)
{
	for (unsigned i = 0; i < d->nodes->len; i++) {
		struct sim_node *n = g_ptr_array_index(d->nodes, i);
		struct sim_urb *u;

		while ((u = g_queue_pop_head(&n->urbs)) != NULL)
			sim_urb_free(u);
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

void sim_dev_load_images(struct sim_dev *d)
{
	for (unsigned i = 0; i < d->cfg->loads->len; i++) {
		const char *spec = g_ptr_array_index(d->cfg->loads, i);
		const char *at = strrchr(spec, '@');
		char *path, *data;
		gsize len;
		GError *err = NULL;
		unsigned long addr;

		if (at == NULL || at == spec)
			sim_die_setup("--load %s: expected FILE@ADDR", spec);
		addr = sim_parse_num("--load", at + 1, UINT32_MAX);
		path = g_strndup(spec, (gsize)(at - spec));
		if (!g_file_get_contents(path, &data, &len, &err))
			sim_die_setup("--load: %s", err->message);
		if (sim_device_load(d->model, (uint32_t)addr, (const uint8_t *)data, len) != 0)
			sim_die_setup("--load %s: 0x%08lx+%zu is not device memory", path, addr,
				      (size_t)len);
		g_free(data);
		g_free(path);
	}
}

/* ---- the testbed side: plug and unplug (main thread) ---- */

static void write_file(const char *path, const void *data, size_t len)
{
	GError *err = NULL;

	if (!g_file_set_contents(path, data, (gssize)len, &err))
		sim_die_setup("%s", err->message);
}

static char *root_path(const struct sim_runner *r, const char *path)
{
	return g_build_filename(r->root_dir, path, NULL);
}

/* Puts the device on the bus as it is now (a re-enumeration changes PID and chip). */
void sim_dev_plug(struct sim_dev *d)
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
		sim_die_setup("device %s: descriptors do not fit", d->label);
	n->d = d;
	g_queue_init(&n->urbs);
	n->devnum = d->nodes->len == 0 && d->devnum_wanted != 0 ? d->devnum_wanted : r->next_devnum;
	if (n->devnum >= r->next_devnum)
		r->next_devnum = n->devnum + 1;
	if (d->busnum > 255 || n->devnum > 127)
		sim_die_setup("device %s: bus %u device %u out of range", d->label, d->busnum,
			      n->devnum);
	snprintf(n->devnode, sizeof(n->devnode), "/dev/bus/usb/%03u/%03u", d->busnum, n->devnum);

	n->handler = umockdev_ioctl_base_new();
	g_signal_connect(n->handler, "handle-ioctl", G_CALLBACK(sim_ioctl_on_ioctl), n);
	/* Before the node exists: a client opening it early must reach us (notes). */
	if (!umockdev_testbed_attach_ioctl(r->tb, n->devnode, n->handler, &err))
		sim_die_setup("attach ioctl %s: %s", n->devnode, err->message);

	/*
	 * The binary descriptors and the node go in before the device is added:
	 * adding it announces it, and a hotplugging client reads them at once.
	 */
	path = g_build_filename("sys", "devices", d->port, NULL);
	sysdir = root_path(r, path);
	g_free(path);
	if (g_mkdir_with_parents(sysdir, 0755) != 0)
		sim_die_setup("mkdir %s: %s", sysdir, g_strerror(errno));
	path = g_build_filename(sysdir, "descriptors", NULL);
	write_file(path, desc, dlen);
	g_free(path);
	g_free(sysdir);
	node = root_path(r, n->devnode);
	path = g_path_get_dirname(node);
	if (g_mkdir_with_parents(path, 0755) != 0)
		sim_die_setup("mkdir %s: %s", path, g_strerror(errno));
	g_free(path);
	write_file(node, "", 0);
	/*
	 * Modes matter only to a client that is not root: a node anyone may open
	 * (as a udev rule makes it), or none with --no-access; the ioctl socket
	 * behind it (umockdev's ROOT/ioctl/DEVNODE) open to all.
	 */
	if (chmod(node, d->cfg->no_access ? 0 : 0666) != 0)
		sim_die_setup("chmod %s: %s", node, g_strerror(errno));
	g_free(node);
	path = g_build_filename(r->root_dir, "ioctl", n->devnode, NULL);
	if (chmod(path, 0666) != 0 && errno != ENOENT)
		sim_die_setup("chmod %s: %s", path, g_strerror(errno));
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
					    s_bcd, "speed", "12", "version", " 2.00",
					    "bDeviceClass", "00", "bDeviceSubClass", "00",
					    "bDeviceProtocol", "00", "bMaxPacketSize0", s_mps,
					    "bConfigurationValue", "1", "bNumConfigurations", "1",
					    "bNumInterfaces", " 1", "bmAttributes", "c0",
					    "maxchild", "0", NULL,
					    /* properties */
					    "DEVNAME", n->devnode, "SUBSYSTEM", "usb", "DEVTYPE",
					    "usb_device", "DRIVER", "usb", "BUSNUM", s_busp,
					    "DEVNUM", s_devp, "PRODUCT", s_product, "TYPE", "0/0/0",
					    "ID_VENDOR_ID", s_vid, "ID_MODEL_ID", s_pid, NULL);
	if (n->syspath == NULL)
		sim_die_setup("cannot add device %s", d->port);
	/* sysfs has these files only for the strings the device has */
	if (c->manufacturer != NULL)
		umockdev_testbed_set_attribute(r->tb, n->syspath, "manufacturer", c->manufacturer);
	if (c->product != NULL)
		umockdev_testbed_set_attribute(r->tb, n->syspath, "product", c->product);
	if (serial[0] != '\0') {
		umockdev_testbed_set_attribute(r->tb, n->syspath, "serial", serial);
		umockdev_testbed_set_property(r->tb, n->syspath, "ID_SERIAL_SHORT", serial);
	}
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
		sim_die_setup("cannot add interface %s", ifname);

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

gboolean sim_dev_plug_cb(gpointer user)
{
	sim_dev_plug(user);
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
	g_atomic_int_set(&n->unplugged, 1);
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
	nd = sim_dev_new(r, d->cfg, sim_device_chip(d->model), d->cfg->dfu_serial, 0);
	g_mutex_unlock(&r->lock);
	sim_dev_load_images(nd);
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
	g_timeout_add((guint)ms, sim_dev_plug_cb, d);
	return G_SOURCE_REMOVE;
}

/* Called with the device's lock held, from its worker thread. */
void sim_node_queue_unplug(struct sim_node *n, bool reenumerate)
{
	if (n->unplug_queued)
		return;
	n->unplug_queued = true;
	n->reenumerate = reenumerate;
	g_idle_add(unplug_cb, n);
}
