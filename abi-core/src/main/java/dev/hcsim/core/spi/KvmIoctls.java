package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.hcsim.core.CpuidEntry;
import dev.hcsim.core.Errno;
import dev.hcsim.core.KvmException;
import java.util.List;
import org.apiguardian.api.API;

/**
 * What an architecture answers to the VMM-side ioctls of {@link dev.hcsim.core.KvmControl}. Each
 * default is the kernel's answer for an architecture that has nothing there: an unknown ONE_REG id
 * is -ENOENT, an unknown device-attribute group -ENXIO, an unknown capability -EINVAL, an ioctl the
 * architecture lacks (one only another architecture serves) -ENOTTY. A refusal is a
 * {@link KvmException}; the vCPU index has been checked by the caller.
 */
@API(status = INTERNAL, since = "1.0")
public interface KvmIoctls {
    /** An architecture without VMM-side controls. */
    KvmIoctls NONE = new KvmIoctls() {
    };

    /**
     * KVM_GET_ONE_REG.
     * @param vcpu the vCPU index
     * @param id the register id
     * @return the value
     */
    default long getOneReg(int vcpu, long id) {
        throw new KvmException("KVM_GET_ONE_REG", Errno.ENOENT, "no register 0x" + Long.toHexString(id));
    }

    /**
     * KVM_SET_ONE_REG.
     * @param vcpu the vCPU index
     * @param id the register id
     * @param value the value
     */
    default void setOneReg(int vcpu, long id, long value) {
        throw new KvmException("KVM_SET_ONE_REG", Errno.ENOENT, "no register 0x" + Long.toHexString(id));
    }

    /**
     * True on the architecture that has KVM_GET_MSRS/KVM_SET_MSRS.
     * @return whether {@link #getMsr} and {@link #setMsr} are served
     */
    default boolean hasMsrs() {
        return false;
    }

    /**
     * One MSR read as KVM_GET_MSRS makes it (host-initiated).
     * @param vcpu the vCPU index
     * @param index the MSR
     * @return the value, or null when KVM refuses the MSR (the ioctl then stops counting)
     */
    default Long getMsr(int vcpu, long index) {
        return null;
    }

    /**
     * One MSR write as KVM_SET_MSRS makes it (host-initiated).
     * @param vcpu the vCPU index
     * @param index the MSR
     * @param value the value
     * @return false when KVM refuses the MSR (the ioctl then stops counting)
     */
    default boolean setMsr(int vcpu, long index, long value) {
        return false;
    }

    /**
     * KVM_HAS_DEVICE_ATTR on the VM (vCPU index -1) or a vCPU.
     * @param vcpu the vCPU index, or -1 for the VM
     * @param group the attribute group
     * @param attr the attribute
     * @return true for 0, false for -ENXIO
     */
    default boolean hasDeviceAttr(int vcpu, long group, long attr) {
        return false;
    }

    /**
     * KVM_SET_DEVICE_ATTR on the VM (vCPU index -1) or a vCPU.
     * @param vcpu the vCPU index, or -1 for the VM
     * @param group the attribute group
     * @param attr the attribute
     * @param value the bytes {@code attr.addr} points at, in the host's byte order
     */
    default void setDeviceAttr(int vcpu, long group, long attr, byte[] value) {
        throw new KvmException("KVM_SET_DEVICE_ATTR", Errno.ENXIO, "no attribute group " + group);
    }

    /**
     * KVM_GET_DEVICE_ATTR on the VM (vCPU index -1) or a vCPU.
     * @param vcpu the vCPU index, or -1 for the VM
     * @param group the attribute group
     * @param attr the attribute
     * @return the bytes the kernel writes at {@code attr.addr}
     */
    default byte[] getDeviceAttr(int vcpu, long group, long attr) {
        throw new KvmException("KVM_GET_DEVICE_ATTR", Errno.ENXIO, "no attribute group " + group);
    }

    /**
     * KVM_ENABLE_CAP on the VM (vCPU index -1) or a vCPU.
     * @param vcpu the vCPU index, or -1 for the VM
     * @param cap the capability number
     * @param args {@code args[0..3]}
     */
    default void enableCap(int vcpu, long cap, long[] args) {
        throw new KvmException("KVM_ENABLE_CAP", Errno.EINVAL, "capability " + cap + " cannot be enabled here");
    }

