package dev.hcsim.arch.x86;

import dev.hcsim.core.Status;
import dev.hcsim.core.StatusCodec;

/**
 * The Hyper-V TLFS numbers KVM's Hyper-V hypercall ABI uses, by their names in include/asm-generic/hyperv-tlfs.h and
 * arch/x86/include/asm/hyperv-tlfs.h, and the two KVM-side limits of arch/x86/kvm/hyperv.c.
 */
final class X86HypervTlfs {
    private X86HypervTlfs() {
    }

    // ---------------------------------------------------------------- call codes (HVCALL_*, HV_EXT_CALL_*)
    static final int HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE = 0x0002;
    static final int HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST = 0x0003;
    static final int HVCALL_NOTIFY_LONG_SPIN_WAIT = 0x0008;
    static final int HVCALL_SEND_IPI = 0x000b;
    static final int HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX = 0x0013;
    static final int HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX = 0x0014;
    static final int HVCALL_SEND_IPI_EX = 0x0015;
    static final int HVCALL_POST_MESSAGE = 0x005c;
    static final int HVCALL_SIGNAL_EVENT = 0x005d;
    static final int HVCALL_POST_DEBUG_DATA = 0x0069;
    static final int HVCALL_RETRIEVE_DEBUG_DATA = 0x006a;
    static final int HVCALL_RESET_DEBUG_SESSION = 0x006b;
    static final int HV_EXT_CALL_QUERY_CAPABILITIES = 0x8001;
    /** hyperv.c: HV_EXT_CALL_QUERY_CAPABILITIES + 64 (0x8041), the last extended call; the case range includes it. */
    static final int HV_EXT_CALL_MAX = HV_EXT_CALL_QUERY_CAPABILITIES + 64;

    // ---------------------------------------------------------------- the control word (hypercall input value)
    static final long HV_HYPERCALL_FAST_BIT = 1L << 16;
    static final int HV_HYPERCALL_VARHEAD_OFFSET = 17;
    /** GENMASK_ULL(26, 17). */
    static final long HV_HYPERCALL_VARHEAD_MASK = 0x3FFL << 17;
    /** GENMASK_ULL(31, 27): bit 31 is HV_HYPERCALL_NESTED, which KVM still rejects as reserved. */
    static final long HV_HYPERCALL_RSVD0_MASK = 0x1FL << 27;
    static final long HV_HYPERCALL_NESTED = 1L << 31;
    static final int HV_HYPERCALL_REP_COMP_OFFSET = 32;
    /** GENMASK_ULL(47, 44). */
    static final long HV_HYPERCALL_RSVD1_MASK = 0xFL << 44;
    static final int HV_HYPERCALL_REP_START_OFFSET = 48;
    /** GENMASK_ULL(63, 60). */
    static final long HV_HYPERCALL_RSVD2_MASK = 0xFL << 60;
    static final long HV_HYPERCALL_RSVD_MASK = HV_HYPERCALL_RSVD0_MASK | HV_HYPERCALL_RSVD1_MASK | HV_HYPERCALL_RSVD2_MASK;

    // ---------------------------------------------------------------- status codes (HV_STATUS_*)
    static final int HV_STATUS_SUCCESS = 0;
    static final int HV_STATUS_INVALID_HYPERCALL_CODE = 2;
    static final int HV_STATUS_INVALID_HYPERCALL_INPUT = 3;
    static final int HV_STATUS_INVALID_ALIGNMENT = 4;
    static final int HV_STATUS_INVALID_PARAMETER = 5;
    static final int HV_STATUS_ACCESS_DENIED = 6;
    static final int HV_STATUS_OPERATION_DENIED = 8;
    static final int HV_STATUS_INVALID_PORT_ID = 17;

