package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import dev.hcsim.core.spi.KvmIoctls;
import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;

/**
 * The VMM-side control surface of a VM, modelled on the KVM uAPI: what a VMM sets with
 * KVM_SET_ONE_REG, KVM_SET_MSRS, KVM_SET_DEVICE_ATTR, KVM_ENABLE_CAP and KVM_SET_CPUID2 for the
 * hypercall ABI, with KVM's names and KVM's answers. Get it with {@link Vm#control()}.
 *
 * <p>One rule for every method: where the ioctl returns 0 (or a count), the method returns; where it
 * returns a negative errno, the method throws {@link KvmException} carrying the ioctl's name and the
 * {@link Errno}. Misuse of the Java API itself (a vCPU index out of range, a null array, list or entry) is an
 * {@link IllegalArgumentException} with a one-line message, never a KvmException.
 *
 * <p>Device-attribute values are the bytes {@code struct kvm_device_attr.addr} points at, in the
 * host's byte order (little-endian for the 64-bit values KVM takes); {@link #u64(long)} and
 * {@link #u64(byte[])} convert. "First run" is the first trap or the first schedule-in of any vCPU
 * of the VM ({@link Vm#hasRun()}): the controls KVM freezes then answer -EBUSY from there on.
 */
@API(status = STABLE, since = "1.0")
public final class KvmControl {
    /** The VM-wide target of a device attribute or capability (the VM file descriptor). */
    private static final int VM_FD = -1;

    private final Vm vm;
    private final KvmIoctls ioctls;

    // Every setter ends with vm.offersChanged(): any of them may change which calls the VM offers (a firmware bitmap
    // register, a capability, CPUID, a PV feature attribute), and the trap path keeps that answer per call site until
    // the VM's offers generation changes. A setter that changes nothing costs only a re-ask at the next call.
    KvmControl(Vm vm, KvmIoctls ioctls) {
        this.vm = vm;
        this.ioctls = ioctls;
    }

