package dev.hcsim.arch.s390;

/**
 * Where DIAGNOSE 0x500 virtio notifications go. An embedding emulator implements it over its own
 * virtio-ccw devices and installs it with {@link S390Vm#virtioSink(VirtioNotifySink)}; the default
 * is a {@link RecordingVirtioSink} that accepts every well-formed notification and records it.
 *
 * <p>The two paths mirror KVM and QEMU: {@link #ioeventfd} is KVM's in-kernel fast path
 * ({@code kvm_io_bus_write_cookie} on {@code KVM_VIRTIO_CCW_NOTIFY_BUS}, arch/s390/kvm/diag.c
 * __diag_virtio_hypercall); when it finds nothing, QEMU checks the subchannel id and queue index
 * (hw/s390x/s390-hypercall.c handle_virtio_ccw_notify) and calls {@link #queueNotify}.
 * Implementations must not throw and should not allocate (the trap path calls them).
 */
public interface VirtioNotifySink {
    /**
     * KVM's fast path: the bus index (the cookie the guest passes back in r4) of an ioeventfd
     * registered for subchannel {@code schid} (low 32 bits of r2) and notification data {@code data}
     * (r3), trying the device at {@code cookie} first; -1 when none matches and QEMU must handle it.
     * @param vcpu the notifying vCPU's index
     * @param schid the subchannel id, the low 32 bits of r2
     * @param data the notification data from r3 (the queue index)
     * @param cookie the bus index the guest got back last time, from r4
     * @return the bus index of the matching ioeventfd, or -1
     */
    default int ioeventfd(int vcpu, long schid, long data, long cookie) {
        return -1;
    }

    /**
     * QEMU's path, after the subchannel-id format and the queue-index limit were checked: true when
     * subchannel {@code m.cssid.ssid.schno} exists, is visible and queue {@code queue} has a non-zero
     * size (the device is notified); false answers -EINVAL.
     * @param vcpu the notifying vCPU's index
     * @param m the M bit of the subchannel id (multiple channel subsystems enabled)
     * @param cssid the channel subsystem id, 0 to 255
     * @param ssid the subchannel set id, 0 to 3
     * @param schno the subchannel number, 0 to 65535
     * @param queue the virtqueue index, below VIRTIO_QUEUE_MAX (1024)
     * @param data the notification data from r3
     * @return true when the device was notified
     */
    boolean queueNotify(int vcpu, int m, int cssid, int ssid, int schno, int queue, long data);
}
