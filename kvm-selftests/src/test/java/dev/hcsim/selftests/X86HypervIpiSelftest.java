package dev.hcsim.selftests;

import static dev.hcsim.selftests.HypervGuest.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.Outcome;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * tools/testing/selftests/kvm/x86/hyperv_ipi.c (torvalds/linux, read at commit 5171573c): a sender vCPU and two
 * receivers halted in safe_halt with VP indices RECEIVER_VCPU_ID_1 = 2 and RECEIVER_VCPU_ID_2 = 65 (vcpu_set_msr
 * HV_X64_MSR_VP_INDEX), so the second lives in sparse bank 1. The sender sends IPI_VECTOR 0xfe through
 * HvCallSendSyntheticClusterIpi (slow, fast) and its Ex form (slow, XMM fast) to one, the other, both and
 * HV_GENERIC_SET_ALL, and after each asserts how many IPIs each receiver has taken (ipis_rcvd, counted by the
 * guest's IPI handler). hyperv_hypercall asserts no exception and status 0 for every call.
 */
class X86HypervIpiSelftest {
    static final int RECEIVER_VCPU_ID_1 = 2;
    static final int RECEIVER_VCPU_ID_2 = 65;
    static final int IPI_VECTOR = 0xfe;
    static final long PGS_GPA = 0x4000;
    static final long HV_GENERIC_SET_SPARSE_4K = 0;
    static final long HV_GENERIC_SET_ALL = 1;

    HypervGuest g;
    int[] expected = new int[2];
    int stage;

    int ipis(int vcpu) {
        return g.m.interrupts(vcpu).getOrDefault(IPI_VECTOR, 0);
    }

    /** hyperv_hypercall: GUEST_ASSERT(!vector); GUEST_ASSERT((hv_status & 0xffff) == 0); then the two ipis_rcvd asserts. */
    void send(long control, long input, long output, boolean toFirst, boolean toSecond) {
        stage++;
        TrapResult r = g.hypercall(0, control, input, output);
        assertEquals(Outcome.RESUME, r.outcome(), "stage " + stage + ": hyperv_hypercall GUEST_ASSERT(!vector)");
        assertEquals(0, g.rax(0) & 0xffff, "stage " + stage + ": GUEST_ASSERT((hv_status & 0xffff) == 0)");
        expected[0] += toFirst ? 1 : 0;
        expected[1] += toSecond ? 1 : 0;
        assertEquals(expected[0], ipis(1), "stage " + stage + ": ipis_rcvd[RECEIVER_VCPU_ID_1]");
        assertEquals(expected[1], ipis(2), "stage " + stage + ": ipis_rcvd[RECEIVER_VCPU_ID_2]");
    }

    @Test
    @DisplayName("hyperv_ipi.c sender_guest_code: GUEST_ASSERT(ipis_rcvd[RECEIVER_VCPU_ID_1] == ipis_expected[0]) and "
            + "GUEST_ASSERT(ipis_rcvd[RECEIVER_VCPU_ID_2] == ipis_expected[1]) after each of the 10 sends")
    void sendersStages() {
        g = new HypervGuest(3);
        g.setVpIndex(1, RECEIVER_VCPU_ID_1);
        g.setVpIndex(2, RECEIVER_VCPU_ID_2);
        g.m.initialState(1, VcpuState.HALTED); // receiver_code: for (;;) safe_halt();
        g.m.initialState(2, VcpuState.HALTED);
        g.zeroPage(PGS_GPA);
        g.zeroPage(PGS_GPA + 4096);
        g.hvInit(0, PGS_GPA);
        long out = PGS_GPA + 4096;
        // 'Slow' HvCallSendSyntheticClusterIpi to RECEIVER_VCPU_ID_1: struct hv_send_ipi {vector, reserved, cpu_mask}
        g.words(PGS_GPA, IPI_VECTOR, 1L << RECEIVER_VCPU_ID_1);
        send(HVCALL_SEND_IPI, PGS_GPA, out, true, false);
        // 'Fast' HvCallSendSyntheticClusterIpi to RECEIVER_VCPU_ID_1
        send(HVCALL_SEND_IPI | HV_HYPERCALL_FAST_BIT, IPI_VECTOR, 1L << RECEIVER_VCPU_ID_1, true, false);
        // 'Slow' HvCallSendSyntheticClusterIpiEx to RECEIVER_VCPU_ID_1: {vector, reserved, format, valid_bank_mask, banks}
        g.zeroPage(PGS_GPA);
        g.words(PGS_GPA, IPI_VECTOR, HV_GENERIC_SET_SPARSE_4K, 1, 1L << RECEIVER_VCPU_ID_1);
        send(HVCALL_SEND_IPI_EX | (1L << HV_HYPERCALL_VARHEAD_OFFSET), PGS_GPA, out, true, false);
        // 'XMM Fast' HvCallSendSyntheticClusterIpiEx to RECEIVER_VCPU_ID_1: hyperv_write_xmm_input(&valid_bank_mask, 1)
        g.writeXmmInput(0, 1, 1L << RECEIVER_VCPU_ID_1);
        send(HVCALL_SEND_IPI_EX | HV_HYPERCALL_FAST_BIT | (1L << HV_HYPERCALL_VARHEAD_OFFSET), IPI_VECTOR, HV_GENERIC_SET_SPARSE_4K,
                true, false);
        // 'Slow' and 'XMM Fast' Ex to RECEIVER_VCPU_ID_2 (bank 1)
        g.zeroPage(PGS_GPA);
        g.words(PGS_GPA, IPI_VECTOR, HV_GENERIC_SET_SPARSE_4K, 1L << 1, 1L << (RECEIVER_VCPU_ID_2 - 64));
        send(HVCALL_SEND_IPI_EX | (1L << HV_HYPERCALL_VARHEAD_OFFSET), PGS_GPA, out, false, true);
        g.writeXmmInput(0, 1L << 1, 1L << (RECEIVER_VCPU_ID_2 - 64));
        send(HVCALL_SEND_IPI_EX | HV_HYPERCALL_FAST_BIT | (1L << HV_HYPERCALL_VARHEAD_OFFSET), IPI_VECTOR, HV_GENERIC_SET_SPARSE_4K,
                false, true);
        // 'Slow' and 'XMM Fast' Ex to both (banks 0 and 1)
        g.zeroPage(PGS_GPA);
        g.words(PGS_GPA, IPI_VECTOR, HV_GENERIC_SET_SPARSE_4K, (1L << 1) | 1, 1L << RECEIVER_VCPU_ID_1, 1L << (RECEIVER_VCPU_ID_2 - 64));
        send(HVCALL_SEND_IPI_EX | (2L << HV_HYPERCALL_VARHEAD_OFFSET), PGS_GPA, out, true, true);
        g.writeXmmInput(0, (1L << 1) | 1, 1L << RECEIVER_VCPU_ID_1, 1L << (RECEIVER_VCPU_ID_2 - 64), 0);
        send(HVCALL_SEND_IPI_EX | HV_HYPERCALL_FAST_BIT | (2L << HV_HYPERCALL_VARHEAD_OFFSET), IPI_VECTOR, HV_GENERIC_SET_SPARSE_4K,
                true, true);
        // 'Slow' and 'XMM Fast' Ex to HV_GENERIC_SET_ALL
        g.zeroPage(PGS_GPA);
        g.words(PGS_GPA, IPI_VECTOR, HV_GENERIC_SET_ALL);
        send(HVCALL_SEND_IPI_EX, PGS_GPA, out, true, true);
        g.writeXmmInput(0, 0, 1L << RECEIVER_VCPU_ID_1, 1L << (RECEIVER_VCPU_ID_2 - 64), 0); // valid_bank_mask = 0
        send(HVCALL_SEND_IPI_EX | HV_HYPERCALL_FAST_BIT, IPI_VECTOR, HV_GENERIC_SET_ALL, true, true);
        assertEquals(10, stage);
    }
}
