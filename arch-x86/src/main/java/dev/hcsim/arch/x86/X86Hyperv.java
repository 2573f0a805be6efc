package dev.hcsim.arch.x86;

import static dev.hcsim.arch.x86.X86HypervTlfs.*;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.spi.CallRegisters;
import dev.hcsim.core.spi.Trap;
import dev.hcsim.core.spi.VmContext;
import java.util.List;

/**
 * The Hyper-V hypercall ABI KVM emulates for a VM (arch/x86/kvm/hyperv.c): its VM state (Hyper-V exposed, the guest OS
 * ID, the hypercall MSR and page, VP indices, SynIC, SynDbg, the CPUID privilege bits and their enforcement), whether a
 * {@code vmcall}/{@code vmmcall} belongs to it ({@link #enabled}) and the call itself ({@link #hypercall}).
 *
 * <p>Entry points for the x86 dispatcher, mirroring arch/x86/kvm/x86.c {@code kvm_emulate_hypercall}: Xen first (its
 * {@code kvm_xen_hypercall} hands EAX bit 31 calls to {@link #hypercall} when {@link #enabled} is true), then
 * {@code kvm_hv_hypercall_enabled} → {@code kvm_hv_hypercall}, then KVM's own {@code KVM_HC_*} numbers.
 */
final class X86Hyperv {
    private static final String XEN = "xen";

    private final VmContext vm;
    private final boolean intel;
    /** vcpu->arch.hyperv_enabled: the VMM exposed Hyper-V in CPUID (one value for the VM here). */
    private volatile boolean exposed;
    /** kvm->arch.hyperv.hv_guest_os_id: HV_X64_MSR_GUEST_OS_ID, partition-wide. */
    private volatile long guestOsId;
    /** kvm->arch.hyperv.hv_hypercall: HV_X64_MSR_HYPERCALL, partition-wide. */
    private volatile long hypercallMsr;
    /** hv_vcpu->enforce_cpuid: KVM_CAP_HYPERV_ENFORCE_CPUID (a vCPU capability; one value for the VM here). */
    private volatile boolean enforceCpuid;
    /** hv_vcpu->cpuid_cache: FEATURES EAX/EBX/EDX, ENLIGHTMENT_INFO EAX/EBX, SYNDBG_PLATFORM_CAPABILITIES EAX. */
    private volatile long featuresEax;
    private volatile long featuresEbx;
    private volatile long featuresEdx;
    private volatile long enlightenmentsEax;
    private volatile long enlightenmentsEbx;
    private volatile long syndbgCapEax;
    /** kvm->arch.hyperv.hv_syndbg.options: HV_X64_MSR_SYNDBG_OPTIONS. */
    private volatile long syndbgOptions;
    /** The connection IDs with an eventfd (KVM_HYPERV_EVENTFD), and how often each was signalled. */
    private final X86HypervEventfds eventfds = new X86HypervEventfds();
    /** hv_vcpu->vp_index, per vCPU (kvm_hv_vcpu_postcreate: the vCPU index). */
    private final int[] vpIndex;
    /** synic->active, per vCPU (KVM_CAP_HYPERV_SYNIC / SYNIC2). */
    private final boolean[] synicActive;
    /** KVM_REQ_HV_TLB_FLUSH requests each vCPU received. */
    private final long[] tlbFlushRequests;
    /** last_boosted_vcpu of kvm_vcpu_on_spin. */
    private int lastBoosted = -1;
    private final X86HypervCall[] calls;

