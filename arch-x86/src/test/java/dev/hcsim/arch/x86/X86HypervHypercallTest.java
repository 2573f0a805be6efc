package dev.hcsim.arch.x86;

import static dev.hcsim.arch.x86.HvGuest.control;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Errno;
import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.KvmException;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.Status;
import dev.hcsim.core.engine.Architectures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Hyper-V call as arch/x86/kvm/hyperv.c kvm_hv_hypercall takes it, check by check, in the kernel's order. */
class X86HypervHypercallTest {
    static final int FLUSH_SPACE = 0x2;
    static final int FLUSH_LIST = 0x3;
    static final int SPIN = 0x8;
    static final int SEND_IPI = 0xb;
    static final int FLUSH_SPACE_EX = 0x13;
    static final int FLUSH_LIST_EX = 0x14;
    static final int SEND_IPI_EX = 0x15;
    static final int POST_MESSAGE = 0x5c;
    static final int SIGNAL_EVENT = 0x5d;

    @Test
    void withoutHypervTheCallIsKvms() {
        // x86.c kvm_emulate_hypercall: kvm_hv_hypercall_enabled false -> KVM's own KVM_HC_VAPIC_POLL_IRQ (1) answers 0
        HvGuest g = new HvGuest(HvGuest.config(1).feature(X86Architecture.HYPERV, false));
        g.regs(0).set(X86Registers.RAX, 1);
        g.call(0, 0, 0);
        assertEquals("KVM_HC_VAPIC_POLL_IRQ", g.last.callName());
        assertEquals(0, g.regs(0).get(X86Registers.RAX));
    }

    @Test
    void guestOsIdZeroLeavesKvmsCalls() {
        // hyperv.h kvm_hv_hypercall_enabled: hv_guest_os_id must be non-zero
        HvGuest g = new HvGuest(HvGuest.config(1).option("hyperv-guest-os-id", "0"));
        g.regs(0).set(X86Registers.RAX, 1);
        g.call(0, 0, 0);
        assertEquals("KVM_HC_VAPIC_POLL_IRQ", g.last.callName());
    }

    @Test
    void unknownCodeIsInvalidHypercallCodeRipPlus3() {
        HvGuest g = HvGuest.of(1);
        long rax = g.call(control(0x7777, false, 0, 0, 0), 0, 0);
        assertEquals(2, rax); // HV_STATUS_INVALID_HYPERCALL_CODE
        assertEquals(HvGuest.CODE + 3, g.regs(0).pc());
        assertEquals(Status.NOT_IMPLEMENTED, g.last.status());
        assertEquals("HV_STATUS_INVALID_HYPERCALL_CODE", g.last.statusName());
    }

    @Test
    void cplAboveZeroIsUd() {
        HvGuest g = HvGuest.of(1);
        g.regs(0).set(X86Registers.CPL, 3);
        g.regs(0).set(X86Registers.RAX, 0x1234);
        g.call(control(SPIN, false, 0, 0, 0), 0, 0);
        assertEquals(Outcome.FAULT, g.outcome());
        assertEquals(Fault.X86.UD, ((Fault.X86) g.last.fault()).vector());
        assertEquals(HvGuest.CODE, g.regs(0).pc());
        assertEquals(0x1234, g.regs(0).get(X86Registers.RAX));
    }

    @Test
    void realModeIsUd() {
        HvGuest g = new HvGuest(HvGuest.config(1).option("mode", "real"));
        g.call32(control(SPIN, false, 0, 0, 0), 0, 0);
        assertEquals(Outcome.FAULT, g.outcome());
        assertEquals(Fault.X86.UD, ((Fault.X86) g.last.fault()).vector());
    }

    @Test
    void realModeKvmCallStillAnswers() {
        // ____kvm_emulate_hypercall has no protected-mode check: a KVM call in real mode is a 32-bit call
        HvGuest g = new HvGuest(HvGuest.config(1).feature(X86Architecture.HYPERV, false).option("mode", "real"));
        g.call32(1, 0, 0); // EAX = 1
        assertEquals("KVM_HC_VAPIC_POLL_IRQ", g.last.callName());
        assertTrue(g.last.narrow());
    }

