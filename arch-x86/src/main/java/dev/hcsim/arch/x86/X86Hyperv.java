package dev.hcsim.arch.x86;

import dev.hcsim.core.Fault;
import dev.hcsim.core.Vm;
import dev.hcsim.core.spi.Trap;

/**
 * The Hyper-V hypercall ABI KVM emulates for a VM (arch/x86/kvm/hyperv.c): whether it answers a {@code vmcall} /
 * {@code vmmcall} at all ({@link #enabled}) and the call itself ({@link #hypercall}).
 *
 * <p>Entry points for the x86 dispatcher, mirroring arch/x86/kvm/x86.c {@code kvm_emulate_hypercall}: Xen first (its
 * {@code kvm_xen_hypercall} hands EAX bit 31 calls to {@link #hypercall} when {@link #enabled} is true), then
 * {@code kvm_hv_hypercall_enabled} → {@code kvm_hv_hypercall}, then KVM's own {@code KVM_HC_*} numbers.
 */
final class X86Hyperv {
    private final Vm vm;
    /** vcpu->arch.hyperv_enabled: the VMM exposed Hyper-V in CPUID (one value for the VM here). */
    private volatile boolean exposed;
    /** kvm->arch.hyperv.hv_guest_os_id: HV_X64_MSR_GUEST_OS_ID, partition-wide. */
    private volatile long guestOsId;

    X86Hyperv(Vm vm) {
        this.vm = vm;
        this.exposed = vm.feature(X86Architecture.HYPERV);
        this.guestOsId = exposed ? vm.optionNumber("hyperv-guest-os-id") : 0;
    }

    /**
     * hyperv.h kvm_hv_hypercall_enabled: Hyper-V exposed to the vCPU and a non-zero guest OS ID written.
     * @param vcpu the calling vCPU's index
     * @return true when {@code vmcall}/{@code vmmcall} belongs to the Hyper-V ABI
     */
    boolean enabled(int vcpu) {
        return exposed && guestOsId != 0;
    }

    /**
     * hyperv.c kvm_hv_hypercall: the whole call on {@code t}, whose instruction is the native {@code vmcall}/
     * {@code vmmcall} (length 3 already set). Sets the outcome: completed (result written, RIP + 3), #UD, or a
     * KVM_EXIT_HYPERV exit. The caller does the single-step #DB after a completed call, as for KVM's calls.
     * @param t the trap
     */
    void hypercall(Trap t) {
        t.callName("kvm_hv_hypercall");
        t.fault(Fault.X86.ud(t.pc()), "Hyper-V hypercalls are not modelled yet");
    }

    Vm vm() {
        return vm;
    }
}