    X86Hyperv(VmContext vm) {
        this.vm = vm;
        this.intel = vm.option("vendor").equals("intel");
        int n = vm.vcpuCount();
        this.vpIndex = new int[n];
        this.synicActive = new boolean[n];
        this.tlbFlushRequests = new long[n];
        this.calls = new X86HypervCall[n];
        for (int i = 0; i < n; i++) {
            vpIndex[i] = i;
            calls[i] = new X86HypervCall();
        }
        this.exposed = vm.feature(X86Architecture.HYPERV);
        this.guestOsId = exposed ? vm.optionNumber("hyperv-guest-os-id") : 0;
        this.enforceCpuid = vm.option("hyperv-enforce-cpuid").equals("on");
        this.featuresEax = vm.optionNumber("hyperv-features-eax") & 0xFFFF_FFFFL;
        this.featuresEbx = vm.optionNumber("hyperv-features-ebx") & 0xFFFF_FFFFL;
        this.featuresEdx = vm.optionNumber("hyperv-features-edx") & 0xFFFF_FFFFL;
        this.enlightenmentsEax = vm.optionNumber("hyperv-enlightenments-eax") & 0xFFFF_FFFFL;
        this.enlightenmentsEbx = vm.optionNumber("hyperv-enlightenments-ebx") & 0xFFFF_FFFFL;
        this.syndbgCapEax = vm.option("hyperv-syndbg").equals("on") ? HV_X64_SYNDBG_CAP_ALLOW_KERNEL_DEBUGGING : 0;
        this.syndbgOptions = vm.optionNumber("hyperv-syndbg-options");
        this.eventfds.assignMask(vm.optionNumber("hyperv-eventfds"));
        boolean synic = vm.option("hyperv-synic").equals("on");
        for (int i = 0; i < n; i++) {
            synicActive[i] = synic;
        }
    }

    /**
     * hyperv.h kvm_hv_hypercall_enabled: Hyper-V exposed to the vCPU and a non-zero guest OS ID written.
     * @param vcpu the calling vCPU's index
     * @return true when {@code vmcall}/{@code vmmcall} belongs to the Hyper-V ABI
     */
    boolean enabled(int vcpu) {
        return exposed && guestOsId != 0;
    }

    // ---------------------------------------------------------------- the call

    /**
     * hyperv.c kvm_hv_hypercall: the whole call on {@code t}, whose instruction is the native {@code vmcall}/
     * {@code vmmcall} (length 3 set, {@link Trap#narrow} set to !is_64_bit_hypercall). Ends completed (result written,
     * RIP + 3), with #UD, or with a KVM_EXIT_HYPERV exit. The caller does the single-step #DB after a completed call,
     * as for KVM's calls (kvm_hv_hypercall_complete → kvm_skip_emulated_instruction).
     * @param t the trap
     */
    void hypercall(Trap t) {
        RegisterAccess r = t.registers();
        t.codec(CODEC);
        // "hypercall generates UD from non zero cpl and real mode per HYPER-V spec"
        if ((r.get(X86Registers.CPL) & 3) != 0 || r.get(X86Registers.CR0_PE) == 0) {
            t.callName("kvm_hv_hypercall");
            t.fault(Fault.X86.ud(t.pc()), (r.get(X86Registers.CPL) & 3) != 0 ? "Hyper-V hypercall at CPL > 0" : "Hyper-V hypercall in real mode");
            return;
        }
        X86HypervCall hc = calls[t.vcpu()];
        t.callRegisters(t.narrow() ? READ32 : READ64);
        hc.read(r, !t.narrow());
        t.number(hc.code);
        String name = callName(hc.code);
        t.callName(name != null ? name : "kvm_hv_hypercall");
        long ret;
        if (!checkHypercallAccess(hc.code)) {
            ret = HV_STATUS_ACCESS_DENIED;
        } else if ((hc.param & HV_HYPERCALL_RSVD_MASK) != 0) {
            ret = HV_STATUS_INVALID_HYPERCALL_INPUT;
        } else {
            if (hc.fast && isXmmFastHypercall(hc.code)) {
                if (enforceCpuid && (featuresEdx & HV_X64_HYPERCALL_XMM_INPUT_AVAILABLE) == 0) {
                    t.fault(Fault.X86.ud(t.pc()), "XMM fast hypercall without HV_X64_HYPERCALL_XMM_INPUT_AVAILABLE");
                    return;
                }
                hc.readXmm(r);
            }
            ret = dispatch(t, hc);
            if (ret < 0) {
                exitToUserspace(t, hc);
                return;
            }
        }
        complete(t, ret);
    }