    @Test
    void thirtyTwoBitConventionResultInEdxEax() {
        // kvm_hv_hypercall: param = EDX:EAX; kvm_hv_hypercall_set_result: EDX = result >> 32, EAX = low half
        HvGuest g = HvGuest.of(2);
        long result = g.call32(control(FLUSH_LIST, false, 0, 3, 0), 0x3000, 0);
        g.words(0x3000, 0, 1, 0b11, 0x10000, 0x20000, 0x30000); // all processors flag, entries
        result = g.call32(control(FLUSH_LIST, false, 0, 3, 0), 0x3000, 0);
        assertEquals(3L << 32, result);
        assertEquals(3, g.regs(0).get(X86Registers.RDX));
        assertEquals(0, g.regs(0).get(X86Registers.RAX));
    }

    @Test
    void accessDeniedUnderEnforcedCpuid() {
        // hv_check_hypercall_access: HVCALL_SEND_IPI needs HV_X64_CLUSTER_IPI_RECOMMENDED
        HvGuest g = new HvGuest(HvGuest.config(2).option("hyperv-enforce-cpuid", "on").option("hyperv-enlightenments-eax", "0"));
        assertEquals(6, g.call(control(SEND_IPI, true, 0, 0, 0), 0x20, 0b10)); // HV_STATUS_ACCESS_DENIED
        assertEquals("HV_STATUS_ACCESS_DENIED", g.last.statusName());
    }

    @Test
    void accessIsCheckedBeforeReservedBits() {
        HvGuest g = new HvGuest(HvGuest.config(2).option("hyperv-enforce-cpuid", "on").option("hyperv-enlightenments-eax", "0"));
        assertEquals(6, g.call(control(SEND_IPI, true, 0, 0, 0) | (1L << 31), 0x20, 0b10));
    }

    @Test
    void nestedBitIsStillReserved() {
        // HV_HYPERCALL_RSVD0_MASK is GENMASK_ULL(31, 27): HV_HYPERCALL_NESTED (bit 31) is inside it
        HvGuest g = HvGuest.of(1);
        assertEquals(3, g.call(control(SPIN, false, 0, 0, 0) | (1L << 31), 0, 0));
    }

    @Test
    void xmmFastWithoutItsCpuidBitIsUdUnderEnforcement() {
        HvGuest g = new HvGuest(HvGuest.config(2).option("hyperv-enforce-cpuid", "on").option("hyperv-features-edx", "0"));
        g.call(control(FLUSH_SPACE_EX, true, 0, 0, 0), 0, 0);
        assertEquals(Outcome.FAULT, g.outcome());
        assertEquals(Fault.X86.UD, ((Fault.X86) g.last.fault()).vector());
    }

    @Test
    void fastSendIpiIsNotAnXmmCall() {
        // is_xmm_fast_hypercall lists HVCALL_SEND_IPI_EX but not HVCALL_SEND_IPI: its fast form needs no XMM bit
        HvGuest g = new HvGuest(HvGuest.config(2).option("hyperv-enforce-cpuid", "on").option("hyperv-features-edx", "0"));
        assertEquals(0, g.call(control(SEND_IPI, true, 0, 0, 0), 0x20, 0b10));
    }

