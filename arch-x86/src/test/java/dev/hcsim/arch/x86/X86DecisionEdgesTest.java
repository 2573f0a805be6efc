package dev.hcsim.arch.x86;

import static dev.hcsim.arch.x86.X86Calls.call;
import static dev.hcsim.arch.x86.X86Calls.rax;
import static dev.hcsim.arch.x86.X86Calls.regs;
import static dev.hcsim.arch.x86.X86Calls.vm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.CpuidEntry;
import dev.hcsim.core.EffectLog;
import dev.hcsim.core.Fault;
import dev.hcsim.core.KvmControl;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.MsrEntry;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.VmSnapshot;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.SingleCall;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The x86 decisions the mutation run of issue 25 (2026-12-07, 22:00) found unguarded in X86Hypercalls and X86Vm:
 * each test names the kernel function its expected values come from.
 */
class X86DecisionEdgesTest {
    private static final long EINVAL = -22;

    private static List<String> effects(SingleCall.Result r) {
        return r.effects().stream().map(e -> e.kind() + " " + e.target()).toList();
    }

    // ---------------------------------------------------------------- SCHED_YIELD

    @Test
    @DisplayName("x86.c kvm_sched_yield: a runnable target that is not running gets the caller's time slice (a directed yield)")
    void schedYieldToReadyVcpu() {
        SingleCall.Result r = SingleCall.run(vm(2).build(), 0, null, regs("rax", 11, "rbx", 1), Map.of(), Map.of(1, VcpuState.RUNNABLE));
        assertEquals(0, rax(r));
        assertEquals(Outcome.YIELD, r.outcome());
    }

    @Test
    @DisplayName("x86.c kvm_sched_yield: \"Ignore requests to yield to self\", even when the emulator's view calls the caller runnable")
    void schedYieldToSelfIsIgnored() {
        Vm vm = Vm.create(vm(2).build());
        RegisterFile regs = new RegisterFile(X86Registers.LAYOUT);
        vm.resetVcpu(0, regs);
        SparseMemory mem = new SparseMemory(vm.config().memory());
        EffectLog log = new EffectLog(2);
        log.state(0, VcpuState.RUNNABLE);
        log.state(1, VcpuState.RUNNABLE);
        regs.set(X86Registers.RAX, 11);
        regs.set(X86Registers.RBX, 0);
        TrapResult self = vm.trap(0, regs, mem, log, new byte[] {0x0f, 0x01, (byte) 0xc1});
        assertEquals(Outcome.RESUME, self.outcome(), "APIC ID 0 is the caller");
        regs.pc(regs.pc() - 3);
        regs.set(X86Registers.RAX, 11);
        regs.set(X86Registers.RBX, 1);
        assertEquals(Outcome.YIELD, vm.trap(0, regs, mem, log, new byte[] {0x0f, 0x01, (byte) 0xc1}).outcome(), "APIC ID 1 is another vCPU");
    }

    // ---------------------------------------------------------------- SEND_IPI delivery modes

    @Test
    @DisplayName("lapic.c __apic_accept_irq APIC_DM_NMI: each target counts 1 and gets kvm_inject_nmi (vector 2), whatever the vector field says")
    void sendIpiNmiInjectsNmi() {
        SingleCall.Result r = call("rax", 10, "rbx", 0b0110, "rsi", 0x4EC);
        assertEquals(2, rax(r));
        assertEquals(List.of("interrupt 1", "interrupt 2"), effects(r));
        assertEquals(1, r.machine().interrupts(1).get(2), "NMI vector 2");
        assertEquals(null, r.machine().interrupts(1).get(0xEC), "the ICR's vector field is not delivered");
    }

    @ParameterizedTest(name = "ICR 0x{0}")
    @ValueSource(strings = {"300", "200", "6ec"})
    @DisplayName("lapic.c __apic_accept_irq: APIC_DM_REMRD (pv_unhalted), APIC_DM_SMI (kvm_inject_smi) and APIC_DM_STARTUP (SIPI) each kick the target and count 1")
    void sendIpiKickingModes(String icr) {
        SingleCall.Result r = call("rax", 10, "rbx", 0b1010, "rsi", Long.parseLong(icr, 16));
        assertEquals(2, rax(r));
        assertEquals(List.of("kick 1", "kick 3"), effects(r));
        assertEquals(VcpuState.RUNNABLE, r.machine().stateOf(3), "a halted target wakes");
    }