    /** What a 64-bit Hyper-V call read, by the TLFS's convention (traces, hcsim call): control RCX, input RDX, output R8. */
    static final CallRegisters READ64 = new CallRegisters(List.of(CallRegisters.Entry.of("rcx", X86Registers.RCX, 64),
            CallRegisters.Entry.of("rdx", X86Registers.RDX, 64), CallRegisters.Entry.of("r8", 8, 64)));
    /** What a 32-bit one read: control EDX:EAX, input EBX:ECX, output EDI:ESI. */
    static final CallRegisters READ32 = new CallRegisters(List.of(CallRegisters.Entry.pair("edx:eax", X86Registers.RDX, X86Registers.RAX),
            CallRegisters.Entry.pair("ebx:ecx", X86Registers.RBX, X86Registers.RCX), CallRegisters.Entry.pair("edi:esi", X86Registers.RDI,
                    X86Registers.RSI)));

    /** The result meaning "exit to user space" (hypercall_userspace_exit), never a result word. */
    private static final long USERSPACE = -1;

    /** The switch of kvm_hv_hypercall: a result word, or {@link #USERSPACE}. */
    private long dispatch(Trap t, X86HypervCall hc) {
        switch (hc.code) {
            case HVCALL_NOTIFY_LONG_SPIN_WAIT:
                if (hc.rep || hc.varCnt != 0) {
                    return HV_STATUS_INVALID_HYPERCALL_INPUT;
                }
                onSpin(t);
                return HV_STATUS_SUCCESS;
            case HVCALL_SIGNAL_EVENT: {
                if (hc.rep || hc.varCnt != 0) {
                    return HV_STATUS_INVALID_HYPERCALL_INPUT;
                }
                long ret = signalEvent(t.memory(), hc);
                if (ret != HV_STATUS_INVALID_PORT_ID) {
                    return ret;
                }
                return postMessage(t, hc); // "maybe userspace knows this conn_id"
            }
            case HVCALL_POST_MESSAGE:
                return postMessage(t, hc);
            case HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST:
            case HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX:
                if (hc.code == HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST && hc.varCnt != 0) {
                    return HV_STATUS_INVALID_HYPERCALL_INPUT;
                }
                if (hc.repCnt == 0 || hc.repIdx != 0) {
                    return HV_STATUS_INVALID_HYPERCALL_INPUT;
                }
                return X86HypervTlbIpi.flushTlb(t, this, hc);
            case HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE:
            case HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX:
                if (hc.code == HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE && hc.varCnt != 0) {
                    return HV_STATUS_INVALID_HYPERCALL_INPUT;
                }
                if (hc.rep) {
                    return HV_STATUS_INVALID_HYPERCALL_INPUT;
                }
                return X86HypervTlbIpi.flushTlb(t, this, hc);
            case HVCALL_SEND_IPI:
            case HVCALL_SEND_IPI_EX:
                if (hc.code == HVCALL_SEND_IPI && hc.varCnt != 0) {
                    return HV_STATUS_INVALID_HYPERCALL_INPUT;
                }
                if (hc.rep) {
                    return HV_STATUS_INVALID_HYPERCALL_INPUT;
                }
                return X86HypervTlbIpi.sendIpi(t, this, hc);
            case HVCALL_POST_DEBUG_DATA:
            case HVCALL_RETRIEVE_DEBUG_DATA:
            case HVCALL_RESET_DEBUG_SESSION:
                if (hc.code != HVCALL_RESET_DEBUG_SESSION && hc.fast) {
                    return HV_STATUS_INVALID_PARAMETER;
                }
                if (!syndbgEnabled()) {
                    return HV_STATUS_INVALID_HYPERCALL_CODE;
                }
                if ((syndbgOptions & HV_X64_SYNDBG_OPTION_USE_HCALLS) == 0) {
                    return HV_STATUS_OPERATION_DENIED;
                }
                return USERSPACE;
            default:
                if (hc.code >= HV_EXT_CALL_QUERY_CAPABILITIES && hc.code <= HV_EXT_CALL_MAX) {
                    return hc.fast ? HV_STATUS_INVALID_PARAMETER : USERSPACE;
                }
                return HV_STATUS_INVALID_HYPERCALL_CODE;
        }
    }

    /** HVCALL_POST_MESSAGE: "don't bother userspace if it has no way to handle it". */
    private long postMessage(Trap t, X86HypervCall hc) {
        if (hc.rep || hc.varCnt != 0 || !synicActive[t.vcpu()]) {
            return HV_STATUS_INVALID_HYPERCALL_INPUT;
        }
        return USERSPACE;
    }

