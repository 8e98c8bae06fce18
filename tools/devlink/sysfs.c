// SPDX-License-Identifier: GPL-2.0
/*
 * dsa-sf: what sysfs says of an SF's auxiliary device (idxd.sf.<n>, a
 * child of its PCI device, with sfnum, wq and pasid attributes), and
 * binding it to a driver.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "sysfs.h"

/*
 * A number attribute of the device, read whole as the kernel writes one
 * (decimal, a newline): 0, or -errno if it is missing or not a number.
 */
static int sf_attr_u32(const char *dev, const char *attr, uint32_t *v)
{
	char path[PATH_MAX], buf[16];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SF_AUX_DIR "/%s/%s", dev, attr);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || buf[n - 1] != '\n')
		return -EINVAL;
	buf[n - 1] = '\0';
	return parse_u32(buf, UINT32_MAX, v);
}

/* The same, or -1 for an attribute that cannot be read. */
static int sf_attr_or_none(const char *dev, const char *attr)
{
	uint32_t v;

	return sf_attr_u32(dev, attr, &v) || v > INT_MAX ? -1 : (int)v;
}

/* The last component of what the link @path points at, or "". */
static void link_name(const char *path, char *out, size_t size)
{
	char target[PATH_MAX];
	ssize_t n;

	out[0] = '\0';
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return;
	target[n] = '\0';
	snprintf(out, size, "%s", basename(target));
}

/* The same for the link @link of auxiliary device @dev. */
static void sf_link_name(const char *dev, const char *link, char *out,
			 size_t size)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), SF_AUX_DIR "/%s/%s", dev, link);
	link_name(path, out, size);
}

/* The IOMMU group (a VFIO driver's /dev/vfio/<group>), or -1. */
static int sf_group(const char *dev)
{
	char group[32];
	uint32_t v;

	sf_link_name(dev, "iommu_group", group, sizeof(group));
	return parse_u32(group, INT_MAX, &v) ? -1 : (int)v;
}

/* Whether idxd.sf.<n> @dev hangs off @pci (its parent's name). */
static bool sf_aux_of(const char *dev, const char *pci)
{
	char path[PATH_MAX], real[PATH_MAX];

	snprintf(path, sizeof(path), SF_AUX_DIR "/%s", dev);
	if (!realpath(path, real))
		return false;
	return !strcmp(basename(dirname(real)), pci);
}

/* Whether our idxd drives @dev: other drivers' SFs are not ours to touch. */
bool sf_dev_is_idxd(const struct dl_dev *dev)
{
	char path[PATH_MAX], driver[64];

	snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/driver", dev->bus,
		 dev->name);
	link_name(path, driver, sizeof(driver));
	return !strcmp(driver, "idxd");
}

/*
 * The auxiliary device of an SF port: 0 and @aux filled, or -ENOENT
 * (the SF is inactive, or not ours).
 */
int sf_aux_find(const struct dl_port *port, struct sf_aux *aux)
{
	struct dirent *de;
	uint32_t sfnum;
	DIR *d;
	int ret = -ENOENT;

	memset(aux, 0, sizeof(*aux));
	aux->pasid = aux->wq = aux->group = -1;
	if (!port->has_sfnum)
		return -ENOENT;
	d = opendir(SF_AUX_DIR);
	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "idxd.sf.", 8) ||
		    sf_attr_u32(de->d_name, "sfnum", &sfnum) ||
		    sfnum != port->sfnum ||
		    !sf_aux_of(de->d_name, port->dev.name))
			continue;
		snprintf(aux->name, sizeof(aux->name), "%s", de->d_name);
		sf_link_name(aux->name, "driver", aux->driver,
			     sizeof(aux->driver));
		aux->pasid = sf_attr_or_none(aux->name, "pasid");
		aux->wq = sf_attr_or_none(aux->name, "wq");
		aux->group = sf_group(aux->name);
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

static int sf_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return 0;
}

extern char **environ;

/*
 * modprobe -q @module.  It runs with SIGINT, SIGTERM and SIGHUP blocked:
 * a Ctrl-C reaches the whole process group, and dsa-sf, which undoes its
 * create on one, needs the load it was waiting for to finish first.
 */
static int sf_modprobe(const char *module)
{
	char *const argv[] = { "modprobe", "-q", (char *)module, NULL };
	posix_spawnattr_t attr;
	sigset_t block;
	int status, ret;
	pid_t pid;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	if (posix_spawnattr_init(&attr))
		return -1;
	ret = posix_spawnattr_setsigmask(&attr, &block) ||
	      posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK) ||
	      posix_spawnp(&pid, "modprobe", NULL, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	if (ret)
		return -1;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status) ? -1 : 0;
}

/*
 * @aux to @driver: unbound from another driver first; @module is loaded
 * if the driver is not there.
 */
int sf_aux_bind(const struct sf_aux *aux, const char *driver,
		const char *module)
{
	char path[PATH_MAX];
	int ret;

	if (!strcmp(aux->driver, driver))
		return 0;
	snprintf(path, sizeof(path), "/sys/bus/auxiliary/drivers/%s", driver);
	if (access(path, F_OK) && sf_modprobe(module))
		return -ENOENT;
	if (aux->driver[0]) {
		snprintf(path, sizeof(path),
			 "/sys/bus/auxiliary/drivers/%s/unbind", aux->driver);
		ret = sf_write(path, aux->name);
		if (ret)
			return ret;
	}
	snprintf(path, sizeof(path), "/sys/bus/auxiliary/drivers/%s/bind",
		 driver);
	ret = sf_write(path, aux->name);
	/* loading the module may have bound it already */
	return ret == -EBUSY ? 0 : ret;
}