    @Test
    @DisplayName("lapic.c __apic_accept_irq APIC_DM_INIT: accepted unless level-triggered with the assert bit clear (!trig_mode || level)")
    void sendIpiInit() {
        SingleCall.Result edge = call("rax", 10, "rbx", 0b0011, "rsi", 0x500);
        assertEquals(2, rax(edge));
        assertEquals(List.of("kick 0", "kick 1"), effects(edge));
        assertEquals(2, rax(call("rax", 10, "rbx", 0b0011, "rsi", 0xC500)), "level, assert");
        SingleCall.Result deassert = call("rax", 10, "rbx", 0b0011, "rsi", 0x8500);
        assertEquals(0, rax(deassert), "level, deassert: INIT de-assert is dropped");
        assertTrue(deassert.effects().isEmpty());
    }

    @Test
    @DisplayName("lapic.c __pv_send_ipi: min past the highest APIC ID delivers to nobody (4 vCPUs, min 4 or 0xFFFFFFFF: RAX = 0)")
    void sendIpiMinPastHighestApicId() {
        for (long min : new long[] {4, 0xFFFF_FFFFL}) {
            SingleCall.Result r = call("rax", 10, "rbx", -1L, "rcx", -1L, "rdx", min, "rsi", 0xEC);
            assertEquals(0, rax(r), "min " + min + ": a1's half starts at min + 64 (u32): 68, or 63 for 0xFFFFFFFF, past ID 3 too");
            assertTrue(r.effects().isEmpty());
        }
    }

    // ---------------------------------------------------------------- MAP_GPA_RANGE

    @Test
    @DisplayName("x86.c ____kvm_emulate_hypercall MAP_GPA_RANGE: the wrap test is on the guest frame number, gpa_to_gfn(gpa) + npages <= gpa_to_gfn(gpa)")
    void mapGpaRangeWrapIsOnTheFrameNumber() {
        VmConfig.Builder b = vm(1).feature("exit-hypercall", true);
        // gfn 1: 1 + (2^64 - 1) wraps to 0; 1 + (2^64 - 2) is the largest sum that does not wrap
        assertEquals(EINVAL, rax(call(b, null, "rax", 12, "rbx", 0x1000, "rcx", -1L)));
        assertEquals(Outcome.EXIT_TO_HOST, call(b, null, "rax", 12, "rbx", 0x1000, "rcx", -2L).outcome());
        // a count that would wrap a byte address shifted the wrong way, but not the frame number
        assertEquals(Outcome.EXIT_TO_HOST, call(b, null, "rax", 12, "rbx", 0x1000, "rcx", 0xFFFF_FFFF_FFF0_0000L).outcome());
        // the top frame 0xFFFFFFFFFFFFF: 2^64 - gfn pages wrap to 0, one fewer does not
        long top = 0xFFFF_FFFF_FFFF_F000L;
        assertEquals(EINVAL, rax(call(b, null, "rax", 12, "rbx", top, "rcx", 0xFFF0_0000_0000_0001L)));
        assertEquals(Outcome.EXIT_TO_HOST, call(b, null, "rax", 12, "rbx", top, "rcx", 0xFFF0_0000_0000_0000L).outcome());
    }

    /** A MAP_GPA_RANGE exit with RFLAGS.TF set, completed by the VMM with {@code ret}. */
    private static TrapResult completedUnderSingleStep(String mode, long ret, RegisterFile[] out) {
        Vm v = Vm.create(vm(1).feature(X86Architecture.EXIT_HYPERCALL, true).option("mode", mode).build());
        Machine m = new Machine(v, "t");
        m.load(0x1000, new byte[] {0x0F, 0x01, (byte) 0xC1});
        RegisterFile regs = m.registers(0);
        regs.pc(0x1000);
        regs.set(X86Registers.RAX, 12);
        regs.set(X86Registers.RBX, 0x2000);
        regs.set(X86Registers.RCX, 1);
        regs.set(X86Registers.RFLAGS, 0x102);
        assertEquals(Outcome.EXIT_TO_HOST, v.trap(0, regs, m.memory(), m).outcome());
        out[0] = regs;
        return v.completeExit(0, regs, m.memory(), ret);
    }

