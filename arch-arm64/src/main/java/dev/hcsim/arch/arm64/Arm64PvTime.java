package dev.hcsim.arch.arm64;

import static dev.hcsim.arch.arm64.Arm64Vm.EEXIST;
import static dev.hcsim.arch.arm64.Arm64Vm.EINVAL;
import static dev.hcsim.arch.arm64.Arm64Vm.ENXIO;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.GuestFault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.VmSnapshot;
import dev.hcsim.core.spi.VmContext;

/**
 * The per-vCPU shared-memory structures userspace registers on arm64: the stolen-time record of
 * arch/arm64/kvm/pvtime.c (KVM_ARM_VCPU_PVTIME_IPA, kvm_update_stolen_time) and the PV-lock
 * "preempted" word of the PV-lock RFC (KVM_ARM_VCPU_PVLOCK_IPA), kept up to date by the scheduler hooks.
 */
final class Arm64PvTime {
    private static final long UNSET = -1L; // INVALID_GPA

    private final VmContext vm;
    private final boolean pvlock;
    private final long[] pvtimeBase;
    private final long[] runDelay;
    private final long[] lastSteal;
    private final long[] pvlockBase;
    private final byte[][] hookScratch;

    Arm64PvTime(VmContext vm, boolean pvlock) {
        this.vm = vm;
        int vcpus = vm.vcpuCount();
        this.pvlock = pvlock;
        this.pvtimeBase = new long[vcpus];
        this.runDelay = new long[vcpus];
        this.lastSteal = new long[vcpus];
        this.pvlockBase = new long[vcpus];
        java.util.Arrays.fill(pvtimeBase, UNSET);
        java.util.Arrays.fill(pvlockBase, UNSET);
        this.hookScratch = new byte[vcpus][8];
    }

    /**
     * kvm_arch_vcpu_load raises KVM_REQ_RECORD_STEAL; before the next entry kvm_update_stolen_time
     * reads the little-endian stolen_time at +8, adds the run delay since the last update and writes
     * it back (pvtime.c). With the PV-lock option, the RFC's kvm_update_pvlock_preempted writes 0.
     */
    void scheduleIn(int vcpu, long nowNanos, long stealNanos, MemoryAccess memory) {
        runDelay[vcpu] += stealNanos;
        long base = pvtimeBase[vcpu];
        if (base != UNSET) {
            long steal = readLe64(vcpu, memory, base + 8);
            long delay = runDelay[vcpu];
            writeLe64(vcpu, memory, base + 8, steal + (delay - lastSteal[vcpu]));
            lastSteal[vcpu] = delay;
        }
        if (pvlockBase[vcpu] != UNSET) { // set only with the PV-lock option (setPvlockIpa is -ENXIO without it)
            writeLe64(vcpu, memory, pvlockBase[vcpu], 0);
        }
    }

    /** The PV-lock RFC's kvm_arch_vcpu_put: preempted = 1 whenever the vCPU leaves its physical CPU. */
    void scheduleOut(int vcpu, long nowNanos, boolean preempted, MemoryAccess memory) {
        if (pvlockBase[vcpu] != UNSET) {
            writeLe64(vcpu, memory, pvlockBase[vcpu], 1);
        }
    }

    private long readLe64(int vcpu, MemoryAccess memory, long gpa) {
        byte[] b = hookScratch[vcpu];
        memory.readBytes(gpa, b, 0, 8);
        return Bytes.get(b, 0, 8, false);
    }

    private void writeLe64(int vcpu, MemoryAccess memory, long gpa, long value) {
        byte[] b = hookScratch[vcpu];
        Bytes.put(b, 0, 8, value, false);
        memory.writeBytes(gpa, b, 0, 8);
    }

    /** kvm_init_stolen_time: zero the 64-byte record and count stolen time from now. Returns the IPA or -1. */
    long initStolenTime(int vcpu, MemoryAccess memory) {
        long base = pvtimeBase[vcpu];
        if (base == UNSET) {
            return UNSET;
        }
        lastSteal[vcpu] = runDelay[vcpu];
        try {
            memory.writeZeros(base, 64);
        } catch (GuestFault ignored) {
            // kvm_write_guest_lock's result is ignored; the IPA is returned anyway.
        }
        return base;
    }

    /**
     * KVM_SET_DEVICE_ATTR group KVM_ARM_VCPU_PVTIME_CTRL, attr KVM_ARM_VCPU_PVTIME_IPA
     * (pvtime.c kvm_arm_pvtime_set_attr): -EINVAL unless 64-byte aligned, -EEXIST when already set,
     * -EINVAL when not inside guest memory.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param ipa the IPA of the vCPU's stolen-time structure
     * @return 0, -EINVAL or -EEXIST, as the ioctl returns them
     */
    int setPvtimeIpa(int vcpu, long ipa) {
        return setIpa(pvtimeBase, vcpu, ipa); // the vCPU index was checked by KvmControl (or is the option loop's)
    }

    /** The checks both structures' IPA attributes make: 64-byte aligned (-EINVAL), set once (-EEXIST), inside guest memory (-EINVAL). */
    private int setIpa(long[] bases, int vcpu, long ipa) {
        if ((ipa & 63) != 0) {
            return -EINVAL;
        }
        if (bases[vcpu] != UNSET) {
            return -EEXIST;
        }
        if (!vm.config().inMemory(ipa, 64)) {
            return -EINVAL;
        }
        bases[vcpu] = ipa;
        return 0;
    }

    /**
     * KVM_GET_DEVICE_ATTR KVM_ARM_VCPU_PVTIME_IPA: the IPA, or all ones (INVALID_GPA) when unset.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return the stolen-time structure's IPA, or -1 (INVALID_GPA)
     */
    long pvtimeIpa(int vcpu) {
        return pvtimeBase[vcpu];
    }

    /**
     * The seed's KVM_ARM_VCPU_PVLOCK_CTRL / KVM_ARM_VCPU_PVLOCK_IPA: -ENXIO when PV lock is not
     * implemented (the {@code pvlock} option off: mainline has no group 3), -EINVAL unless 64-byte
     * aligned, -EEXIST when already set, -EINVAL outside guest memory.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param ipa the IPA of the vCPU's PV-lock structure
     * @return 0, -ENXIO, -EINVAL or -EEXIST, as the ioctl returns them
     */
    int setPvlockIpa(int vcpu, long ipa) {
        return !pvlock ? -ENXIO : setIpa(pvlockBase, vcpu, ipa);
    }

    /**
     * The PV-lock structure's IPA of {@code vcpu}, or -1.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return the IPA set with {@link #setPvlockIpa}, or -1 when unset
     */
    long pvlockIpa(int vcpu) {
        return pvlockBase[vcpu];
    }

    long pvtimeBase(int vcpu) {
        return pvtimeBase[vcpu];
    }

    long pvlockBase(int vcpu) {
        return pvlockBase[vcpu];
    }

    /** A vCPU's snapshot words: the two IPAs and the stolen-time accounting. */
    void save(int vcpu, VmSnapshot.State.Builder c) {
        c.put("pvtimeIpa", pvtimeBase[vcpu]).put("runDelay", runDelay[vcpu]).put("lastSteal", lastSteal[vcpu]).put("pvlockIpa", pvlockBase[vcpu]);
    }

    void restore(int vcpu, VmSnapshot.State c) {
        pvtimeBase[vcpu] = c.num("pvtimeIpa");
        runDelay[vcpu] = c.num("runDelay");
        lastSteal[vcpu] = c.num("lastSteal");
        pvlockBase[vcpu] = c.num("pvlockIpa");
    }
}
