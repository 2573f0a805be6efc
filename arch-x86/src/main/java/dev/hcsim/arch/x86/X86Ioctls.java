package dev.hcsim.arch.x86;

import dev.hcsim.core.CpuidEntry;
import dev.hcsim.core.Errno;
import dev.hcsim.core.KvmException;
import dev.hcsim.core.spi.KvmIoctls;
import dev.hcsim.core.spi.VmContext;
import java.util.List;

/**
 * x86's VMM-side controls for the hypercall ABI, as arch/x86/kvm answers them:
 * <ul>
 * <li>KVM_GET_MSRS / KVM_SET_MSRS of the KVM PV MSRs ({@link X86PvMsrs}; host-initiated, so
 *     kvm_do_msr_access lets an advertised MSR read 0 and take a write of 0 without its CPUID bit);</li>
 * <li>KVM_SET_CPUID2 / KVM_GET_CPUID2 (cpuid.c kvm_set_cpuid): the KVM leaves 0x40000000 and
 *     0x40000001 decide the PV features; after the VM has run, only the same entries are accepted
 *     (kvm_cpuid_check_equal: -EINVAL);</li>
 * <li>KVM_ENABLE_CAP: KVM_CAP_ENFORCE_PV_FEATURE_CPUID (190, vCPU; x86.c kvm_vcpu_ioctl_enable_cap),
 *     KVM_CAP_EXIT_HYPERCALL (201, VM; -EINVAL for a bit outside KVM_EXIT_HYPERCALL_VALID_MASK),
 *     KVM_CAP_X86_DISABLE_EXITS (143, VM; KVM_X86_DISABLE_EXITS_HLT withdraws PV_UNHALT at the next
 *     KVM_SET_CPUID2), KVM_CAP_DISABLE_QUIRKS2 (213, VM; KVM_X86_QUIRK_FIX_HYPERCALL_INSN).</li>
 * </ul>
 * hcsim keeps CPUID and the enforce capability per VM: a KVM_SET_CPUID2 or KVM_ENABLE_CAP on one
 * vCPU applies to every vCPU (VMMs give every vCPU the same KVM leaves).
 */
final class X86Ioctls implements KvmIoctls {
    static final long KVM_CAP_X86_DISABLE_EXITS = 143;
    static final long KVM_CAP_ENFORCE_PV_FEATURE_CPUID = 190;
    static final long KVM_CAP_EXIT_HYPERCALL = 201;
    static final long KVM_CAP_DISABLE_QUIRKS2 = 213;
    static final long KVM_CAP_XEN_HVM = 124;
    /**
     * KVM_CAP_XEN_HVM's answer, limited to what hcsim models: HYPERCALL_MSR, INTERCEPT_HCALL, SHARED_INFO (the event
     * bitmaps), EVTCHN_2LEVEL and EVTCHN_SEND. The kernel (x86.c kvm_vm_ioctl_check_extension) also reports
     * PVCLOCK_TSC_UNSTABLE, SHARED_INFO_HVA and, with sched_info, RUNSTATE and RUNSTATE_UPDATE_FLAG.
     */
    static final long KVM_XEN_HVM_MODELLED = X86Xen.KVM_XEN_HVM_CONFIG_HYPERCALL_MSR | X86Xen.KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL
            | 1L << 2 | 1L << 4 | X86Xen.KVM_XEN_HVM_CONFIG_EVTCHN_SEND;
    static final long KVM_CAP_HYPERV_SYNIC = 123;
    static final long KVM_CAP_HYPERV_SYNIC2 = 148;
    static final long KVM_CAP_HYPERV_ENFORCE_CPUID = 199;
    /** KVM_X86_VALID_QUIRKS: LINT0_REENABLED (0x1) to IGNORE_GUEST_PAT (0x200). */
    static final long KVM_X86_VALID_QUIRKS = 0x3FF;
    static final long KVM_X86_QUIRK_FIX_HYPERCALL_INSN = 0x20;
    /** KVM_X86_DISABLE_EXITS_MWAIT | HLT | PAUSE | CSTATE. */
    static final long KVM_X86_DISABLE_VALID_EXITS = 0xF;
    static final long KVM_X86_DISABLE_EXITS_HLT = 1L << 1;
    /** KVM_EXIT_HYPERCALL_VALID_MASK: only KVM_HC_MAP_GPA_RANGE may exit. */
    static final long KVM_EXIT_HYPERCALL_VALID_MASK = 1L << X86Hypercalls.KVM_HC_MAP_GPA_RANGE;

