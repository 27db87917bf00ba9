// SPDX-License-Identifier: GPL-2.0
/*
 * aiopi_i2c_test - an I2C adapter with no hardware behind it, for aiopi's kernel tests.
 *
 * i2c-stub speaks SMBus only, so raw transfers (I2C_RDWR: a write, a repeated start, a read, one STOP) need
 * an adapter with master_xfer. This one, named "aiopi-test-i2c", serves two register-map devices:
 *
 *   - at 0x50 and 0x51, 256 byte-wide registers each, all zero when the module loads;
 *   - a write message's first byte sets the device's register pointer, further bytes are stored from there;
 *   - a read message returns bytes from the pointer;
 *   - the pointer auto-increments (wrapping from 0xff to 0x00) and survives a repeated start and the end
 *     of a transfer, so "write [reg], read n" reads n registers from reg;
 *   - every other address is not acknowledged: the transfer fails with -ENXIO, as drivers report a NACK
 *     on the address.
 *
 * A command device, for sensors such as the HTU21D whose reply depends on the command last written (a
 * register map cannot serve the HTU21D: its commands 0xE3 and 0xE5 each read 3 bytes, so their replies would
 * overlap). Off when the module loads, so that a bus scan finds 0x50 and 0x51 only; a test switches it on
 * with the writable parameter /sys/module/aiopi_i2c_test/parameters/command_device (Y / N):
 *
 *   - at 0x40 the device: a write message's first byte is its command (further bytes are ignored); a read
 *     message returns the reply set for the last command, from its first byte each time (0xff past the
 *     reply's end or when none is set);
 *   - at 0x41 its control port: a write [cmd, b0, b1, ...] sets the reply to cmd (up to
 *     AIOPI_REPLY_MAX bytes; a write of [cmd] alone clears it).
 *
 * The replies stay set when the parameter is switched off: a test clears what it set.
 *
 * Functionality: I2C_FUNC_I2C | I2C_FUNC_SMBUS_EMUL (the I2C core emulates SMBus calls on master_xfer).
 * Blocks whose length the device sends (I2C_M_RECV_LEN) are not offered, as on the Raspberry Pi's
 * controller. master_xfer runs with the adapter's bus lock held, so the register maps need no lock.
 */
#include <linux/errno.h>
#include <linux/i2c.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/string.h>

#define AIOPI_FIRST_ADDR 0x50
#define AIOPI_NUM_DEVICES 2
#define AIOPI_COMMAND_ADDR 0x40
#define AIOPI_CONTROL_ADDR 0x41
#define AIOPI_REPLY_MAX 8

struct aiopi_regmap {
	u8 regs[256];
	u8 pointer; /* u8: wraps at the end of the map by itself */
};

static struct aiopi_regmap aiopi_devices[AIOPI_NUM_DEVICES];

struct aiopi_reply {
	u8 bytes[AIOPI_REPLY_MAX];
	u8 len;
};

struct aiopi_command_device {
	struct aiopi_reply replies[256]; /* by command byte */
	u8 command; /* the last command written */
};

static struct aiopi_command_device aiopi_command_device;

/* Read at each transfer: a test switches the command device on and off while the module stays loaded. */
static bool command_device;
module_param(command_device, bool, 0644);
MODULE_PARM_DESC(command_device,
		 "serve the command device at 0x40 and its control port at 0x41 (default N)");

/* The transfer's message to or from the command device (0x40). */
static void aiopi_command_xfer(struct i2c_msg *msg)
{
	struct aiopi_command_device *dev = &aiopi_command_device;
	const struct aiopi_reply *reply;
	u16 j;

	if (!(msg->flags & I2C_M_RD)) {
		if (msg->len > 0)
			dev->command = msg->buf[0];
		return;
	}
	reply = &dev->replies[dev->command];
	for (j = 0; j < msg->len; j++)
		msg->buf[j] = j < reply->len ? reply->bytes[j] : 0xff;
}

/* A message to the control port (0x41): write [cmd, reply...] sets the reply to cmd. */
static int aiopi_control_xfer(struct i2c_msg *msg)
{
	struct aiopi_reply *reply;

	if (msg->flags & I2C_M_RD) {
		memset(msg->buf, 0xff, msg->len);
		return 0;
	}
	if (msg->len == 0)
		return 0;
	if (msg->len - 1 > AIOPI_REPLY_MAX)
		return -EINVAL;
	reply = &aiopi_command_device.replies[msg->buf[0]];
	memcpy(reply->bytes, msg->buf + 1, msg->len - 1);
	reply->len = msg->len - 1;
	return 0;
}

static struct aiopi_regmap *aiopi_device_at(const struct i2c_msg *msg)
{
	if (msg->flags & I2C_M_TEN)
		return NULL;
	if (msg->addr < AIOPI_FIRST_ADDR ||
	    msg->addr >= AIOPI_FIRST_ADDR + AIOPI_NUM_DEVICES)
		return NULL;
	return &aiopi_devices[msg->addr - AIOPI_FIRST_ADDR];
}

static int aiopi_master_xfer(struct i2c_adapter *adap, struct i2c_msg *msgs,
			     int num)
{
	int i;
	u16 j;

	for (i = 0; i < num; i++) {
		struct i2c_msg *msg = &msgs[i];
		struct aiopi_regmap *dev = aiopi_device_at(msg);
		int err;

		if (command_device && !(msg->flags & I2C_M_TEN) &&
		    (msg->addr == AIOPI_COMMAND_ADDR ||
		     msg->addr == AIOPI_CONTROL_ADDR)) {
			if (msg->flags & I2C_M_RECV_LEN)
				return -EOPNOTSUPP;
			if (msg->addr == AIOPI_CONTROL_ADDR) {
				err = aiopi_control_xfer(msg);
				if (err)
					return err;
			} else {
				aiopi_command_xfer(msg);
			}
			continue;
		}
		if (!dev)
			return -ENXIO; /* nobody acknowledged the address */
		if (msg->flags & I2C_M_RECV_LEN)
			return -EOPNOTSUPP;
		if (msg->flags & I2C_M_RD) {
			for (j = 0; j < msg->len; j++)
				msg->buf[j] = dev->regs[dev->pointer++];
		} else if (msg->len > 0) {
			dev->pointer = msg->buf[0];
			for (j = 1; j < msg->len; j++)
				dev->regs[dev->pointer++] = msg->buf[j];
		}
	}
	return num;
}

static u32 aiopi_functionality(struct i2c_adapter *adap)
{
	return I2C_FUNC_I2C | I2C_FUNC_SMBUS_EMUL;
}

static const struct i2c_algorithm aiopi_algorithm = {
	.master_xfer = aiopi_master_xfer,
	.functionality = aiopi_functionality,
};

/* No class: no driver probes these addresses on its own. */
static struct i2c_adapter aiopi_adapter = {
	.owner = THIS_MODULE,
	.algo = &aiopi_algorithm,
	.name = "aiopi-test-i2c",
};

static int __init aiopi_i2c_test_init(void)
{
	memset(aiopi_devices, 0, sizeof(aiopi_devices));
	memset(&aiopi_command_device, 0, sizeof(aiopi_command_device));
	return i2c_add_adapter(&aiopi_adapter);
}

static void __exit aiopi_i2c_test_exit(void)
{
	i2c_del_adapter(&aiopi_adapter);
}

module_init(aiopi_i2c_test_init);
module_exit(aiopi_i2c_test_exit);

MODULE_DESCRIPTION("aiopi-test-i2c: register-map and command-device I2C adapter for aiopi's kernel tests");
MODULE_LICENSE("GPL");