    /**
     * kvm_hvcall_signal_event: a slow call reads the 64-bit input at ingpa (8-aligned and within one page, else
     * HV_STATUS_INVALID_ALIGNMENT) and replaces ingpa with it; the flag number (bits 47..32) must be 0 (else
     * HV_STATUS_INVALID_PORT_ID), the other bits above the 24-bit connection ID too (else INVALID_HYPERCALL_INPUT);
     * a connection with an eventfd is signalled, any other is HV_STATUS_INVALID_PORT_ID.
     */
    private long signalEvent(MemoryAccess mem, X86HypervCall hc) {
        if (!hc.fast) {
            long gpa = hc.ingpa;
            if ((gpa & 7) != 0 || (gpa & 0xFFF) + 8 > 4096) {
                return HV_STATUS_INVALID_ALIGNMENT;
            }
            if (!mem.readable(gpa, 8)) {
                return HV_STATUS_INVALID_ALIGNMENT;
            }
            hc.ingpa = mem.read64(gpa);
        }
        if ((hc.ingpa & 0xffff00000000L) != 0) {
            return HV_STATUS_INVALID_PORT_ID;
        }
        if ((hc.ingpa & ~KVM_HYPERV_CONN_ID_MASK) != 0) {
            return HV_STATUS_INVALID_HYPERCALL_INPUT;
        }
        if (!eventfds.signal(hc.ingpa)) { // idr_find(&hv->conn_to_evt, ...), then eventfd_signal
            return HV_STATUS_INVALID_PORT_ID;
        }
        return HV_STATUS_SUCCESS;
    }

    /**
     * kvm_vcpu_on_spin(vcpu, true) for HVCALL_NOTIFY_LONG_SPIN_WAIT: a directed yield to the first vCPU after the last
     * one boosted that is ready to run but not running. (The kernel's further filters, preempted in kernel mode and
     * the directed-yield eligibility, depend on host scheduling that hcsim does not have.)
     */
    private void onSpin(Trap t) {
        int n = vm.vcpuCount();
        for (int k = 1; k <= n; k++) {
            int i = Math.floorMod(lastBoosted + k, n);
            if (i != t.vcpu() && t.control().state(i) == VcpuState.RUNNABLE) {
                lastBoosted = i;
                t.yieldTo(i);
                return;
            }
        }
    }

    /** hv_check_hypercall_access: with KVM_CAP_HYPERV_ENFORCE_CPUID, the CPUID privilege bit of each call. */
    boolean checkHypercallAccess(int code) {
        if (!enforceCpuid) {
            return true;
        }
        switch (code) {
            case HVCALL_NOTIFY_LONG_SPIN_WAIT:
                return enlightenmentsEbx != 0 && enlightenmentsEbx != 0xFFFF_FFFFL;
            case HVCALL_POST_MESSAGE:
                return (featuresEbx & HV_POST_MESSAGES) != 0;
            case HVCALL_SIGNAL_EVENT:
                return (featuresEbx & HV_SIGNAL_EVENTS) != 0;
            case HVCALL_POST_DEBUG_DATA:
            case HVCALL_RETRIEVE_DEBUG_DATA:
            case HVCALL_RESET_DEBUG_SESSION:
                // true when SynDbg is off, so that the call answers HV_STATUS_INVALID_HYPERCALL_CODE
                return !syndbgEnabled() || (featuresEbx & HV_DEBUGGING) != 0;
            case HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX:
            case HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX:
                return (enlightenmentsEax & HV_X64_EX_PROCESSOR_MASKS_RECOMMENDED) != 0
                        && (enlightenmentsEax & HV_X64_REMOTE_TLB_FLUSH_RECOMMENDED) != 0;
            case HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST:
            case HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE:
                return (enlightenmentsEax & HV_X64_REMOTE_TLB_FLUSH_RECOMMENDED) != 0;
            case HVCALL_SEND_IPI_EX:
                return (enlightenmentsEax & HV_X64_EX_PROCESSOR_MASKS_RECOMMENDED) != 0
                        && (enlightenmentsEax & HV_X64_CLUSTER_IPI_RECOMMENDED) != 0;
            case HVCALL_SEND_IPI:
                return (enlightenmentsEax & HV_X64_CLUSTER_IPI_RECOMMENDED) != 0;
            default:
                if (code >= HV_EXT_CALL_QUERY_CAPABILITIES && code <= HV_EXT_CALL_MAX) {
                    return (featuresEbx & HV_ENABLE_EXTENDED_HYPERCALLS) != 0;
                }
                return true;
        }
    }