    /**
     * The status codes KVM's Hyper-V calls answer with, as the low 16 bits of the result word, each tied to the generic
     * status that means the same (traces and {@code explain} print the TLFS name).
     */
    static final StatusCodec CODEC = StatusCodec.builder("Hyper-V HV_STATUS_*")
            .code(Status.SUCCESS, HV_STATUS_SUCCESS, "HV_STATUS_SUCCESS")
            .code(Status.NOT_IMPLEMENTED, HV_STATUS_INVALID_HYPERCALL_CODE, "HV_STATUS_INVALID_HYPERCALL_CODE")
            .code(Status.INVALID_PARAMETER, HV_STATUS_INVALID_HYPERCALL_INPUT, "HV_STATUS_INVALID_HYPERCALL_INPUT")
            .code(Status.INVALID_ADDRESS, HV_STATUS_INVALID_ALIGNMENT, "HV_STATUS_INVALID_ALIGNMENT")
            .code(Status.NOT_SUPPORTED, HV_STATUS_INVALID_PARAMETER, "HV_STATUS_INVALID_PARAMETER")
            .code(Status.PERMISSION, HV_STATUS_ACCESS_DENIED, "HV_STATUS_ACCESS_DENIED")
            .code(Status.DENIED, HV_STATUS_OPERATION_DENIED, "HV_STATUS_OPERATION_DENIED")
            .code(Status.NOT_PRESENT, HV_STATUS_INVALID_PORT_ID, "HV_STATUS_INVALID_PORT_ID")
            .build();

    /** The generic status of a Hyper-V status code, or null for a code KVM itself never answers (a VMM's). */
    static Status status(int hvStatus) {
        switch (hvStatus) {
            case HV_STATUS_SUCCESS: return Status.SUCCESS;
            case HV_STATUS_INVALID_HYPERCALL_CODE: return Status.NOT_IMPLEMENTED;
            case HV_STATUS_INVALID_HYPERCALL_INPUT: return Status.INVALID_PARAMETER;
            case HV_STATUS_INVALID_ALIGNMENT: return Status.INVALID_ADDRESS;
            case HV_STATUS_INVALID_PARAMETER: return Status.NOT_SUPPORTED;
            case HV_STATUS_ACCESS_DENIED: return Status.PERMISSION;
            case HV_STATUS_OPERATION_DENIED: return Status.DENIED;
            case HV_STATUS_INVALID_PORT_ID: return Status.NOT_PRESENT;
            default: return null;
        }
    }

    // ---------------------------------------------------------------- flush, IPI and sparse VP sets
    static final long HV_FLUSH_ALL_PROCESSORS = 1L;
    static final long HV_GENERIC_SET_SPARSE_4K = 0;
    static final long HV_GENERIC_SET_ALL = 1;
    static final int HV_MAX_SPARSE_VCPU_BANKS = 64;
    static final int HV_VCPUS_PER_SPARSE_BANK = 64;
    static final int HV_IPI_LOW_VECTOR = 0x10;
    static final int HV_IPI_HIGH_VECTOR = 0xff;
    /** HV_HYPERCALL_MAX_XMM_REGISTERS: XMM0..XMM5 carry an XMM fast call's input. */
    static final int HV_HYPERCALL_MAX_XMM_REGISTERS = 6;
    /** hyperv.c KVM_HV_MAX_SPARSE_VCPU_SET_BITS = DIV_ROUND_UP(KVM_MAX_VCPUS = 4096, 64). */
    static final int KVM_HV_MAX_SPARSE_VCPU_SET_BITS = 64;
    /** hyperv.h KVM_HV_TLB_FLUSH_FIFO_SIZE: the per-vCPU flush FIFO; one slot stays free for "flush all". */
    static final int KVM_HV_TLB_FLUSH_FIFO_SIZE = 16;
    /** uapi/linux/kvm.h KVM_HYPERV_CONN_ID_MASK: a connection ID has 24 bits. */
    static final long KVM_HYPERV_CONN_ID_MASK = 0x00ffffffL;

    // ---------------------------------------------------------------- MSRs
    static final long HV_X64_MSR_GUEST_OS_ID = 0x40000000L;
    static final long HV_X64_MSR_HYPERCALL = 0x40000001L;
    static final long HV_X64_MSR_VP_INDEX = 0x40000002L;
    static final long HV_X64_MSR_SYNDBG_OPTIONS = 0x400000FFL;
    static final long HV_X64_MSR_HYPERCALL_ENABLE = 1;
    static final long HV_X64_MSR_HYPERCALL_PAGE_ADDRESS_MASK = ~((1L << 12) - 1);

