package dev.hcsim.selftests;

import static dev.hcsim.selftests.HypervGuest.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.TrapResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * tools/testing/selftests/kvm/x86/hyperv_features.c (torvalds/linux, read at commit a066bad8), guest_test_hcalls_access:
 * with KVM_CAP_HYPERV_ENFORCE_CPUID on and the Hyper-V feature leaves cleared (vcpu_reset_hv_cpuid), each stage sets
 * one more CPUID privilege bit (kept for the stages after it, prev_cpuid) and the guest's hcall (guest_hcall) either
 * gets #UD or the expected status. The guest writes HV_X64_MSR_GUEST_OS_ID and HV_X64_MSR_HYPERCALL first; a slow call
 * passes input = the zeroed hypercall page, output = the page after it, a fast call 0 and 0.
 */
class X86HypervFeaturesSelftest {
    static final long PGS_GPA = 0x4000;

    /** One stage of the switch in guest_test_hcalls_access (line numbers of the file read). */
    record Stage(int n, int leaf, int reg, long bit, long control, long expect, boolean ud) {
        @Override
        public String toString() {
            return "stage " + n + ": control 0x" + Long.toHexString(control);
        }
    }

    static final int FEA = 0x40000003;
    static final int ENL = 0x40000004;
    static final int DBG = 0x40000082;
    static final int EAX = 0;
    static final int EBX = 1;
    static final int EDX = 3;

    static final Stage[] STAGES = {
        new Stage(0, FEA, EAX, 1L << 5, 0xbeef, HV_STATUS_INVALID_HYPERCALL_CODE, false), // HV_MSR_HYPERCALL_AVAILABLE
        new Stage(1, 0, 0, 0, HVCALL_POST_MESSAGE, HV_STATUS_ACCESS_DENIED, false),
        new Stage(2, FEA, EBX, 1L << 4, HVCALL_POST_MESSAGE, HV_STATUS_INVALID_HYPERCALL_INPUT, false), // HV_POST_MESSAGES
        new Stage(3, 0, 0, 0, HVCALL_SIGNAL_EVENT, HV_STATUS_ACCESS_DENIED, false),
        new Stage(4, FEA, EBX, 1L << 5, HVCALL_SIGNAL_EVENT, HV_STATUS_INVALID_HYPERCALL_INPUT, false), // HV_SIGNAL_EVENTS
        new Stage(5, 0, 0, 0, HVCALL_RESET_DEBUG_SESSION, HV_STATUS_INVALID_HYPERCALL_CODE, false),
        new Stage(6, DBG, EAX, 1L << 1, HVCALL_RESET_DEBUG_SESSION, HV_STATUS_ACCESS_DENIED, false), // SYNDBG_CAP_ALLOW_KERNEL_DEBUGGING
        new Stage(7, FEA, EBX, 1L << 11, HVCALL_RESET_DEBUG_SESSION, HV_STATUS_OPERATION_DENIED, false), // HV_DEBUGGING
        new Stage(8, 0, 0, 0, HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, HV_STATUS_ACCESS_DENIED, false),
        new Stage(9, ENL, EAX, 1L << 2, HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, HV_STATUS_SUCCESS, false), // REMOTE_TLB_FLUSH_RECOMMENDED
        new Stage(10, 0, 0, 0, HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX, HV_STATUS_ACCESS_DENIED, false),
        new Stage(11, ENL, EAX, 1L << 11, HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX, HV_STATUS_SUCCESS, false), // EX_PROCESSOR_MASKS
        new Stage(12, 0, 0, 0, HVCALL_SEND_IPI, HV_STATUS_ACCESS_DENIED, false),
        new Stage(13, ENL, EAX, 1L << 10, HVCALL_SEND_IPI, HV_STATUS_INVALID_HYPERCALL_INPUT, false), // CLUSTER_IPI_RECOMMENDED
        new Stage(14, 0, 0, 0, HVCALL_SEND_IPI_EX, HV_STATUS_SUCCESS, false), // "Nothing in 'sparse banks' -> success"
        new Stage(15, 0, 0, 0, HVCALL_NOTIFY_LONG_SPIN_WAIT, HV_STATUS_ACCESS_DENIED, false),
        new Stage(16, ENL, EBX, 1L, HVCALL_NOTIFY_LONG_SPIN_WAIT, HV_STATUS_SUCCESS, false), // HV_PV_SPINLOCKS_TEST
        new Stage(17, 0, 0, 0, HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE | HV_HYPERCALL_FAST_BIT, 0, true), // XMM fast hypercall
        new Stage(18, FEA, EDX, 1L << 4, HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE | HV_HYPERCALL_FAST_BIT, HV_STATUS_SUCCESS, false),
        new Stage(19, 0, 0, 0, HV_EXT_CALL_QUERY_CAPABILITIES, HV_STATUS_ACCESS_DENIED, false),
        new Stage(20, FEA, EBX, 1L << 20, HV_EXT_CALL_QUERY_CAPABILITIES | HV_HYPERCALL_FAST_BIT, HV_STATUS_INVALID_PARAMETER, false),
    };

    static Stage[] stages() {
        return STAGES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stages")
    @DisplayName("hyperv_features.c guest_hcall: __GUEST_ASSERT(vector == UD_VECTOR, \"Expected #UD for control\") / "
            + "__GUEST_ASSERT(!vector, \"Expected no exception\") and GUEST_ASSERT_EQ(res, hcall->expect)")
    void hcallStage(Stage s) {
        long[] cpuid = new long[6]; // FEATURES eax, ebx, edx; ENLIGHTMENT_INFO eax, ebx; SYNDBG eax: all cleared at first
        for (Stage p : STAGES) {
            if (p.n() > s.n()) {
                break;
            }
            if (p.leaf() == FEA) {
                cpuid[p.reg() == EAX ? 0 : p.reg() == EBX ? 1 : 2] |= p.bit();
            } else if (p.leaf() == ENL) {
                cpuid[p.reg() == EAX ? 3 : 4] |= p.bit();
            } else if (p.leaf() == DBG) {
                cpuid[5] |= p.bit();
            }
        }
        HypervGuest g = new HypervGuest(1);
        g.zeroPage(PGS_GPA);
        g.zeroPage(PGS_GPA + 4096);
        g.vm.control().enableVcpuCap(0, KVM_CAP_HYPERV_ENFORCE_CPUID, 1);
        g.setHvCpuid(cpuid[0], cpuid[1], cpuid[2], cpuid[3], cpuid[4], cpuid[5]);
        g.hvInit(0, PGS_GPA);
        boolean fast = (s.control() & HV_HYPERCALL_FAST_BIT) != 0;
        TrapResult r = g.hypercall(0, s.control(), fast ? 0 : PGS_GPA, fast ? 0 : PGS_GPA + 4096);
        if (s.ud()) {
            assertEquals(Outcome.FAULT, r.outcome(), "Expected #UD for control");
            assertEquals(Fault.X86.UD, ((Fault.X86) r.fault()).vector(), "Expected #UD for control");
        } else {
            assertEquals(Outcome.RESUME, r.outcome(), "Expected no exception for control");
            assertEquals(s.expect(), g.rax(0), "res == hcall->expect");
        }
    }
}
