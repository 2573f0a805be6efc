package dev.hcsim.arch.x86;

import static dev.hcsim.arch.x86.X86HypervTlfs.*;

import dev.hcsim.core.spi.AbiFamily;
import java.util.List;

/**
 * The Hyper-V ABI as {@code explain} and the ABI tables describe it: when KVM picks it, its register convention and
 * every call code {@link X86Hyperv} answers or hands to the VMM, each with its HV_STATUS_* results.
 */
final class X86HypervAbi {
    private X86HypervAbi() {
    }

    private static final String HV = "arch/x86/kvm/hyperv.c ";
    private static final String INPUT = "HV_STATUS_INVALID_HYPERCALL_INPUT";
    private static final String SUCCESS = "HV_STATUS_SUCCESS";
    private static final String DENIED = "HV_STATUS_ACCESS_DENIED";

    private static AbiFamily.Call call(int code, String summary, String source, String... statuses) {
        return new AbiFamily.Call(code, callName(code), summary, List.of(statuses), HV + source);
    }

    /** The description. */
    static final AbiFamily FAMILY = new AbiFamily("Hyper-V (TLFS hypercalls as KVM implements them)", X86Architecture.HYPERV, "rcx",
            "when Hyper-V is exposed and HV_X64_MSR_GUEST_OS_ID is non-zero (--feature hyperv; hyperv.h kvm_hv_hypercall_enabled), "
                    + "after Xen and before every KVM_HC_* number (x86.c kvm_emulate_hypercall: Xen -> Hyper-V -> KVM)",
            List.of("control word: bits 15:0 call code, 16 fast, 26:17 variable header size, 43:32 rep count, 59:48 rep start; "
                            + "bits 31:27, 47:44, 63:60 reserved (31 is HV_HYPERCALL_NESTED, still rejected): HV_STATUS_INVALID_HYPERCALL_INPUT",
                    "64-bit: RCX = control, RDX = input (GPA, or data when fast), R8 = output; XMM0-XMM5 carry more input of an XMM "
                            + "fast call (the flushes and SEND_IPI_EX); 32-bit: EDX:EAX, EBX:ECX, EDI:ESI",
                    "result word: HV_STATUS_* in bits 15:0, reps completed in 43:32; RAX (32-bit: EDX:EAX); RIP + 3 "
                            + "(kvm_hv_hypercall_complete)",
                    "CPL > 0 or real mode (CR0.PE = 0): #UD; under KVM_CAP_HYPERV_ENFORCE_CPUID a call without its CPUID privilege bit: "
                            + "HV_STATUS_ACCESS_DENIED, and an XMM fast call without HV_X64_HYPERCALL_XMM_INPUT_AVAILABLE: #UD "
                            + "(checks in this order: CPL/real mode, access, reserved bits, XMM)",
                    "any code not listed below: HV_STATUS_INVALID_HYPERCALL_CODE",
                    "exits: KVM_EXIT_HYPERV, type KVM_EXIT_HYPERV_HCALL, input = control, params = {input, output}; re-entry writes "
                            + "hyperv.u.hcall.result and advances RIP"),
            CODEC,
            List.of(call(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, "flush the TLBs of a 64-VP mask (0 or HV_FLUSH_ALL_PROCESSORS: every vCPU); "
                            + "no rep, no variable header", "kvm_hv_flush_tlb", SUCCESS, INPUT, DENIED),
                    call(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, "as SPACE, with rep count GVA ranges after the header; reps completed = rep count",
                            "kvm_hv_flush_tlb", SUCCESS, INPUT, DENIED),
                    call(HVCALL_NOTIFY_LONG_SPIN_WAIT, "a directed yield to a runnable vCPU (kvm_vcpu_on_spin)", "kvm_hv_hypercall",
                            SUCCESS, INPUT, DENIED),
                    call(HVCALL_SEND_IPI, "a fixed interrupt, vector 0x10..0xff, to a 64-VP mask; the fast form's input high half must be 0",
                            "kvm_hv_send_ipi", SUCCESS, INPUT, DENIED),
                    call(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX, "flush to a sparse VP set (var_cnt banks) or HV_GENERIC_SET_ALL",
                            "kvm_hv_flush_tlb", SUCCESS, INPUT, DENIED),
                    call(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX, "as SPACE_EX with GVA ranges after the banks; reps completed = rep count",
                            "kvm_hv_flush_tlb", SUCCESS, INPUT, DENIED),
                    call(HVCALL_SEND_IPI_EX, "a fixed interrupt to a sparse VP set or HV_GENERIC_SET_ALL; an empty set succeeds before the "
                            + "vector check", "kvm_hv_send_ipi", SUCCESS, INPUT, DENIED),
                    call(HVCALL_POST_MESSAGE, "to the VMM (KVM_EXIT_HYPERV) when SynIC is active, else HV_STATUS_INVALID_HYPERCALL_INPUT",
                            "kvm_hv_hypercall", INPUT, DENIED, "the VMM's"),
                    call(HVCALL_SIGNAL_EVENT, "signals the eventfd of a connection ID (24 bits; the flag number must be 0); a slow call reads "
                            + "it from an 8-aligned GPA in one page; a connection without an eventfd goes the POST_MESSAGE way",
                            "kvm_hvcall_signal_event", SUCCESS, "HV_STATUS_INVALID_ALIGNMENT", INPUT, DENIED, "the VMM's"),
                    call(HVCALL_POST_DEBUG_DATA, "to the VMM with SynDbg on and HV_X64_SYNDBG_OPTION_USE_HCALLS; slow only",
                            "kvm_hv_hypercall", "HV_STATUS_INVALID_HYPERCALL_CODE", "HV_STATUS_OPERATION_DENIED", "HV_STATUS_INVALID_PARAMETER",
                            DENIED, "the VMM's"),
                    call(HVCALL_RETRIEVE_DEBUG_DATA, "as POST_DEBUG_DATA", "kvm_hv_hypercall", "HV_STATUS_INVALID_HYPERCALL_CODE",
                            "HV_STATUS_OPERATION_DENIED", "HV_STATUS_INVALID_PARAMETER", DENIED, "the VMM's"),
                    call(HVCALL_RESET_DEBUG_SESSION, "as POST_DEBUG_DATA, fast form allowed", "kvm_hv_hypercall",
                            "HV_STATUS_INVALID_HYPERCALL_CODE", "HV_STATUS_OPERATION_DENIED", DENIED, "the VMM's"),
                    new AbiFamily.Call(HV_EXT_CALL_QUERY_CAPABILITIES, "HV_EXT_CALL_QUERY_CAPABILITIES .. HV_EXT_CALL_MAX (0x8041)",
                            "the extended calls: to the VMM, slow form only", List.of("HV_STATUS_INVALID_PARAMETER", DENIED, "the VMM's"),
                            HV + "kvm_hv_hypercall")));
}