    /** is_xmm_fast_hypercall: the calls whose fast form takes input in XMM0-5. */
    static boolean isXmmFastHypercall(int code) {
        return code == HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST || code == HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE
                || code == HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX || code == HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX
                || code == HVCALL_SEND_IPI_EX;
    }

    /** kvm_hv_is_syndbg_enabled: HV_X64_SYNDBG_CAP_ALLOW_KERNEL_DEBUGGING in CPUID 0x40000082.EAX. */
    boolean syndbgEnabled() {
        return (syndbgCapEax & HV_X64_SYNDBG_CAP_ALLOW_KERNEL_DEBUGGING) != 0;
    }

    /**
     * kvm_hv_hypercall_complete → kvm_hv_hypercall_set_result: 64-bit, RAX = the result word; 32-bit, EDX:EAX. Then
     * RIP + 3 (kvm_skip_emulated_instruction).
     */
    static void complete(Trap t, long result) {
        t.codec(CODEC);
        t.status(X86HypervTlfs.status((int) (result & 0xffff)));
        t.result(0, result); // cut to EAX by the contract in 32-bit mode
        if (t.narrow()) {
            t.registers().set(X86Registers.RDX, result >>> 32);
        }
        t.complete();
    }

    /**
     * hypercall_userspace_exit: KVM_EXIT_HYPERV, type KVM_EXIT_HYPERV_HCALL, input = the control word, params = ingpa,
     * outgpa (as the call left them: SIGNAL_EVENT's slow form has replaced ingpa with the word it read). Nothing is
     * written before the exit; re-entry completes with the VMM's result (kvm_hv_hypercall_complete_userspace).
     */
    private static void exitToUserspace(Trap t, X86HypervCall hc) {
        t.exitToHost(new Exit.HypervHcall(hc.param, 0, List.of(hc.ingpa, hc.outgpa)), X86Hyperv::completeUserspace);
    }

    /** kvm_hv_hypercall_complete_userspace: the result the VMM left in hyperv.u.hcall.result, RIP + 3, single step. */
    static void completeUserspace(Trap t, long result) {
        complete(t, result);
        if (X86Vm.singleStepping(t)) {
            X86Vm.singleStep(t);
        }
    }

    // ---------------------------------------------------------------- MSRs (kvm_hv_set_msr_pw, kvm_hv_set_msr)

    /** True for an MSR this model answers for (the rest of the Hyper-V range is not modelled). */
    static boolean handles(long msr) {
        return msr == HV_X64_MSR_GUEST_OS_ID || msr == HV_X64_MSR_HYPERCALL || msr == HV_X64_MSR_VP_INDEX || msr == HV_X64_MSR_SYNDBG_OPTIONS;
    }

    /** hv_check_msr_access: with enforcement, the CPUID bit each MSR needs. */
    private boolean msrAccess(long msr) {
        if (!enforceCpuid) {
            return true;
        }
        if (msr == HV_X64_MSR_GUEST_OS_ID || msr == HV_X64_MSR_HYPERCALL) {
            return (featuresEax & HV_MSR_HYPERCALL_AVAILABLE) != 0;
        } else if (msr == HV_X64_MSR_VP_INDEX) {
            return (featuresEax & HV_MSR_VP_INDEX_AVAILABLE) != 0;
        }
        return (featuresEdx & HV_FEATURE_DEBUG_MSRS_AVAILABLE) != 0;
    }

