package dev.hcsim.selftests;

import static dev.hcsim.selftests.HypervGuest.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.arch.x86.X86Vm;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * tools/testing/selftests/kvm/x86/hyperv_tlb_flush.c (torvalds/linux, read at commit 42d3b66d), sender_guest_code:
 * 20 stages of HvFlushVirtualAddressSpace/List and their Ex forms, slow then fast (XMM input), each to WORKER_VCPU_ID_1
 * (VP index 2), WORKER_VCPU_ID_2 (VP index 65, sparse bank 1), both, or every processor. hyperv_hypercall asserts no
 * exception and status 0 for each; the workers then assert (post_test) whether they see the swapped page, i.e. whether
 * KVM flushed their TLB. hcsim has no MMU: the port asserts the hypercall-visible part, that the flush request
 * (KVM_REQ_HV_TLB_FLUSH) reached exactly the workers post_test expects to have flushed, and the reps completed of the
 * LIST forms (hyperv.c kvm_hv_flush_tlb: "We always do full TLB flush, set 'Reps completed' = 'Rep Count'").
 */
class X86HypervTlbFlushSelftest {
    static final int WORKER_VCPU_ID_1 = 2;
    static final int WORKER_VCPU_ID_2 = 65;
    static final long HV_FLUSH_ALL_PROCESSORS = 1;
    static final long HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES = 2;
    static final long HV_GENERIC_SET_SPARSE_4K = 0;
    static final long HV_GENERIC_SET_ALL = 1;
    static final long HCALL_GPA = 0x4000;
    static final long TEST_PAGES = 0x10000;
    static final long VAR1 = 1L << HV_HYPERCALL_VARHEAD_OFFSET;
    static final long VAR2 = 2L << HV_HYPERCALL_VARHEAD_OFFSET;
    static final long REP1 = 1L << HV_HYPERCALL_REP_COMP_OFFSET;
    static final long B1 = 1L << WORKER_VCPU_ID_1;
    static final long B2 = 1L << (WORKER_VCPU_ID_2 % 64);
    static final long BANK2 = 1L << (WORKER_VCPU_ID_2 / 64);

    /** One stage: control, input and output registers, the hypercall page's words, XMM input words, which workers flush. */
    static Arguments stage(String what, long control, long in, long out, long[] page, long[] xmm, boolean w1, boolean w2) {
        return Arguments.of(what, control, in, out, page, xmm, w1, w2);
    }

    static long[] w(long... v) {
        return v;
    }