    @Test
    @DisplayName("x86.c complete_hypercall_exit: under single-step too, a 32-bit caller gets the VMM's ret cut to u32 ((u32)ret when !is_64_bit_hypercall), a 64-bit caller all of it")
    void completeHypercallExitWidthUnderSingleStep() {
        RegisterFile[] regs = new RegisterFile[1];
        TrapResult narrow = completedUnderSingleStep("32", 0xDEAD_BEEF_0000_0016L, regs);
        assertEquals(Fault.X86.db(0x1003), narrow.fault());
        assertEquals(0x16, regs[0].get(X86Registers.RAX));
        TrapResult wide = completedUnderSingleStep("64", 0xDEAD_BEEF_0000_0016L, regs);
        assertEquals(Fault.X86.db(0x1003), wide.fault());
        assertEquals(0xDEAD_BEEF_0000_0016L, regs[0].get(X86Registers.RAX));
    }

    // ---------------------------------------------------------------- CLOCK_PAIRING at a non-zero time

    @Test
    @DisplayName("x86.c kvm_pv_clock_pairing: 5.000000007 s into the VM, sec/nsec = realtime then, tsc = the TSC then (2 GHz: 10 000 000 014)")
    void clockPairingAtNonZeroTime() {
        long epoch = 1_767_225_600_123_456_789L;
        Vm vm = Vm.create(vm(1).realtimeEpochNanos(epoch).tscHz(2_000_000_000L).build());
        RegisterFile regs = new RegisterFile(X86Registers.LAYOUT);
        vm.resetVcpu(0, regs);
        SparseMemory mem = new SparseMemory(vm.config().memory());
        EffectLog clock = new EffectLog(1);
        long now = 5_000_000_007L;
        clock.now(now);
        regs.set(X86Registers.RAX, 9);
        regs.set(X86Registers.RBX, 0x2000);
        regs.set(X86Registers.RCX, 0);
        vm.trap(0, regs, mem, clock, new byte[] {0x0f, 0x01, (byte) 0xc1});
        assertEquals(0, regs.get(X86Registers.RAX));
        MemoryAccess m = new MemoryAccess(mem, ByteOrder.LITTLE_ENDIAN);
        assertEquals((epoch + now) / 1_000_000_000L, m.read64(0x2000), "sec");
        assertEquals((epoch + now) % 1_000_000_000L, m.read64(0x2008), "nsec");
        assertEquals(10_000_000_014L, m.read64(0x2010), "tsc");
    }

    // ---------------------------------------------------------------- CPUID and the PV-feature gate

    private static long featuresEax(Vm vm) {
        return vm.control().getCpuid(0).stream().filter(e -> e.function() == 0x40000001L).findFirst().orElseThrow().eax();
    }

    @Test
    @DisplayName("cpuid.c KVM_GET_SUPPORTED_CPUID: 0x40000001.EAX = 0x01007EFB; capabilities that are no CPUID bit (KVM_CAP_EXIT_HYPERCALL, Hyper-V) add no bit")
    void featureBitsLeaveCapabilitiesOut() {
        assertEquals(0x0100_7EFBL, featuresEax(Vm.create(vm(1).build())));
        assertEquals(0x0100_7EFBL, featuresEax(Vm.create(vm(1).feature(X86Architecture.EXIT_HYPERCALL, true).feature(X86Architecture.HYPERV, true).build())));
    }

    @Test
    @DisplayName("cpuid.c __kvm_update_cpuid_runtime: with HLT exits on (the default) KVM_SET_CPUID2 keeps KVM_FEATURE_PV_UNHALT")
    void setCpuidKeepsPvUnhaltWhileHltExits() {
        Vm vm = Vm.create(vm(1).build());
        vm.control().setCpuid(0, vm.control().getCpuid(0));
        assertEquals(1L << 7, featuresEax(vm) & (1L << 7));
        assertEquals(1L << 7, vm.archState(X86Vm.class).discovery().featureBits() & (1L << 7));
    }

    // ---------------------------------------------------------------- Hyper-V: the MSRs and the 32-bit convention