    /**
     * kvm_hv_set_msr_common for the modelled MSRs.
     * @param mem the guest memory the hypercall page is written to (null: none bound yet, the write fails)
     * @return true when written, false for a refusal (#GP for the guest, the end of KVM_SET_MSRS for the VMM)
     */
    boolean setMsr(int vcpu, long msr, long data, boolean host, MemoryAccess mem) {
        if (!host && !exposed) {
            return false;
        }
        if (!host && !msrAccess(msr)) {
            return false;
        }
        if (msr == HV_X64_MSR_GUEST_OS_ID) {
            guestOsId = data;
            if (data == 0) {
                hypercallMsr &= ~HV_X64_MSR_HYPERCALL_ENABLE; // "setting guest os id to zero disables hypercall page"
            }
            return true;
        } else if (msr == HV_X64_MSR_HYPERCALL) {
            return setHypercallMsr(data, mem);
        } else if (msr == HV_X64_MSR_VP_INDEX) {
            long v = data & 0xFFFF_FFFFL;
            if (!host || v >= X86Vm.LIMITS.maxVcpus()) {
                return false; // only the VMM sets it, below KVM_MAX_VCPUS
            }
            vpIndex[vcpu] = (int) v;
            return true;
        }
        if (!host && !syndbgEnabled()) {
            return false; // syndbg_set_msr
        }
        syndbgOptions = data;
        return true;
    }

    /**
     * HV_X64_MSR_HYPERCALL: ignored until a guest OS ID is set; without the enable bit just stored; with it KVM writes
     * the hypercall page at the MSR's page address: {@code orl $0x80000000, %eax} (0d 00 00 00 80) first when Xen
     * hypercalls are intercepted too (EAX bit 31 tells them apart), then the native vmcall (0f 01 c1) or vmmcall
     * (0f 01 d9), then {@code ret} (c3). A page KVM cannot write refuses the MSR write.
     */
    private boolean setHypercallMsr(long data, MemoryAccess mem) {
        if (guestOsId == 0) {
            return true; // "if guest os id is not set hypercall should remain disabled"
        }
        if ((data & HV_X64_MSR_HYPERCALL_ENABLE) == 0) {
            hypercallMsr = data;
            return true;
        }
        byte[] page = hypercallPage(intel, vm.archState(X86Vm.class).xen().hypercallEnabled()); // kvm_xen_hypercall_enabled
        long addr = data & HV_X64_MSR_HYPERCALL_PAGE_ADDRESS_MASK;
        if (mem == null || mem.memory() == null || !mem.readable(addr, page.length)) {
            return false; // kvm_vcpu_write_guest fails
        }
        mem.writeBytes(addr, page, 0, page.length);
        hypercallMsr = data;
        return true;
    }

    /** The bytes kvm_hv_set_msr_pw writes to the hypercall page. */
    static byte[] hypercallPage(boolean intel, boolean xen) {
        byte[] insn = intel ? new byte[] {0x0f, 0x01, (byte) 0xc1} : new byte[] {0x0f, 0x01, (byte) 0xd9};
        byte[] out = new byte[(xen ? 5 : 0) + 4];
        int i = 0;
        if (xen) {
            byte[] orl = {0x0d, 0x00, 0x00, 0x00, (byte) 0x80};
            System.arraycopy(orl, 0, out, 0, 5);
            i = 5;
        }
        System.arraycopy(insn, 0, out, i, 3);
        out[i + 3] = (byte) 0xc3;
        return out;
    }

    /**
     * kvm_hv_get_msr_common for the modelled MSRs.
     * @return the value, or null for a refusal
     */
    Long getMsr(int vcpu, long msr, boolean host) {
        if (!host && (!exposed || !msrAccess(msr))) {
            return null;
        }
        if (msr == HV_X64_MSR_GUEST_OS_ID) {
            return guestOsId;
        } else if (msr == HV_X64_MSR_HYPERCALL) {
            return hypercallMsr;
        } else if (msr == HV_X64_MSR_VP_INDEX) {
            return (long) vpIndex[vcpu];
        }
        return !host && !syndbgEnabled() ? null : syndbgOptions;
    }

    // ---------------------------------------------------------------- CPUID and capabilities (VMM side)

    /** kvm_hv_set_cpuid: the CPUID cache from the VMM's KVM_SET_CPUID2 entries (leaves absent read as 0). */
    void setCpuid(long feaEax, long feaEbx, long feaEdx, long enlEax, long enlEbx, long syndbgEax) {
        featuresEax = feaEax;
        featuresEbx = feaEbx;
        featuresEdx = feaEdx;
        enlightenmentsEax = enlEax;
        enlightenmentsEbx = enlEbx;
        syndbgCapEax = syndbgEax;
    }