    static Stream<Arguments> stages() {
        long a = HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES;
        long p = HCALL_GPA;
        long o = HCALL_GPA + 4096;
        return Stream.of(
                // "Slow" hypercalls: struct hv_tlb_flush {address_space, flags, processor_mask, gva_list[]}, _ex {.., hv_vp_set, ..}
                stage("slow SPACE for WORKER_VCPU_ID_1", HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, p, o, w(0, a, B1), null, true, false),
                stage("slow LIST for WORKER_VCPU_ID_1", HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST | REP1, p, o, w(0, a, B1, TEST_PAGES), null, true, false),
                stage("slow SPACE for HV_FLUSH_ALL_PROCESSORS", HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, p, o, w(0, a | HV_FLUSH_ALL_PROCESSORS, 0), null,
                        true, true),
                stage("slow LIST for HV_FLUSH_ALL_PROCESSORS", HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST | REP1, p, o,
                        w(0, a | HV_FLUSH_ALL_PROCESSORS, 0, TEST_PAGES), null, true, true),
                stage("slow SPACE_EX for WORKER_VCPU_ID_2", HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX | VAR1, p, o,
                        w(0, a, HV_GENERIC_SET_SPARSE_4K, BANK2, B2), null, false, true),
                stage("slow LIST_EX for WORKER_VCPU_ID_2", HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX | VAR1 | REP1, p, o,
                        w(0, a, HV_GENERIC_SET_SPARSE_4K, BANK2, B2, TEST_PAGES), null, false, true),
                stage("slow SPACE_EX for both vCPUs", HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX | VAR2, p, o,
                        w(0, a, HV_GENERIC_SET_SPARSE_4K, BANK2 | 1, B1, B2), null, true, true),
                stage("slow LIST_EX for both vCPUs", HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX | VAR2 | REP1, p, o,
                        w(0, a, HV_GENERIC_SET_SPARSE_4K, BANK2 | 1, B1, B2, TEST_PAGES), null, true, true),
                stage("slow SPACE_EX for HV_GENERIC_SET_ALL", HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX, p, o, w(0, a, HV_GENERIC_SET_ALL, 0), null,
                        true, true),
                stage("slow LIST_EX for HV_GENERIC_SET_ALL", HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX | REP1, p, o,
                        w(0, a, HV_GENERIC_SET_ALL, 0, TEST_PAGES), null, true, true),
                // "Fast" hypercalls: address space in RDX, flags in R8, the rest through hyperv_write_xmm_input
                stage("fast SPACE for WORKER_VCPU_ID_1", HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE | HV_HYPERCALL_FAST_BIT, 0, a, null, w(B1, 0), true,
                        false),
                stage("fast LIST for WORKER_VCPU_ID_1", HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST | HV_HYPERCALL_FAST_BIT | REP1, 0, a, null,
                        w(B1, TEST_PAGES), true, false),
                stage("fast SPACE for HV_FLUSH_ALL_PROCESSORS", HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE | HV_HYPERCALL_FAST_BIT, 0,
                        a | HV_FLUSH_ALL_PROCESSORS, null, w(0, 0), true, true),
                stage("fast LIST for HV_FLUSH_ALL_PROCESSORS", HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST | HV_HYPERCALL_FAST_BIT | REP1, 0,
                        a | HV_FLUSH_ALL_PROCESSORS, null, w(0, TEST_PAGES), true, true),
                stage("fast SPACE_EX for WORKER_VCPU_ID_2", HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX | HV_HYPERCALL_FAST_BIT | VAR1, 0, a, null,
                        w(HV_GENERIC_SET_SPARSE_4K, BANK2, B2, 0), false, true),
                stage("fast LIST_EX for WORKER_VCPU_ID_2", HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX | HV_HYPERCALL_FAST_BIT | VAR1 | REP1, 0, a, null,
                        w(HV_GENERIC_SET_SPARSE_4K, BANK2, B2, TEST_PAGES), false, true),
                stage("fast SPACE_EX for both vCPUs", HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX | HV_HYPERCALL_FAST_BIT | VAR2, 0, a, null,
                        w(HV_GENERIC_SET_SPARSE_4K, BANK2 | 1, B1, B2), true, true),
                stage("fast LIST_EX for both vCPUs", HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX | HV_HYPERCALL_FAST_BIT | VAR2 | REP1, 0, a, null,
                        w(HV_GENERIC_SET_SPARSE_4K, BANK2 | 1, B1, B2, TEST_PAGES, 0), true, true),
                stage("fast SPACE_EX for HV_GENERIC_SET_ALL", HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX | HV_HYPERCALL_FAST_BIT, 0, a, null,
                        w(HV_GENERIC_SET_ALL, 0, 0, 0), true, true),
                stage("fast LIST_EX for HV_GENERIC_SET_ALL", HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX | HV_HYPERCALL_FAST_BIT | REP1, 0, a, null,
                        w(HV_GENERIC_SET_ALL, 0, TEST_PAGES, 0), true, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stages")
    @DisplayName("hyperv_tlb_flush.c sender_guest_code: hyperv_hypercall's GUEST_ASSERT(!vector) and status 0; post_test's "
            + "expectation for each worker (flushed or not)")
    void flushStage(String what, long control, long in, long out, long[] page, long[] xmm, boolean w1, boolean w2) {
        HypervGuest g = new HypervGuest(3);
        g.setVpIndex(1, WORKER_VCPU_ID_1);
        g.setVpIndex(2, WORKER_VCPU_ID_2);
        g.m.initialState(1, VcpuState.RUNNABLE); // the workers spin in worker_guest_code
        g.m.initialState(2, VcpuState.RUNNABLE);
        g.zeroPage(HCALL_GPA);
        g.zeroPage(HCALL_GPA + 4096);
        g.hvInit(0, HCALL_GPA);
        if (page != null) {
            g.words(HCALL_GPA, page);
        }
        if (xmm != null) {
            g.writeXmmInput(0, xmm);
        }
        X86Vm x = g.vm.archState(X86Vm.class);
        long before1 = x.hypervTlbFlushRequests(1);
        long before2 = x.hypervTlbFlushRequests(2);
        TrapResult r = g.hypercall(0, control, in, out);
        assertEquals(Outcome.RESUME, r.outcome(), "hyperv_hypercall: GUEST_ASSERT(!vector)");
        assertEquals(0, g.rax(0) & 0xffff, "hyperv_hypercall: GUEST_ASSERT((hv_status & 0xffff) == 0)");
        assertEquals((control >>> HV_HYPERCALL_REP_COMP_OFFSET) & 0xfff, (g.rax(0) >>> 32) & 0xfff, "reps completed = rep count");
        assertEquals(w1 ? 1 : 0, x.hypervTlbFlushRequests(1) - before1, "post_test: WORKER_VCPU_ID_1 flushed");
        assertEquals(w2 ? 1 : 0, x.hypervTlbFlushRequests(2) - before2, "post_test: WORKER_VCPU_ID_2 flushed");
    }
}