    private static <T> T given(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException("the " + what + " is null");
        }
        return value;
    }

    private int vcpu(int vcpu) {
        if (vcpu < 0 || vcpu >= vm.vcpuCount()) {
            throw new IllegalArgumentException("vCPU index " + vcpu + " is out of range: this VM has vCPUs 0 to " + (vm.vcpuCount() - 1));
        }
        return vcpu;
    }

    /**
     * KVM_GET_ONE_REG.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param id the register id (KVM_REG_ARM_PSCI_VERSION, ...)
     * @return the register's value
     * @throws KvmException -ENOENT for an id the architecture does not know
     * @throws IllegalArgumentException for a vCPU index out of range
     */
    public long getOneReg(int vcpu, long id) {
        return ioctls.getOneReg(vcpu(vcpu), id);
    }

    /**
     * KVM_SET_ONE_REG.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param id the register id
     * @param value the new value
     * @throws KvmException -ENOENT for an unknown id, -EINVAL for a value KVM refuses, -EBUSY for a change KVM
     *   refuses once the VM has run (the architecture's documentation lists which)
     * @throws IllegalArgumentException for a vCPU index out of range
     */
    public void setOneReg(int vcpu, long id, long value) {
        try {
            ioctls.setOneReg(vcpu(vcpu), id, value);
        } finally {
            vm.offersChanged();
        }
    }

    /**
     * KVM_GET_MSRS: reads the MSRs in order and stops at the first one KVM refuses, as msr_io does.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param indices the MSR numbers
     * @return the entries read; fewer than asked when KVM refused one (the ioctl's return value is the size)
     * @throws KvmException -ENOTTY on an architecture without MSRs
     * @throws IllegalArgumentException for a vCPU index out of range or a null array
     */
    public List<MsrEntry> getMsrs(int vcpu, long... indices) {
        vcpu(vcpu);
        given(indices, "array of MSR indices");
        requireMsrs("KVM_GET_MSRS");
        List<MsrEntry> out = new ArrayList<>();
        for (long index : indices) {
            Long v = ioctls.getMsr(vcpu, new MsrEntry(index, 0).index());
            if (v == null) {
                break;
            }
            out.add(new MsrEntry(index, v));
        }
        return List.copyOf(out);
    }

    /**
     * KVM_SET_MSRS: writes the MSRs in order and stops at the first one KVM refuses, as msr_io does.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param entries the MSRs and their values
     * @return how many were written (the ioctl's return value); fewer than given when KVM refused one
     * @throws KvmException -ENOTTY on an architecture without MSRs
     * @throws IllegalArgumentException for a vCPU index out of range or a null array or entry
     */
    public int setMsrs(int vcpu, MsrEntry... entries) {
        vcpu(vcpu);
        for (MsrEntry e : given(entries, "array of MSR entries")) {
            given(e, "MSR entry");
        }
        requireMsrs("KVM_SET_MSRS");
        int n = 0;
        try {
            for (MsrEntry e : entries) {
                if (!ioctls.setMsr(vcpu, e.index(), e.data())) {
                    break;
                }
                n++;
            }
        } finally {
            vm.offersChanged();
        }
        return n;
    }

    private void requireMsrs(String ioctl) {
        if (!ioctls.hasMsrs()) {
            throw new KvmException(ioctl, Errno.ENOTTY, vm.architecture().name() + " has no MSRs");
        }
    }

    /**
     * KVM_HAS_DEVICE_ATTR on the VM.
     * @param group the attribute group (KVM_ARM_VM_SMCCC_CTRL, ...)
     * @param attr the attribute
     * @return true where the ioctl returns 0, false where it returns -ENXIO
     */
    public boolean hasDeviceAttr(long group, long attr) {
        return ioctls.hasDeviceAttr(VM_FD, group, attr);
    }

    /**
     * KVM_SET_DEVICE_ATTR on the VM.
     * @param group the attribute group
     * @param attr the attribute
     * @param value the bytes the attribute's {@code addr} points at
     * @throws KvmException -ENXIO for an unknown group or attribute, and the attribute's own errors
     * @throws IllegalArgumentException for a null array
     */
    public void setDeviceAttr(long group, long attr, byte[] value) {
        try {
            ioctls.setDeviceAttr(VM_FD, group, attr, given(value, "attribute value").clone());
        } finally {
            vm.offersChanged();
        }
    }

    /**
     * KVM_GET_DEVICE_ATTR on the VM.
     * @param group the attribute group
     * @param attr the attribute
     * @return the bytes the kernel writes at {@code addr}
     * @throws KvmException -ENXIO for an unknown group or attribute, and the attribute's own errors
     */
    public byte[] getDeviceAttr(long group, long attr) {
        return ioctls.getDeviceAttr(VM_FD, group, attr);
    }

    /**
     * KVM_HAS_DEVICE_ATTR on a vCPU.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param group the attribute group (KVM_ARM_VCPU_PVTIME_CTRL, ...)
     * @param attr the attribute
     * @return true where the ioctl returns 0, false where it returns -ENXIO
     * @throws IllegalArgumentException for a vCPU index out of range
     */
    public boolean hasVcpuAttr(int vcpu, long group, long attr) {
        return ioctls.hasDeviceAttr(vcpu(vcpu), group, attr);
    }

    /**
     * KVM_SET_DEVICE_ATTR on a vCPU.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param group the attribute group
     * @param attr the attribute
     * @param value the bytes the attribute's {@code addr} points at
     * @throws KvmException -ENXIO for an unknown group or attribute, and the attribute's own errors
     * @throws IllegalArgumentException for a vCPU index out of range or a null array
     */
    public void setVcpuAttr(int vcpu, long group, long attr, byte[] value) {
        try {
            ioctls.setDeviceAttr(vcpu(vcpu), group, attr, given(value, "attribute value").clone());
        } finally {
            vm.offersChanged();
        }
    }

    /**
     * KVM_GET_DEVICE_ATTR on a vCPU.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param group the attribute group
     * @param attr the attribute
     * @return the bytes the kernel writes at {@code addr}
     * @throws KvmException -ENXIO for an unknown group or attribute
     * @throws IllegalArgumentException for a vCPU index out of range
     */
    public byte[] getVcpuAttr(int vcpu, long group, long attr) {
        return ioctls.getDeviceAttr(vcpu(vcpu), group, attr);
    }

    /**
     * KVM_ENABLE_CAP on the VM.
     * @param cap the capability number (KVM_CAP_EXIT_HYPERCALL = 201, ...)
     * @param args {@code args[0..3]}; missing ones are 0
     * @throws KvmException -EINVAL for a capability that cannot be enabled or bad arguments
     * @throws IllegalArgumentException for a null array or more than 4 arguments
     */
    public void enableCap(long cap, long... args) {
        try {
            ioctls.enableCap(VM_FD, cap, args4(args));
        } finally {
            vm.offersChanged();
        }
    }

    /**
     * KVM_ENABLE_CAP on a vCPU.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param cap the capability number (KVM_CAP_ENFORCE_PV_FEATURE_CPUID = 190, ...)
     * @param args {@code args[0..3]}; missing ones are 0
     * @throws KvmException -EINVAL for a capability that cannot be enabled or bad arguments
     * @throws IllegalArgumentException for a vCPU index out of range, a null array or more than 4 arguments
     */
    public void enableVcpuCap(int vcpu, long cap, long... args) {
        try {
            ioctls.enableCap(vcpu(vcpu), cap, args4(args));
        } finally {
            vm.offersChanged();
        }
    }

    /**
     * KVM_CHECK_EXTENSION on the VM: what a VMM asks before it enables a capability ({@code kvm_has_cap},
     * {@code kvm_check_cap} in the selftests).
     * @param cap the capability number
     * @return 0 where the VM lacks the capability, else 1 or the capability's value (a bit mask for
     *   KVM_CAP_X86_DISABLE_EXITS, KVM_CAP_DISABLE_QUIRKS2, KVM_CAP_EXIT_HYPERCALL)
     */
    public long checkExtension(long cap) {
        return ioctls.checkExtension(cap);
    }

    /**
     * KVM_SET_GUEST_DEBUG: {@code struct kvm_guest_debug.control} of a vCPU (KVM_GUESTDBG_ENABLE = 1,
     * KVM_GUESTDBG_SINGLESTEP = 2, ...); the architecture-specific part ({@code arch}) is empty.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param control the KVM_GUESTDBG_* flags; without KVM_GUESTDBG_ENABLE debugging is off
     * @throws KvmException -EINVAL for a flag the architecture does not take, or an architecture whose guest
     *   debugging hcsim does not model
     */
    public void setGuestDebug(int vcpu, long control) {
        try {
            ioctls.setGuestDebug(vcpu(vcpu), control);
        } finally {
            vm.offersChanged();
        }
    }

    private static long[] args4(long[] args) {
        given(args, "array of capability arguments");
        if (args.length > 4) {
            throw new IllegalArgumentException("struct kvm_enable_cap has 4 args, got " + args.length);
        }
        return java.util.Arrays.copyOf(args, 4);
    }

    /**
     * KVM_SET_CPUID2.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param entries the vCPU's CPUID entries
     * @throws KvmException -ENOTTY off x86; -EINVAL for a change after the vCPU has run (kvm_cpuid_check_equal)
     * @throws IllegalArgumentException for a vCPU index out of range or a null list or entry
     */
    public void setCpuid(int vcpu, List<CpuidEntry> entries) {
        for (CpuidEntry e : given(entries, "list of CPUID entries")) {
            given(e, "CPUID entry");
        }
        try {
            ioctls.setCpuid(vcpu(vcpu), List.copyOf(entries));
        } finally {
            vm.offersChanged();
        }
    }

    /**
     * KVM_GET_CPUID2.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return the entries last set (or the defaults the VM was created with)
     * @throws KvmException -ENOTTY off x86
     * @throws IllegalArgumentException for a vCPU index out of range
     */
    public List<CpuidEntry> getCpuid(int vcpu) {
        return ioctls.getCpuid(vcpu(vcpu));
    }

    /**
     * A field of {@code kvm_run->s.regs} as KVM left it (s390's KVM_SYNC_DIAG318, ...).
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param syncBit the field's KVM_SYNC_* bit
     * @return the value
     * @throws KvmException -EINVAL for a field the architecture does not sync
     * @throws IllegalArgumentException for a vCPU index out of range
     */
    public long getSyncReg(int vcpu, long syncBit) {
        return ioctls.getSyncReg(vcpu(vcpu), syncBit);
    }

    /**
     * Writes a field of {@code kvm_run->s.regs} and sets its bit in {@code kvm_dirty_regs}; KVM takes it
     * at the next KVM_RUN, here at once.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param syncBit the field's KVM_SYNC_* bit
     * @param value the value
     * @throws KvmException -EINVAL for a field the architecture does not sync
     * @throws IllegalArgumentException for a vCPU index out of range
     */
    public void setSyncReg(int vcpu, long syncBit, long value) {
        try {
            ioctls.setSyncReg(vcpu(vcpu), syncBit, value);
        } finally {
            vm.offersChanged();
        }
    }

    /**
     * The controls this VM's architecture serves, one line each (what {@code hcsim explain} lists).
     * @return the lines
     */
    public List<String> describe() {
        return ioctls.describe();
    }

    /**
     * A 64-bit attribute value as KVM reads it from {@code addr} (little-endian, as on every host hcsim models).
     * @param value the value
     * @return 8 bytes
     */
    public static byte[] u64(long value) {
        byte[] b = new byte[8];
        Bytes.put(b, 0, 8, value, false);
        return b;
    }

    /**
     * The 64-bit value of an attribute's bytes.
     * @param bytes at least 8 bytes, little-endian
     * @return the value
     * @throws IllegalArgumentException for a null array or fewer than 8 bytes
     */
    public static long u64(byte[] bytes) {
        if (given(bytes, "attribute value").length < 8) {
            throw new IllegalArgumentException("a __u64 attribute needs 8 bytes, got " + bytes.length);
        }
        return Bytes.get(bytes, 0, 8, false);
    }
}