    /** KVM_CAP_HYPERV_ENFORCE_CPUID (kvm_hv_set_enforce_cpuid). */
    void enforceCpuid(boolean on) {
        enforceCpuid = on;
    }

    boolean enforceCpuid() {
        return enforceCpuid;
    }

    /** KVM_CAP_HYPERV_SYNIC / SYNIC2 on one vCPU (kvm_hv_activate_synic). */
    void activateSynic(int vcpu) {
        synicActive[vcpu] = true;
    }

    /** Exposes Hyper-V to the vCPUs (the VMM set Hyper-V CPUID leaves: kvm_hv_set_cpuid's hyperv_enabled). */
    void expose(boolean on) {
        exposed = on;
    }

    /** KVM_HYPERV_EVENTFD for connection ID {@code conn} (any 24-bit ID), with the kernel's errors. */
    void eventfd(long conn, boolean deassign) {
        eventfds.assign(conn, deassign);
    }

    // ---------------------------------------------------------------- what the calls read and leave

    int vpIndex(int vcpu) {
        return vpIndex[vcpu];
    }

    long guestOsId() {
        return guestOsId;
    }

    long hypercallMsr() {
        return hypercallMsr;
    }

    boolean synicActive(int vcpu) {
        return synicActive[vcpu];
    }

    long tlbFlushRequests(int vcpu) {
        return tlbFlushRequests[vcpu];
    }

    long eventfdSignals(long conn) {
        return eventfds.signals(conn);
    }

    /**
     * hv_tlb_flush_enqueue plus KVM_REQ_HV_TLB_FLUSH for vCPU {@code v}: counted; the flush itself (KVM does a full
     * one whatever the entries) has no effect hcsim can show, as it has no MMU.
     */
    void tlbFlushEnqueue(int v, long[] entries, int count) {
        tlbFlushRequests[v]++;
    }

    VmContext vm() {
        return vm;
    }

    // ---------------------------------------------------------------- snapshot

    /** The Hyper-V state into the VM's snapshot (partition-wide fields) and each vCPU's (VP index, SynIC, flushes). */
    void save(dev.hcsim.core.VmSnapshot.State.Builder v, List<dev.hcsim.core.VmSnapshot.State.Builder> cpus) {
        v.put("hvExposed", exposed).put("hvGuestOsId", guestOsId).put("hvHypercall", hypercallMsr).put("hvEnforceCpuid", enforceCpuid)
                .put("hvCpuid", new long[] {featuresEax, featuresEbx, featuresEdx, enlightenmentsEax, enlightenmentsEbx, syndbgCapEax})
                .put("hvSyndbgOptions", syndbgOptions).put("hvEventfdIds", eventfds.ids()).put("hvEventfdSignals", eventfds.counts())
                .put("hvLastBoosted", lastBoosted);
        for (int i = 0; i < cpus.size(); i++) {
            cpus.get(i).put("hvVpIndex", vpIndex[i]).put("hvSynic", synicActive[i]).put("hvTlbFlushRequests", tlbFlushRequests[i]);
        }
    }

    /** The state {@link #save} wrote. */
    void restore(dev.hcsim.core.VmSnapshot.State v, List<dev.hcsim.core.VmSnapshot.State> cpus) {
        exposed = v.flag("hvExposed");
        guestOsId = v.num("hvGuestOsId");
        hypercallMsr = v.num("hvHypercall");
        enforceCpuid = v.flag("hvEnforceCpuid");
        long[] c = v.nums("hvCpuid", 6);
        setCpuid(c[0], c[1], c[2], c[3], c[4], c[5]);
        syndbgOptions = v.num("hvSyndbgOptions");
        eventfds.restore(v.nums("hvEventfdIds"), v.nums("hvEventfdSignals"));
        lastBoosted = (int) v.num("hvLastBoosted");
        for (int i = 0; i < cpus.size(); i++) {
            vpIndex[i] = (int) cpus.get(i).num("hvVpIndex");
            synicActive[i] = cpus.get(i).flag("hvSynic");
            tlbFlushRequests[i] = cpus.get(i).num("hvTlbFlushRequests");
        }
    }
}
