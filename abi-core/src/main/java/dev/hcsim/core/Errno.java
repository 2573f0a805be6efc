package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The errno values KVM's ioctls answer the VMM with (include/uapi/asm-generic/errno-base.h and
 * errno.h). An ioctl returns the value negated; {@link KvmException} carries it.
 */
@API(status = STABLE, since = "1.0")
public enum Errno {
    /** Operation not permitted. */
    EPERM(1),
    /** No such entry: an unknown ONE_REG id (kvm_arm_get_fw_reg's default). */
    ENOENT(2),
    /** No such device or address: an unknown device-attribute group or attribute. */
    ENXIO(6),
    /** Argument list too long: more entries than the ioctl takes. */
    E2BIG(7),
    /** Bad address: copy_from_user/copy_to_user failed. */
    EFAULT(14),
    /** Device or resource busy: a change the kernel refuses once a vCPU has run. */
    EBUSY(16),
    /** File exists: set twice, or a range that overlaps one already set. */
    EEXIST(17),
    /** Invalid argument. */
    EINVAL(22),
    /** Inappropriate ioctl: the architecture has no such ioctl (an ioctl another architecture has). */
    ENOTTY(25),
    /** Operation not supported. */
    EOPNOTSUPP(95);

    private final int number;

    Errno(int number) {
        this.number = number;
    }

    /**
     * The positive errno number.
     * @return 1 for EPERM, 22 for EINVAL, ...
     */
    public int number() {
        return number;
    }

    /**
     * What the ioctl returns: the number negated.
     * @return -number
     */
    public int returnValue() {
        return -number;
    }

    /**
     * The errno of a negated ioctl return value.
     * @param returnValue a negative ioctl return, -1 to -95
     * @return the errno
     * @throws IllegalArgumentException for a value that is no errno listed here
     */
    public static Errno ofReturn(long returnValue) {
        for (Errno e : values()) {
            if (e.returnValue() == returnValue) {
                return e;
            }
        }
        throw new IllegalArgumentException("no errno is " + returnValue);
    }

    /** {@code -EINVAL}, as the kernel's sources and selftests write it. */
    @Override
    public String toString() {
        return "-" + name();
    }
}