    @Test
    @DisplayName("x86.c kvm_get_msr_common -> hyperv.c kvm_hv_get_msr_common: the guest's rdmsr of HV_X64_MSR_GUEST_OS_ID and HV_X64_MSR_VP_INDEX")
    void rdmsrOfHypervMsrs() {
        Vm vm = Vm.create(HvGuest.config(2).build());
        X86Vm x = vm.archState(X86Vm.class);
        Machine m = new Machine(vm, "t");
        assertEquals(null, x.wrmsr(0, 0x40000000L, 0x8100_0000_0000_1234L, m.registers(0), new MemoryAccess(m.memory(), ByteOrder.LITTLE_ENDIAN)));
        assertEquals(0x8100_0000_0000_1234L, x.rdmsr(0, 0x40000000L), "the guest OS ID just written");
        assertEquals(0L, x.rdmsr(0, 0x40000002L), "vp_index defaults to the vCPU index");
        assertEquals(1L, x.rdmsr(1, 0x40000002L));
    }

    @Test
    @DisplayName("hyperv.c kvm_hv_hypercall: compatibility mode (EFER.LMA = 1, CS.L = 0) and EFER.LMA = 0 with CS.L = 1 use the 32-bit convention: control in EDX:EAX, status back in EDX:EAX")
    void hypervCallWidthFollowsIs64BitHypercall() {
        for (long[] mode : new long[][] {{1, 0}, {0, 1}}) {
            HvGuest g = HvGuest.of(1);
            RegisterFile r = g.regs(0);
            r.set(X86Registers.EFER_LMA, mode[0]);
            r.set(X86Registers.CS_L, mode[1]);
            r.pc(HvGuest.CODE);
            r.set(X86Registers.RDX, 0);
            r.set(X86Registers.RAX, 0x7777); // an unknown call code in EAX
            r.set(X86Registers.RCX, 0x0008); // HVCALL_NOTIFY_LONG_SPIN_WAIT in RCX, where a 64-bit caller would put it
            g.vm.trap(0, r, g.m.memory(), g.m);
            assertEquals(2, r.get(X86Registers.RAX), "HV_STATUS_INVALID_HYPERCALL_CODE for the code in EAX, mode " + mode[0] + "/" + mode[1]);
            assertEquals(0, r.get(X86Registers.RDX));
        }
        HvGuest g = HvGuest.of(1);
        assertEquals(2, g.call(0x7777, 0, 0), "64-bit mode reads the control from RCX");
    }

    // ---------------------------------------------------------------- the guest's wrmsr

    @Test
    @DisplayName("xen.h kvm_xen_is_hypercall_page_msr is 'msr && msr == hvm_config.msr': without Xen, a guest wrmsr of MSR 0 is refused by kvm_set_msr_common, no page written")
    void wrmsrOfMsrZeroIsNoXenPage() {
        Vm vm = Vm.create(vm(1).build());
        Machine m = new Machine(vm, "t");
        MemoryAccess mem = new MemoryAccess(m.memory(), ByteOrder.LITTLE_ENDIAN);
        String fault = vm.archState(X86Vm.class).wrmsr(0, 0, 0x2000, m.registers(0), mem);
        assertNotNull(fault);
        assertTrue(fault.contains("KVM_MSR_RET_UNSUPPORTED"), fault);
        assertEquals(0, mem.read64(0x2000));
    }

    // ---------------------------------------------------------------- the wrong vendor's instruction

    @Test
    @DisplayName("emulate.c group7_rm3: vmmcall carries no Priv flag, so on an Intel host at CPL 3 it is patched to vmcall (em_hypercall), not #GP")
    void intelCpl3VmmcallIsPatched() {
        SingleCall.Result r = call(vm(1).option("cpl", "3"), "vmmcall", "rax", 1);
        assertEquals(Outcome.RESUME, r.outcome());
        assertEquals(0x1000, r.after().pc(), "RIP stays on the patched instruction");
        assertEquals("0f01c1", Bytes.hex(r.writes().get(0).bytes()));
        assertEquals(1, rax(r), "nothing written: the patched vmcall runs next (and gets -KVM_EPERM at CPL 3)");
    }

