package dev.hcsim.arch.s390;

import java.util.ArrayList;
import java.util.List;

/**
 * The default {@link VirtioNotifySink}: every subchannel exists with every queue, no ioeventfd is
 * registered (so QEMU's path answers 0), and each notification is recorded in preallocated arrays
 * (the trap path allocates nothing). Keeps the first {@link #CAPACITY} notifications.
 */
public final class RecordingVirtioSink implements VirtioNotifySink {
    /** How many notifications are kept. */
    public static final int CAPACITY = 4096;

    /** One recorded notification. */
    public record Notification(int vcpu, int m, int cssid, int ssid, int schno, int queue, long data) {
    }

    private final int[] vcpus = new int[CAPACITY];
    private final int[] ids = new int[CAPACITY];
    private final int[] queues = new int[CAPACITY];
    private final long[] datas = new long[CAPACITY];
    private int count;
    private long total;

    @Override
    public synchronized boolean queueNotify(int vcpu, int m, int cssid, int ssid, int schno, int queue, long data) {
        if (count < CAPACITY) {
            vcpus[count] = vcpu;
            ids[count] = (cssid << 24) | (m << 19) | (ssid << 17) | 0x10000 | schno;
            queues[count] = queue;
            datas[count] = data;
            count++;
        }
        total++;
        return true;
    }

    /**
     * Notifications seen so far (also those beyond the capacity).
     * @return the count of every notification passed to this sink, recorded or not
     */
    public synchronized long total() {
        return total;
    }

    /**
     * The recorded notifications, oldest first.
     * @return a copy of the recorded notifications, at most the capacity
     */
    public synchronized List<Notification> notifications() {
        List<Notification> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int id = ids[i];
            out.add(new Notification(vcpus[i], (id >>> 19) & 1, id >>> 24, (id >>> 17) & 3, id & 0xFFFF, queues[i], datas[i]));
        }
        return out;
    }
}