    @Test
    void embedderWithoutXmmGetsAClearErrorOnlyForXmmCalls() {
        HvGuest g = HvGuest.of(2);
        RegisterAccess noXmm = new RegisterAccess() {
            final long[] v = new long[21];
            long pc = HvGuest.CODE;

            @Override
            public long get(int reg) {
                return v[reg];
            }

            @Override
            public void set(int reg, long value) {
                v[reg] = value;
            }

            @Override
            public long pc() {
                return pc;
            }

            @Override
            public void pc(long value) {
                pc = value;
            }
        };
        noXmm.set(X86Registers.EFER_LMA, 1);
        noXmm.set(X86Registers.CS_L, 1);
        noXmm.set(X86Registers.CR0_PE, 1);
        noXmm.set(X86Registers.RCX, control(SEND_IPI, true, 0, 0, 0));
        noXmm.set(X86Registers.RDX, 0x20);
        noXmm.set(8, 0b10);
        g.vm.trap(0, noXmm, g.m.memory(), g.m);
        assertEquals(0, noXmm.get(X86Registers.RAX));
        noXmm.pc(HvGuest.CODE);
        noXmm.set(X86Registers.RCX, control(FLUSH_SPACE_EX, true, 0, 0, 0));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> g.vm.trap(0, noXmm, g.m.memory(), g.m));
        assertTrue(e.getMessage().contains("XMM0-XMM5"), e.getMessage());
    }

    @Test
    void spinWaitYieldsToARunnableVcpu() {
        HvGuest g = HvGuest.of(3);
        g.m.initialState(1, dev.hcsim.core.VcpuState.HALTED);
        g.m.initialState(2, dev.hcsim.core.VcpuState.RUNNABLE);
        assertEquals(0, g.call(control(SPIN, false, 0, 0, 0), 0, 0));
        assertEquals(Outcome.YIELD, g.outcome());
        assertEquals(2, g.last.yieldTarget());
        assertEquals(3, g.call(control(SPIN, false, 0, 1, 0), 0, 0)); // a rep count: HV_STATUS_INVALID_HYPERCALL_INPUT
    }

    @Test
    void signalEventToAnEventfdConnection() {
        HvGuest g = new HvGuest(HvGuest.config(1).option("hyperv-eventfds", "0x10"));
        assertEquals(0, g.call(control(SIGNAL_EVENT, true, 0, 0, 0), 4, 0));
        assertEquals(1, g.hv().eventfdSignals(4));
        // a flag number is HV_STATUS_INVALID_PORT_ID, which falls through to the POST_MESSAGE checks: SynIC is off
        assertEquals(3, g.call(control(SIGNAL_EVENT, true, 0, 0, 0), 4 | (1L << 32), 0));
        assertEquals(3, g.call(control(SIGNAL_EVENT, true, 0, 0, 0), 4 | (1L << 48), 0)); // reserved: INVALID_HYPERCALL_INPUT
        assertEquals(4, g.call(control(SIGNAL_EVENT, false, 0, 0, 0), 0x3004, 0)); // slow, misaligned: INVALID_ALIGNMENT
        assertEquals(4, g.call(control(SIGNAL_EVENT, false, 0, 0, 0), 0x3ffc, 0)); // crosses the page
        g.words(0x3008, 4);
        assertEquals(0, g.call(control(SIGNAL_EVENT, false, 0, 0, 0), 0x3008, 0));
        assertEquals(2, g.hv().eventfdSignals(4));
    }

    /**
     * hyperv.c kvm_hvcall_signal_event looks the connection ID up in conn_to_evt, which KVM_HYPERV_EVENTFD
     * (kvm_vm_ioctl_hv_eventfd) fills with any 24-bit ID: the answer depends on the table for every ID, not only 0..63.
     */
    @Test
    void signalEventReachesAnyTwentyFourBitConnectionTheVmmRegistered() {
        HvGuest g = HvGuest.of(1);
        X86Vm x = g.vm.archState(X86Vm.class);
        assertEquals(3, g.call(control(SIGNAL_EVENT, true, 0, 0, 0), 0xabcdef, 0)); // no eventfd, SynIC off
        x.hypervEventfd(0xabcdef, false);
        assertEquals(0, g.call(control(SIGNAL_EVENT, true, 0, 0, 0), 0xabcdef, 0));
        assertEquals(1, x.hypervEventfdSignals(0xabcdef));
        assertEquals(0, x.hypervEventfdSignals(0xabcdee));
        KvmException exists = assertThrows(KvmException.class, () -> x.hypervEventfd(0xabcdef, false));
        assertEquals(Errno.EEXIST, exists.errno());
        KvmException wide = assertThrows(KvmException.class, () -> x.hypervEventfd(0x1000000, false));
        assertEquals(Errno.EINVAL, wide.errno());
        x.hypervEventfd(0xabcdef, true);
        assertEquals(3, g.call(control(SIGNAL_EVENT, true, 0, 0, 0), 0xabcdef, 0));
        KvmException gone = assertThrows(KvmException.class, () -> x.hypervEventfd(0xabcdef, true));
        assertEquals(Errno.ENOENT, gone.errno());
    }

    @Test
    void signalEventWithoutTableEntryExitsOnlyWithSynic() {
        HvGuest off = HvGuest.of(1);
        assertEquals(3, off.call(control(SIGNAL_EVENT, true, 0, 0, 0), 5, 0)); // SynIC inactive
        HvGuest on = new HvGuest(HvGuest.config(1).option("hyperv-synic", "on"));
        on.words(0x3000, 5);
        on.regs(0).set(X86Registers.RAX, 0x55);
        on.call(control(SIGNAL_EVENT, false, 0, 0, 0), 0x3000, 0x4000);
        assertEquals(Outcome.EXIT_TO_HOST, on.outcome());
        Exit.HypervHcall x = assertInstanceOf(Exit.HypervHcall.class, on.last.exit());
        assertEquals(control(SIGNAL_EVENT, false, 0, 0, 0), x.input());
        assertEquals(List.of(5L, 0x4000L), x.params()); // ingpa replaced by the word kvm_hvcall_signal_event read
        assertEquals(HvGuest.CODE, on.regs(0).pc());
        assertEquals(0x55, on.regs(0).get(X86Registers.RAX));
        on.vm.completeExit(0, on.regs(0), on.m.memory(), 0x1234_0000_0011L);
        assertEquals(0x1234_0000_0011L, on.regs(0).get(X86Registers.RAX));
        assertEquals(HvGuest.CODE + 3, on.regs(0).pc());
    }

    @Test
    void debugCallsNeedSyndbgAndItsOption() {
        assertEquals(2, HvGuest.of(1).call(control(0x6b, false, 0, 0, 0), 0, 0)); // SynDbg off: INVALID_HYPERCALL_CODE
        HvGuest g = new HvGuest(HvGuest.config(1).option("hyperv-syndbg", "on"));
        assertEquals(8, g.call(control(0x6b, false, 0, 0, 0), 0, 0)); // HV_STATUS_OPERATION_DENIED
        assertEquals(5, g.call(control(0x69, true, 0, 0, 0), 0, 0)); // fast POST_DEBUG_DATA: HV_STATUS_INVALID_PARAMETER
        HvGuest h = new HvGuest(HvGuest.config(1).option("hyperv-syndbg", "on").option("hyperv-syndbg-options", "4"));
        h.call(control(0x69, false, 0, 0, 0), 0x1000, 0x2000);
        assertEquals(Outcome.EXIT_TO_HOST, h.outcome());
    }

    @Test
    void extendedCallsExitSlowOnly() {
        HvGuest g = HvGuest.of(1);
        assertEquals(5, g.call(control(0x8001, true, 0, 0, 0), 0, 0));
        g.call(control(0x8041, false, 0, 0, 0), 0x3000, 0x4000); // HV_EXT_CALL_MAX is inside the range
        assertEquals(Outcome.EXIT_TO_HOST, g.outcome());
        assertEquals(2, HvGuest.of(1).call(control(0x8042, false, 0, 0, 0), 0, 0));
    }

    @Test
    void hypercallPageBytes() {
        // kvm_hv_set_msr_pw: [orl $0x80000000, %eax when Xen is on] vmcall/vmmcall; ret
        assertArrayEquals(new byte[] {0x0f, 0x01, (byte) 0xc1, (byte) 0xc3}, X86Hyperv.hypercallPage(true, false));
        assertArrayEquals(new byte[] {0x0f, 0x01, (byte) 0xd9, (byte) 0xc3}, X86Hyperv.hypercallPage(false, false));
        assertArrayEquals(new byte[] {0x0d, 0, 0, 0, (byte) 0x80, 0x0f, 0x01, (byte) 0xc1, (byte) 0xc3}, X86Hyperv.hypercallPage(true, true));
        assertArrayEquals(new byte[] {0x0d, 0, 0, 0, (byte) 0x80, 0x0f, 0x01, (byte) 0xd9, (byte) 0xc3}, X86Hyperv.hypercallPage(false, true));
    }

    @Test
    void hypercallMsrWritesThePageThroughWrmsr() {
        for (String vendor : new String[] {"intel", "amd"}) {
            for (boolean xen : new boolean[] {false, true}) {
                dev.hcsim.core.VmConfig.Builder b = HvGuest.config(1).option("vendor", vendor);
                if (xen && dev.hcsim.core.engine.Architectures.named("x86").features().stream().anyMatch(f -> f.name().equals("xen"))) {
                    b.feature("xen", true);
                } else if (xen) {
                    continue; // the Xen half is not on this branch yet
                }
                dev.hcsim.core.sched.Machine m = new dev.hcsim.core.sched.Machine(b.build(), "page");
                m.load(0x1000, m.vm().assemble(
                        "mov $0x40000001, %ecx\nmov $0x5001, %eax\nxor %edx, %edx\nwrmsr\nhlt", 0x1000).bytes());
                m.registers(0).pc(0x1000);
                m.run(100, 1_000_000);
                assertNull(m.stopReason(0), vendor);
                byte[] page = new byte[xen ? 9 : 4];
                m.memory().read(0x5000, page, 0, page.length);
                assertArrayEquals(X86Hyperv.hypercallPage(vendor.equals("intel"), xen), page, vendor + " xen=" + xen);
                assertEquals(0x5001, m.vm().archState(X86Vm.class).hyperv().hypercallMsr());
            }
        }
    }

    @Test
    void vpIndexIsTheVmmsAndDefaultsToTheVcpuIndex() {
        HvGuest g = HvGuest.of(3);
        assertEquals(2, g.hv().vpIndex(2));
        assertTrue(g.vm.control().setMsrs(1, new dev.hcsim.core.MsrEntry(0x40000002L, 7)) == 1);
        assertEquals(7, g.hv().vpIndex(1));
        assertNull(g.vm.archState(X86Vm.class).wrmsr(0, 0x40000000L, 0x1234) == null ? null : "x");
        assertFalse(g.vm.archState(X86Vm.class).wrmsr(0, 0x40000002L, 5) == null); // the guest cannot write it: #GP
    }

    @Test
    void snapshotKeepsTheHypervState() {
        HvGuest g = new HvGuest(HvGuest.config(2).option("hyperv-eventfds", "1").option("hyperv-synic", "on"));
        g.vm.control().setMsrs(1, new dev.hcsim.core.MsrEntry(0x40000002L, 9));
        g.vm.control().setMsrs(0, new dev.hcsim.core.MsrEntry(0x40000000L, 0x1234));
        g.vm.control().enableVcpuCap(0, 199, 1);
        g.call(control(SIGNAL_EVENT, true, 0, 0, 0), 0, 0);
        g.call(control(FLUSH_SPACE, true, 0, 0, 0), 0, 1);
        dev.hcsim.core.VmSnapshot s = g.vm.snapshot();
        dev.hcsim.core.Vm fresh = dev.hcsim.core.Vm.create(HvGuest.config(2).build());
        fresh.restore(s);
        X86Hyperv h = fresh.archState(X86Vm.class).hyperv();
        assertEquals(9, h.vpIndex(1));
        assertEquals(0x1234, h.guestOsId());
        assertTrue(h.enforceCpuid());
        assertTrue(h.synicActive(1));
        assertEquals(1, h.eventfdSignals(0));
        assertEquals(1, h.tlbFlushRequests(1));
        assertEquals(g.vm.snapshot(), fresh.snapshot());
    }
}