    private final X86Vm x86;

    X86Ioctls(X86Vm x86) {
        this.x86 = x86;
    }

    private VmContext vm() {
        return x86.vm();
    }

    @Override
    public boolean hasMsrs() {
        return true;
    }

    @Override
    public Long getMsr(int vcpu, long index) {
        if (X86Hyperv.handles(index)) {
            return x86.hyperv().getMsr(vcpu, index, true);
        }
        return x86.msrs().hostGet(vcpu, index);
    }

    @Override
    public boolean setMsr(int vcpu, long index, long value) {
        if (X86Hyperv.handles(index)) {
            // the hypercall page goes to the memory the vCPU last trapped with (none bound yet: the write fails)
            return x86.hyperv().setMsr(vcpu, index, value, true, vm().frame(vcpu).memory());
        }
        return x86.msrs().hostSet(vcpu, index, value);
    }

    @Override
    public void setCpuid(int vcpu, List<CpuidEntry> entries) {
        if (entries.size() > 256) {
            throw new KvmException("KVM_SET_CPUID2", Errno.E2BIG, entries.size() + " entries, KVM_MAX_CPUID_ENTRIES is 256");
        }
        if (vm().hasRun() && !entries.equals(x86.discovery().entries())) {
            throw new KvmException("KVM_SET_CPUID2", Errno.EINVAL, "cpuid.c kvm_set_cpuid: the vCPU has run and the entries differ "
                    + "(kvm_cpuid_check_equal)");
        }
        x86.discovery().setEntries(entries, x86.hltInGuest());
        hypervCpuid(entries);
    }

