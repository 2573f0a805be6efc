package dev.hcsim.arch.x86;

import dev.hcsim.core.Errno;
import dev.hcsim.core.KvmException;
import java.util.Arrays;

/**
 * The Hyper-V connection IDs the VMM gave an eventfd ({@code kvm->arch.hyperv.conn_to_evt}, set with
 * KVM_HYPERV_EVENTFD, arch/x86/kvm/hyperv.c {@code kvm_vm_ioctl_hv_eventfd}): any 24-bit connection ID, as KVM takes
 * them. HVCALL_SIGNAL_EVENT to one is answered in the kernel ({@code kvm_hvcall_signal_event}); hcsim counts each
 * signal, as it has no host process to wake. The table is replaced whole on a change (a VMM-side ioctl); a signal
 * looks up and counts without allocating.
 */
final class X86HypervEventfds {
    /** The table: connection IDs in ascending order and each one's signal count. */
    private record Table(int[] ids, long[] signals) {
    }

    private volatile Table table = new Table(new int[0], new long[0]);

    /** The IDs of {@code mask}'s set bits (the {@code --hyperv-eventfds} option: connection IDs 0..63). */
    void assignMask(long mask) {
        for (int i = 0; i < 64; i++) {
            if ((mask & (1L << i)) != 0) {
                assign(i, false);
            }
        }
    }

    /**
     * KVM_HYPERV_EVENTFD: kvm_vm_ioctl_hv_eventfd, kvm_hv_eventfd_assign and kvm_hv_eventfd_deassign.
     * @param connId the connection ID
     * @param deassign KVM_HYPERV_EVENTFD_DEASSIGN
     * @throws KvmException -EINVAL for an ID past KVM_HYPERV_CONN_ID_MASK, -EEXIST to assign one twice, -ENOENT to remove
     *   one that has none
     */
    synchronized void assign(long connId, boolean deassign) {
        if ((connId & ~X86HypervTlfs.KVM_HYPERV_CONN_ID_MASK) != 0) {
            throw new KvmException("KVM_HYPERV_EVENTFD", Errno.EINVAL, "conn_id 0x" + Long.toHexString(connId) + " past KVM_HYPERV_CONN_ID_MASK (24 bits)");
        }
        Table t = table;
        int at = Arrays.binarySearch(t.ids(), (int) connId);
        if (deassign) {
            if (at < 0) {
                throw new KvmException("KVM_HYPERV_EVENTFD", Errno.ENOENT, "conn_id " + connId + " has no eventfd (kvm_hv_eventfd_deassign)");
            }
            int n = t.ids().length - 1;
            int[] ids = new int[n];
            long[] signals = new long[n];
            System.arraycopy(t.ids(), 0, ids, 0, at);
            System.arraycopy(t.ids(), at + 1, ids, at, n - at);
            System.arraycopy(t.signals(), 0, signals, 0, at);
            System.arraycopy(t.signals(), at + 1, signals, at, n - at);
            table = new Table(ids, signals);
            return;
        }
        if (at >= 0) {
            throw new KvmException("KVM_HYPERV_EVENTFD", Errno.EEXIST, "conn_id " + connId + " already has an eventfd (kvm_hv_eventfd_assign: idr_alloc -ENOSPC)");
        }
        int ins = -at - 1;
        int n = t.ids().length + 1;
        int[] ids = new int[n];
        long[] signals = new long[n];
        System.arraycopy(t.ids(), 0, ids, 0, ins);
        System.arraycopy(t.ids(), ins, ids, ins + 1, n - 1 - ins);
        System.arraycopy(t.signals(), 0, signals, 0, ins);
        System.arraycopy(t.signals(), ins, signals, ins + 1, n - 1 - ins);
        ids[ins] = (int) connId;
        table = new Table(ids, signals);
    }

    /**
     * idr_find(&hv->conn_to_evt, conn) and eventfd_signal: true, and counted, when {@code connId} has an eventfd.
     * @param connId a 24-bit connection ID
     * @return whether it has one
     */
    boolean signal(long connId) {
        Table t = table;
        int at = Arrays.binarySearch(t.ids(), (int) connId);
        if (at < 0) {
            return false;
        }
        t.signals()[at]++;
        return true;
    }

    /** How many times {@code connId}'s eventfd was signalled; 0 for one without. */
    long signals(long connId) {
        Table t = table;
        int at = connId < 0 || connId > X86HypervTlfs.KVM_HYPERV_CONN_ID_MASK ? -1 : Arrays.binarySearch(t.ids(), (int) connId);
        return at < 0 ? 0 : t.signals()[at];
    }

    /** The IDs, for snapshots. */
    long[] ids() {
        return Arrays.stream(table.ids()).asLongStream().toArray();
    }

    /** The counts, in the order of {@link #ids()}. */
    long[] counts() {
        return table.signals().clone();
    }

    /** Restores what {@link #ids()} and {@link #counts()} returned. */
    synchronized void restore(long[] ids, long[] counts) {
        if (ids.length != counts.length) {
            throw new IllegalArgumentException("snapshot: " + ids.length + " Hyper-V eventfd IDs but " + counts.length + " signal counts");
        }
        int[] i = new int[ids.length];
        for (int k = 0; k < ids.length; k++) {
            i[k] = (int) ids[k];
        }
        table = new Table(i, counts.clone());
    }
}