    /**
     * KVM_CHECK_EXTENSION on the VM: 0 for a capability the architecture does not have (kvm_main.c
     * kvm_vm_ioctl_check_extension_generic's default), else 1 or the capability's bit mask.
     * @param cap the capability number
     * @return the ioctl's value
     */
    default long checkExtension(long cap) {
        return 0;
    }

    /**
     * KVM_SET_GUEST_DEBUG on a vCPU ({@code struct kvm_guest_debug.control}).
     * @param vcpu the vCPU index
     * @param control the KVM_GUESTDBG_* flags
     */
    default void setGuestDebug(int vcpu, long control) {
        throw new KvmException("KVM_SET_GUEST_DEBUG", Errno.EINVAL, "guest debugging is not modelled on this architecture");
    }

    /**
     * KVM_SET_CPUID2.
     * @param vcpu the vCPU index
     * @param entries the entries
     */
    default void setCpuid(int vcpu, List<CpuidEntry> entries) {
        throw new KvmException("KVM_SET_CPUID2", Errno.ENOTTY, "no CPUID on this architecture");
    }

    /**
     * KVM_GET_CPUID2.
     * @param vcpu the vCPU index
     * @return the entries last set
     */
    default List<CpuidEntry> getCpuid(int vcpu) {
        throw new KvmException("KVM_GET_CPUID2", Errno.ENOTTY, "no CPUID on this architecture");
    }

    /**
     * A field of {@code kvm_run->s.regs}, named by its KVM_SYNC_* bit.
     * @param vcpu the vCPU index
     * @param syncBit the KVM_SYNC_* bit of the field
     * @return the value
     */
    default long getSyncReg(int vcpu, long syncBit) {
        throw new KvmException("KVM_RUN (kvm_run->s.regs)", Errno.EINVAL, "no synced register 0x" + Long.toHexString(syncBit));
    }

    /**
     * Sets a field of {@code kvm_run->s.regs} and its bit in {@code kvm_dirty_regs}, as the next KVM_RUN reads it.
     * @param vcpu the vCPU index
     * @param syncBit the KVM_SYNC_* bit of the field
     * @param value the value
     */
    default void setSyncReg(int vcpu, long syncBit, long value) {
        throw new KvmException("KVM_RUN (kvm_run->s.regs)", Errno.EINVAL, "no synced register 0x" + Long.toHexString(syncBit));
    }

    /**
     * The {@code hcsim explain} line of an architecture whose guests read steal time: where a test reads the host's
     * scheduling delay, the quantity the guest's steal record is compared with (steal_time.c main()).
     * @param record the steal record and the kernel function that updates it
     * @return the line
     */
    static String runDelayLine(String record) {
        return "host scheduling delay (the vCPU thread's sched_info.run_delay, steal_time.c get_run_delay()): Machine.stealNanos(vcpu), "
                + "or the stealNanos an embedder passes to Vm.scheduleIn; each schedule-in adds the wait since the last one to " + record;
    }

    /**
     * The {@code hcsim explain} line of an architecture whose calls raise KVM_EXIT_SYSTEM_EVENT: how the VMM reads the
     * event and re-enters the vCPU after it.
     * @param events the events this architecture raises, and from which calls
     * @return the line
     */
    static String reenterLine(String events) {
        return "KVM_EXIT_SYSTEM_EVENT (" + events + "): type, ndata and data[] in Exit.SystemEvent; KVM_SET_MP_STATE "
                + "KVM_MP_STATE_RUNNABLE and KVM_RUN after it (or after any exit the VMM left unanswered): Machine.reenter(vcpu), "
                + "or Vm.completeExit in the embedder's own loop";
    }

    /**
     * The controls this architecture serves, one line each, for {@code hcsim explain}.
     * @return lines such as "KVM_SET_ONE_REG KVM_REG_ARM_PSCI_VERSION (0x6030000000140000): ..."
     */
    default List<String> describe() {
        return List.of();
    }
}