    @ParameterizedTest(name = "cpl {0}")
    @ValueSource(strings = {"-1", "4"})
    @DisplayName("the CPL option is a privilege level, 0..3 (the two bits of CS.RPL / SS.DPL): anything else is refused with a one-line error")
    void cplOutsideZeroToThreeIsRefused(String cpl) {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Vm.create(vm(1).option("cpl", cpl).build()));
        assertTrue(e.getMessage().contains("cpl"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    // ---------------------------------------------------------------- Xen timers

    /** The scheduler's side of VcpuControl, recording each armTimer. */
    private static final class TimerLog extends dev.hcsim.core.testing.ForwardingVcpuControl {
        final EffectLog log;
        final List<String> armed = new ArrayList<>();

        TimerLog() {
            this(new EffectLog(2));
        }

        private TimerLog(EffectLog log) {
            super(log);
            this.log = log;
        }

        @Override
        public void armTimer(int vcpu, long atNanos) {
            armed.add(vcpu + "@" + atNanos);
        }
    }

    @Test
    @DisplayName("xen.c kvm_xen_start_timer / xen_timer_callback: each vCPU's singleshot timer fires at its own timer_expires; when vCPU 0's fires at 6 ms, vCPU 1's (9 ms) stays armed; then nothing is left to arm")
    void xenTimersFireOneByOne() {
        Vm vm = Vm.create(vm(2).feature("xen", true).option("xen-timer-port", "13").build());
        X86Vm x = vm.archState(X86Vm.class);
        Machine m = new Machine(vm, "t");
        MemoryAccess mem = new MemoryAccess(m.memory(), ByteOrder.LITTLE_ENDIAN);
        for (int v = 0; v < 2; v++) {
            RegisterFile r = m.registers(v);
            vm.resetVcpu(v, r);
            r.set(X86Registers.RAX, 15); // __HYPERVISOR_set_timer_op(absolute system time)
            r.set(X86Registers.RDI, v == 0 ? 6_000_000 : 9_000_000);
            vm.trap(v, r, m.memory(), new EffectLog(2), new byte[] {0x0f, 0x01, (byte) 0xc1});
        }
        assertEquals(6_000_000, x.xen().timerExpires(0));
        assertEquals(9_000_000, x.xen().timerExpires(1));
        TimerLog control = new TimerLog();
        x.timerExpired(0, 6_000_000, mem, control);
        assertEquals(0, x.xen().timerExpires(0), "vCPU 0's timer fired");
        assertEquals(9_000_000, x.xen().timerExpires(1));
        assertEquals(List.of("0@9000000"), control.armed, "the next deadline is armed again");
        x.timerExpired(0, 9_000_000, mem, control);
        assertEquals(0, x.xen().timerExpires(1), "vCPU 1's timer fired");
        assertEquals(List.of("0@9000000"), control.armed, "no timer left: nothing armed");
    }

    // ---------------------------------------------------------------- snapshot

    @Test
    @DisplayName("vm.snapshot()/restore(): the VMM's CPUID entries (KVM_SET_CPUID2), the wall clock and every vCPU's PV MSRs come back; a VM that set no CPUID keeps the defaults")
    void snapshotKeepsCpuidAndPvMsrs() {
        VmConfig config = vm(2).build();
        Vm a = Vm.create(config);
        KvmControl c = a.control();
        List<CpuidEntry> custom = new ArrayList<>(c.getCpuid(0));
        custom.replaceAll(e -> e.function() == 0x40000001L ? new CpuidEntry(e.function(), 0, 0, 1L << 5, 0, 0, 0) : e);
        c.setCpuid(0, custom);
        MsrEntry[] set = {new MsrEntry(0x4b564d01L, 0x3001), new MsrEntry(0x4b564d03L, 0x2001), new MsrEntry(0x4b564d04L, 0x4001),
            new MsrEntry(0x4b564d05L, 0)};
        assertEquals(set.length, c.setMsrs(1, set));
        assertEquals(1, c.setMsrs(0, new MsrEntry(0x4b564d00L, 0x5000)));
        long[] indices = {0x4b564d01L, 0x4b564d03L, 0x4b564d04L, 0x4b564d05L};
        List<MsrEntry> before = c.getMsrs(1, indices);
        VmSnapshot s = a.snapshot();

        Vm b = Vm.create(config);
        b.restore(s);
        assertEquals(c.getCpuid(0), b.control().getCpuid(0), "KVM_SET_CPUID2's entries");
        assertEquals(1L << 5, featuresEax(b));
        assertEquals(before, b.control().getMsrs(1, indices), "vCPU 1's PV MSRs");
        assertEquals(c.getMsrs(0, 0x4b564d00L), b.control().getMsrs(0, 0x4b564d00L), "MSR_KVM_WALL_CLOCK_NEW");

        Vm fresh = Vm.create(config);
        List<CpuidEntry> defaults = fresh.control().getCpuid(0);
        Vm d = Vm.create(config);
        d.control().setCpuid(0, custom);
        d.restore(fresh.snapshot());
        assertEquals(defaults, d.control().getCpuid(0), "the defaults again");
    }

    @Test
    @DisplayName("the trap gate: a near miss handed with more bytes by the embedder (0f 00 c1 then five more) is #UD naming the three bytes the gate compared")
    void nearMissWithMoreBytesNamesThree() {
        Vm vm = Vm.create(vm(1).build());
        RegisterFile regs = new RegisterFile(X86Registers.LAYOUT);
        vm.resetVcpu(0, regs);
        regs.pc(0x1000);
        regs.set(X86Registers.RAX, 1);
        TrapResult r = vm.trap(0, regs, new SparseMemory(vm.config().memory()), new EffectLog(1),
                new byte[] {0x0f, 0x00, (byte) 0xc1, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90});
        assertEquals(Outcome.FAULT, r.outcome());
        assertEquals(Fault.X86.ud(0x1000), r.fault());
        assertEquals(3, r.instructionLength());
        assertEquals(1, regs.get(X86Registers.RAX));
    }

    @Test
    @DisplayName("x86.c kvm_get_msr_common: the guest's rdmsr of a KVM PV MSR reads what it wrote (the Hyper-V range is the only one hyperv.c answers)")
    void rdmsrOfKvmMsr() {
        Vm vm = Vm.create(HvGuest.config(1).build());
        X86Vm x = vm.archState(X86Vm.class);
        Machine m = new Machine(vm, "t");
        assertEquals(null, x.wrmsr(0, X86Vm.MSR_KVM_STEAL_TIME, 0x2001, m.registers(0), new MemoryAccess(m.memory(), ByteOrder.LITTLE_ENDIAN)));
        assertEquals(0x2001L, x.rdmsr(0, X86Vm.MSR_KVM_STEAL_TIME));
    }

    @Test
    @DisplayName("cpuid.h guest_pv_has under KVM_CAP_ENFORCE_PV_FEATURE_CPUID: a PV MSR whose CPUID bit is set is accepted, one whose bit is clear is #GP (KVM_FEATURE_STEAL_TIME, bit 5)")
    void enforcedMsrFollowsItsCpuidBit() {
        for (boolean bit : new boolean[] {true, false}) {
            Vm vm = Vm.create(vm(1).build());
            vm.control().enableVcpuCap(0, X86Ioctls.KVM_CAP_ENFORCE_PV_FEATURE_CPUID, 1);
            List<CpuidEntry> e = new ArrayList<>(vm.control().getCpuid(0));
            e.replaceAll(c -> c.function() == 0x40000001L ? new CpuidEntry(c.function(), 0, 0, bit ? 1L << 5 : 1L << 3, 0, 0, 0) : c);
            vm.control().setCpuid(0, e);
            Machine m = new Machine(vm, "t");
            String fault = vm.archState(X86Vm.class).wrmsr(0, X86Vm.MSR_KVM_STEAL_TIME, 0x2001, m.registers(0),
                    new MemoryAccess(m.memory(), ByteOrder.LITTLE_ENDIAN));
            assertEquals(bit, fault == null, "steal-time bit " + bit + ": " + fault);
        }
    }

    @Test
    @DisplayName("hyperv.c kvm_hv_flush_tlb: X86Vm.hypervTlbFlushRequests counts the KVM_REQ_HV_TLB_FLUSH each vCPU received, as the Hyper-V state does")
    void hypervTlbFlushCount() {
        HvGuest g = HvGuest.of(2);
        X86Vm x = g.vm.archState(X86Vm.class);
        assertEquals(0, x.hypervTlbFlushRequests(0) + x.hypervTlbFlushRequests(1));
        g.call(0x10002, 0, 1); // HvCallFlushVirtualAddressSpace, fast: address space 0, flags HV_FLUSH_ALL_PROCESSORS
        long total = 0;
        for (int v = 0; v < 2; v++) {
            assertEquals(g.hv().tlbFlushRequests(v), x.hypervTlbFlushRequests(v));
            total += x.hypervTlbFlushRequests(v);
        }
        assertTrue(total > 0, "the flush reached a vCPU");
    }
}