    /** kvm_hv_set_cpuid: the Hyper-V leaves that gate calls, 0 when absent. */
    private void hypervCpuid(List<CpuidEntry> entries) {
        long[] v = new long[6];
        for (CpuidEntry e : entries) {
            if (e.function() == X86HypervTlfs.HYPERV_CPUID_FEATURES) {
                v[0] = e.eax();
                v[1] = e.ebx();
                v[2] = e.edx();
            } else if (e.function() == X86HypervTlfs.HYPERV_CPUID_ENLIGHTMENT_INFO) {
                v[3] = e.eax();
                v[4] = e.ebx();
            } else if (e.function() == X86HypervTlfs.HYPERV_CPUID_SYNDBG_PLATFORM_CAPABILITIES) {
                v[5] = e.eax();
            }
        }
        x86.hyperv().setCpuid(v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    @Override
    public List<CpuidEntry> getCpuid(int vcpu) {
        return x86.discovery().entries();
    }

    /**
     * x86.c kvm_vm_ioctl_check_extension: ENFORCE_PV_FEATURE_CPUID 1; EXIT_HYPERCALL
     * KVM_EXIT_HYPERCALL_VALID_MASK; DISABLE_QUIRKS2 the quirks KVM knows; X86_DISABLE_EXITS
     * PAUSE | HLT | CSTATE | MWAIT, the answer of a host without mitigate_smt_rsb whose MWAIT may run in the guest.
     */
    @Override
    public long checkExtension(long cap) {
        if (cap == KVM_CAP_ENFORCE_PV_FEATURE_CPUID) {
            return 1;
        } else if (cap == KVM_CAP_EXIT_HYPERCALL) {
            return KVM_EXIT_HYPERCALL_VALID_MASK;
        } else if (cap == KVM_CAP_DISABLE_QUIRKS2) {
            return KVM_X86_VALID_QUIRKS;
        } else if (cap == KVM_CAP_X86_DISABLE_EXITS) {
            return KVM_X86_DISABLE_VALID_EXITS;
        } else if (cap == KVM_CAP_XEN_HVM) {
            return KVM_XEN_HVM_MODELLED;
        }
        return 0;
    }

    @Override
    public void enableCap(int vcpu, long cap, long[] args) {
        if (vcpu >= 0) {
            if (cap == KVM_CAP_HYPERV_ENFORCE_CPUID) {
                x86.hyperv().enforceCpuid(args[0] != 0); // kvm_hv_set_enforce_cpuid
                return;
            }
            if (cap == KVM_CAP_HYPERV_SYNIC || cap == KVM_CAP_HYPERV_SYNIC2) {
                x86.hyperv().activateSynic(vcpu); // kvm_hv_activate_synic
                return;
            }
            if (cap != KVM_CAP_ENFORCE_PV_FEATURE_CPUID) {
                throw new KvmException("KVM_ENABLE_CAP", Errno.EINVAL, "vCPU capability " + cap + " (x86.c kvm_vcpu_ioctl_enable_cap)");
            }
            x86.enforcePvCpuid(args[0] != 0);
            return;
        }
        if (cap == KVM_CAP_EXIT_HYPERCALL) {
            if ((args[0] & ~KVM_EXIT_HYPERCALL_VALID_MASK) != 0) {
                throw new KvmException("KVM_ENABLE_CAP", Errno.EINVAL, "KVM_CAP_EXIT_HYPERCALL 0x" + Long.toHexString(args[0])
                        + ": only bit 12 (KVM_HC_MAP_GPA_RANGE) is valid");
            }
            x86.hypercallExitEnabled(args[0]);
        } else if (cap == KVM_CAP_DISABLE_QUIRKS2) {
            if ((args[0] & ~KVM_X86_VALID_QUIRKS) != 0) {
                throw new KvmException("KVM_ENABLE_CAP", Errno.EINVAL, "KVM_CAP_DISABLE_QUIRKS2 0x" + Long.toHexString(args[0])
                        + ": a quirk KVM does not know (x86.c kvm_vm_ioctl_enable_cap)");
            }
            if ((args[0] & KVM_X86_QUIRK_FIX_HYPERCALL_INSN) != 0) {
                x86.disableQuirkFixHypercall(); // the other quirks do not touch the hypercall ABI
            }
        } else if (cap == KVM_CAP_X86_DISABLE_EXITS) {
            if ((args[0] & ~KVM_X86_DISABLE_VALID_EXITS) != 0) {
                throw new KvmException("KVM_ENABLE_CAP", Errno.EINVAL, "KVM_CAP_X86_DISABLE_EXITS 0x" + Long.toHexString(args[0]));
            }
            if ((args[0] & KVM_X86_DISABLE_EXITS_HLT) != 0) {
                x86.hltInGuest(true);
            }
        } else {
            throw new KvmException("KVM_ENABLE_CAP", Errno.EINVAL, "VM capability " + cap + " (x86.c kvm_vm_ioctl_enable_cap)");
        }
    }

    @Override
    public List<String> describe() {
        return List.of(
                "KVM_GET/SET_MSRS MSR_KVM_WALL_CLOCK 0x11, MSR_KVM_SYSTEM_TIME 0x12, MSR_KVM_WALL_CLOCK_NEW 0x4b564d00, MSR_KVM_SYSTEM_TIME_NEW "
                        + "0x4b564d01, MSR_KVM_ASYNC_PF_EN 0x4b564d02, MSR_KVM_STEAL_TIME 0x4b564d03, MSR_KVM_PV_EOI_EN 0x4b564d04, "
                        + "MSR_KVM_POLL_CONTROL 0x4b564d05, MSR_KVM_ASYNC_PF_INT 0x4b564d06, MSR_KVM_ASYNC_PF_ACK 0x4b564d07 (x86.c "
                        + "kvm_set_msr_common); MSR_KVM_MIGRATION_CONTROL 0x4b564d08 is the VMM's (MSR filter): refused",
                "KVM_SET/GET_CPUID2: the KVM leaves 0x40000000 (signature) and 0x40000001 (PV features EAX, hints EDX); -EINVAL for a "
                        + "change after the first run (cpuid.c kvm_set_cpuid)",
                "KVM_GET/SET_MSRS HV_X64_MSR_GUEST_OS_ID 0x40000000, HV_X64_MSR_HYPERCALL 0x40000001 (writes the hypercall page), "
                        + "HV_X64_MSR_VP_INDEX 0x40000002 (host only), HV_X64_MSR_SYNDBG_OPTIONS 0x400000ff (hyperv.c kvm_hv_set_msr_common)",
                "KVM_SET_CPUID2 Hyper-V leaves 0x40000003 (features EAX/EBX/EDX), 0x40000004 (enlightenments EAX/EBX), 0x40000082 "
                        + "(SynDbg EAX) gate the Hyper-V calls under KVM_CAP_HYPERV_ENFORCE_CPUID (hyperv.c kvm_hv_set_cpuid)",
                "KVM_ENABLE_CAP (vCPU) KVM_CAP_HYPERV_ENFORCE_CPUID 199, KVM_CAP_HYPERV_SYNIC 123 / SYNIC2 148 (hyperv.c)",
                "KVM_ENABLE_CAP (vCPU) KVM_CAP_ENFORCE_PV_FEATURE_CPUID 190: args[0] != 0 gates PV MSRs (#GP) and hypercalls (-KVM_ENOSYS) "
                        + "by the CPUID bits",
                "KVM_ENABLE_CAP (VM) KVM_CAP_EXIT_HYPERCALL 201: args[0] = 1 << 12 sends KVM_HC_MAP_GPA_RANGE to the VMM; other bits -EINVAL",
                "KVM_ENABLE_CAP (VM) KVM_CAP_X86_DISABLE_EXITS 143: KVM_X86_DISABLE_EXITS_HLT (2) withdraws KVM_FEATURE_PV_UNHALT",
                "KVM_ENABLE_CAP (VM) KVM_CAP_DISABLE_QUIRKS2 213: KVM_X86_QUIRK_FIX_HYPERCALL_INSN (0x20) makes the other vendor's "
                        + "instruction #UD instead of patching it; unknown quirk bits -EINVAL",
                "KVM_CHECK_EXTENSION: ENFORCE_PV_FEATURE_CPUID 1, EXIT_HYPERCALL 0x1000, DISABLE_QUIRKS2 0x3ff, X86_DISABLE_EXITS 0xf, "
                        + "XEN_HVM 0x37 (the Xen flags modelled) (x86.c kvm_vm_ioctl_check_extension); any other capability 0",
                "Xen (X86Vm.xen()): KVM_XEN_HVM_CONFIG (-EINVAL for other flags or INTERCEPT_HCALL with a blob), KVM_XEN_HVM_SET_ATTR "
                        + "LONG_MODE, SHARED_INFO, UPCALL_VECTOR (-EINVAL below 0x10), XEN_VERSION, EVTCHN assign/update/deassign/reset "
                        + "(-EINVAL, -EEXIST, -ENOENT), KVM_XEN_VCPU_SET_ATTR VCPU_INFO, VCPU_ID (-EINVAL >= 4096), TIMER, UPCALL_VECTOR, "
                        + "KVM_XEN_HVM_EVTCHN_SEND (xen.c)",
                KvmIoctls.runDelayLine("struct kvm_steal_time.steal at MSR_KVM_STEAL_TIME (x86.c record_steal_time)"));
    }
}