    // ---------------------------------------------------------------- CPUID leaves and the bits that gate calls
    static final int HYPERV_CPUID_FEATURES = 0x40000003;
    static final int HYPERV_CPUID_ENLIGHTMENT_INFO = 0x40000004;
    static final int HYPERV_CPUID_SYNDBG_PLATFORM_CAPABILITIES = 0x40000082;
    /** HYPERV_CPUID_FEATURES.EAX. */
    static final long HV_MSR_HYPERCALL_AVAILABLE = 1L << 5;
    static final long HV_MSR_VP_INDEX_AVAILABLE = 1L << 6;
    /** HYPERV_CPUID_FEATURES.EBX. */
    static final long HV_POST_MESSAGES = 1L << 4;
    static final long HV_SIGNAL_EVENTS = 1L << 5;
    static final long HV_DEBUGGING = 1L << 11;
    static final long HV_ENABLE_EXTENDED_HYPERCALLS = 1L << 20;
    /** HYPERV_CPUID_FEATURES.EDX. */
    static final long HV_X64_HYPERCALL_XMM_INPUT_AVAILABLE = 1L << 4;
    static final long HV_FEATURE_DEBUG_MSRS_AVAILABLE = 1L << 11;
    /** HYPERV_CPUID_ENLIGHTMENT_INFO.EAX. */
    static final long HV_X64_REMOTE_TLB_FLUSH_RECOMMENDED = 1L << 2;
    static final long HV_X64_CLUSTER_IPI_RECOMMENDED = 1L << 10;
    static final long HV_X64_EX_PROCESSOR_MASKS_RECOMMENDED = 1L << 11;
    /** HYPERV_CPUID_SYNDBG_PLATFORM_CAPABILITIES.EAX. */
    static final long HV_X64_SYNDBG_CAP_ALLOW_KERNEL_DEBUGGING = 1L << 1;
    /** HV_X64_MSR_SYNDBG_OPTIONS. */
    static final long HV_X64_SYNDBG_OPTION_USE_HCALLS = 1L << 2;

    /**
     * What KVM_GET_SUPPORTED_HV_CPUID reports (hyperv.c kvm_get_hv_cpuid), the defaults of the CPUID options: FEATURES
     * EAX, EBX, EDX, ENLIGHTMENT_INFO EAX (without the SMT- and eVMCS-dependent bits), EBX (0xFFF spinlock retries).
     */
    static final long SUPPORTED_FEATURES_EAX = 0xAAFFL;
    static final long SUPPORTED_FEATURES_EBX = 0x100830L;
    static final long SUPPORTED_FEATURES_EDX = 0x84D12L;
    static final long SUPPORTED_ENLIGHTENMENTS_EAX = 0xE2CL;
    static final long SUPPORTED_ENLIGHTENMENTS_EBX = 0xFFFL;

    /** The name of call code {@code code} as hyperv-tlfs.h spells it, or null. */
    static String callName(int code) {
        switch (code) {
            case HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE: return "HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE";
            case HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST: return "HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST";
            case HVCALL_NOTIFY_LONG_SPIN_WAIT: return "HVCALL_NOTIFY_LONG_SPIN_WAIT";
            case HVCALL_SEND_IPI: return "HVCALL_SEND_IPI";
            case HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX: return "HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX";
            case HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX: return "HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX";
            case HVCALL_SEND_IPI_EX: return "HVCALL_SEND_IPI_EX";
            case HVCALL_POST_MESSAGE: return "HVCALL_POST_MESSAGE";
            case HVCALL_SIGNAL_EVENT: return "HVCALL_SIGNAL_EVENT";
            case HVCALL_POST_DEBUG_DATA: return "HVCALL_POST_DEBUG_DATA";
            case HVCALL_RETRIEVE_DEBUG_DATA: return "HVCALL_RETRIEVE_DEBUG_DATA";
            case HVCALL_RESET_DEBUG_SESSION: return "HVCALL_RESET_DEBUG_SESSION";
            case HV_EXT_CALL_QUERY_CAPABILITIES: return "HV_EXT_CALL_QUERY_CAPABILITIES";
            default: return code > HV_EXT_CALL_QUERY_CAPABILITIES && code <= HV_EXT_CALL_MAX ? "HV_EXT_CALL (extended)" : null;
        }
    }
}
