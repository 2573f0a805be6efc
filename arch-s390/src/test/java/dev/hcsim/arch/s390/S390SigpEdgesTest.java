package dev.hcsim.arch.s390;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.VmConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The edges of SIGNAL PROCESSOR (issue 25: mutants no test noticed): arch/s390/kvm/sigp.c for the orders KVM handles, QEMU
 * target/s390x/sigp.c for those KVM_CAP_S390_USER_SIGP hands on, z/Architecture Principles of Operation for the save
 * areas of STORE STATUS and the CPU resets.
 */
class S390SigpEdgesTest {
    static final long MASK = 0x0705_0001_8000_0000L;

    private static int cc(Rig rig) {
        return S390Registers.cc(rig.regs().get(S390Registers.PSWM));
    }

    private static TrapResult sigp(Rig rig, int order, int cpu) {
        rig.regs().set(3, cpu);
        return rig.trap("sigp %r4,%r3," + order);
    }

    @Test
    @DisplayName("STORE STATUS AT ADDRESS stores the PSW's mask at +0x100 and address at +0x108, the prefix at +0x118 and GPR i at "
            + "+0x80 + 8i of the 512-byte area (the save-area layout of lowcore 0x1280..0x131b, relative to 0x1200)")
    void storeStatusAtAddressLayout() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(2).memory(0, 0x40000));
        rig.state(1, VcpuState.OFF);
        rig.regs(1).set(S390Registers.PSWM, MASK);
        rig.regs(1).pc(0x3456);
        rig.regs(1).set(S390Registers.PREFIX, 0x22000);
        rig.regs(1).set(15, 0xF15);
        rig.regs(1).set(0, 0xF00);
        rig.regs().set(5, 0x10000);
        sigp(rig, 14, 1);
        assertEquals(0, cc(rig));
        assertEquals(MASK, rig.read(0x10000 + 0x100, 8));
        assertEquals(0x3456, rig.read(0x10000 + 0x108, 8));
        assertEquals(0x22000, rig.read(0x10000 + 0x118, 4));
        assertEquals(0xF00, rig.read(0x10000 + 0x80, 8));
        assertEquals(0xF15, rig.read(0x10000 + 0x80 + 15 * 8, 8));
    }

    @Test
    @DisplayName("STOP AND STORE STATUS stores into the target's own lowcore save areas: GPRs at prefix + 0x1280, PSW at 0x1300 "
            + "(mask) and 0x1308 (address), prefix at 0x1318; to itself the PSW address is the one after the SIGP")
    void stopAndStoreStatusLayout() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(2).memory(0, 0x40000));
        rig.regs(1).set(S390Registers.PREFIX, 0x20000);
        rig.regs(1).set(S390Registers.PSWM, MASK);
        rig.regs(1).pc(0x4444);
        sigp(rig, 9, 1);
        assertEquals(0, cc(rig));
        assertEquals(MASK, rig.read(0x20000 + 0x1300, 8));
        assertEquals(0x4444, rig.read(0x20000 + 0x1308, 8));
        assertEquals(0x20000, rig.read(0x20000 + 0x1318, 4));
        Rig self = Rig.of(VmConfig.builder("s390").vcpus(1).memory(0, 0x40000));
        self.regs().set(S390Registers.PREFIX, 0x30000);
        sigp(self, 9, 0);
        assertEquals(Rig.PC + 4, self.read(0x30000 + 0x1308, 8), "the caller's PSW points past its SIGP");
        assertEquals(0x30000, self.read(0x30000 + 0x1318, 4));
    }

    @Test
    @DisplayName("SET PREFIX: the new prefix area is both 4K pages (address and address + 0x1fff must be memory, else status 0x100); "
            + "with an odd R1 the parameter is GPR[R1] itself (sigp.c: r1 odd ? r1 : r1 + 1)")
    void setPrefixEdges() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(2).memory(0, 0x3F000));
        rig.state(1, VcpuState.OFF);
        rig.regs().set(5, 0x3E000);
        sigp(rig, 13, 1);
        assertEquals(1, cc(rig));
        assertEquals(0x100, rig.regs().get(4) & 0xFFFF_FFFFL, "the second page is past the end of memory");
        rig.regs().set(3, 1);
        rig.regs().set(5, 0x24000);
        rig.regs().set(6, 0x7FFF_E000L);
        rig.trap("sigp %r5,%r3,13");
        assertEquals(0, cc(rig));
        assertEquals(0x24000, rig.regs(1).get(S390Registers.PREFIX), "GPR 5's parameter, not GPR 6's");
    }

    @Test
    @DisplayName("CPU RESET and INITIAL CPU RESET of another CPU both stop it and cancel its pfault handshake; only the initial reset "
            + "clears its PSW and prefix (PoP: initial CPU reset; QEMU sigp_cpu_reset / sigp_initial_cpu_reset)")
    void cpuResetOrders() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(2).memory(0, 0x40000));
        rig.regs(1).set(S390Registers.PSWM, MASK);
        rig.regs(1).set(S390Registers.PREFIX, 0x20000);
        rig.state().pfaultToken[1] = 0x4000;
        sigp(rig, 12, 1);
        assertEquals(0, cc(rig));
        assertEquals(VcpuState.OFF, rig.m.stateOf(1), "the running target is stopped");
        assertEquals(S390Vm.PFAULT_TOKEN_INVALID, rig.state().pfaultToken(1));
        assertEquals(MASK, rig.regs(1).get(S390Registers.PSWM), "CPU reset keeps the PSW");
        assertEquals(0x20000, rig.regs(1).get(S390Registers.PREFIX));
        sigp(rig, 11, 1);
        assertEquals(0, rig.regs(1).get(S390Registers.PSWM));
        assertEquals(0, rig.regs(1).get(S390Registers.PREFIX));
        Rig self = Rig.of(1);
        self.state().pfaultToken[0] = 0x4000;
        TrapResult t = sigp(self, 12, 0);
        assertEquals(0, cc(self));
        assertEquals(S390Vm.PFAULT_TOKEN_INVALID, self.state().pfaultToken(0));
        assertEquals(dev.hcsim.core.Outcome.RESUME, t.outcome(), "a reset of itself does not stop the caller");
    }

    @Test
    @DisplayName("an order that must run on another vCPU (SET PREFIX, STORE STATUS AT ADDRESS, RESTART, the CPU resets) answers cc 2 "
            + "(SIGP_CC_BUSY) when the embedder's control cannot reach it, and changes nothing")
    void unreachableTargetIsBusy() {
        for (int order : new int[] {13, 14, 6, 12, 11}) {
            Rig rig = Rig.of(VmConfig.builder("s390").vcpus(2).memory(0, 0x40000));
            rig.state(1, VcpuState.OFF);
            rig.regs(1).set(S390Registers.PREFIX, 0x20000);
            rig.write(0x20000 + 0x1A0, 8, S390Registers.PSW_MASK_RESET);
            rig.write(0x20000 + 0x1A8, 8, 0x5000);
            rig.regs().set(5, 0x10000);
            rig.regs().set(3, 1);
            rig.m.load(Rig.PC, rig.vm.assemble("sigp %r4,%r3," + order, Rig.PC).bytes());
            rig.regs().pc(Rig.PC);
            rig.vm.trap(0, rig.regs(), rig.m.memory(), OverriddenControl.unreachable(rig.m));
            assertEquals(2, cc(rig), "order " + order);
            assertEquals(0x20000, rig.regs(1).get(S390Registers.PREFIX), "order " + order);
            assertEquals(VcpuState.OFF, rig.m.stateOf(1), "order " + order);
        }
    }

    @Test
    @DisplayName("RESTART of an operating CPU: its PSW goes to the restart old PSW (0x120 mask, 0x128 address) of its lowcore and the "
            + "restart new PSW (0x1a0) is loaded, the CPU keeps running there (QEMU sigp_restart, do_restart_interrupt); a lowcore "
            + "outside memory takes nothing, cc 0")
    void restartOfAnOperatingCpu() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(2).memory(0, 0x40000));
        rig.regs(1).set(S390Registers.PREFIX, 0x20000);
        rig.regs(1).set(S390Registers.PSWM, MASK);
        rig.regs(1).pc(0x1111);
        rig.write(0x20000 + 0x1A0, 8, S390Registers.PSW_MASK_RESET);
        rig.write(0x20000 + 0x1A8, 8, 0x5000);
        sigp(rig, 6, 1);
        assertEquals(0, cc(rig));
        assertEquals(MASK, rig.read(0x20000 + 0x120, 8));
        assertEquals(0x1111, rig.read(0x20000 + 0x128, 8));
        assertEquals(S390Registers.PSW_MASK_RESET, rig.regs(1).get(S390Registers.PSWM));
        assertEquals(0x5000, rig.regs(1).pc());
        assertEquals(VcpuState.RUNNABLE, rig.m.stateOf(1));
        Rig far = Rig.of(VmConfig.builder("s390").vcpus(2).memory(0, 0x40000));
        far.regs(1).set(S390Registers.PREFIX, 0x7000_0000L);
        far.regs(1).pc(0x1111);
        far.state(1, VcpuState.OFF);
        sigp(far, 6, 1);
        assertEquals(0, cc(far));
        assertEquals(0x1111, far.regs(1).pc());
        assertEquals(VcpuState.OFF, far.m.stateOf(1), "nothing to restart at");
    }

    @Test
    @DisplayName("SIGP RESTART to itself loads the restart new PSW's mask too (cpu_inject_restart)")
    void restartSelfLoadsTheMask() {
        Rig rig = Rig.of(1);
        rig.write(0x1A0, 8, MASK);
        rig.write(0x1A8, 8, 0x3000);
        sigp(rig, 6, 0);
        assertEquals(MASK, rig.regs().get(S390Registers.PSWM));
        assertEquals(0x3000, rig.regs().pc());
    }

    @Test
    @DisplayName("SENSE (sigp.c __sigp_sense): a CPU in the wait state or runnable is operating (cc 0); a stopped or exited one "
            + "reports status 0x40; SENSE RUNNING STATUS of itself is cc 0 (it runs)")
    void senseStates() {
        for (VcpuState s : new VcpuState[] {VcpuState.RUNNABLE, VcpuState.HALTED}) {
            Rig rig = Rig.of(2);
            rig.state(1, s);
            sigp(rig, 1, 1);
            assertEquals(0, cc(rig), s.name());
        }
        for (VcpuState s : new VcpuState[] {VcpuState.OFF, VcpuState.STOPPED, VcpuState.EXITED}) {
            Rig rig = Rig.of(2);
            rig.state(1, s);
            sigp(rig, 1, 1);
            assertEquals(1, cc(rig), s.name());
            assertEquals(0x40, rig.regs().get(4) & 0xFFFF_FFFFL, s.name());
        }
        Rig self = Rig.of(2);
        sigp(self, 21, 0);
        assertEquals(0, cc(self), "the caller is running its SIGP");
    }

    @Test
    @DisplayName("SET ARCHITECTURE counts a stopped or exited CPU as down, like one powered off (only then status 0x100)")
    void setArchitectureWithStoppedOthers() {
        for (VcpuState s : new VcpuState[] {VcpuState.STOPPED, VcpuState.EXITED}) {
            Rig rig = Rig.of(3);
            rig.state(1, s);
            rig.state(2, VcpuState.OFF);
            sigp(rig, 18, 0);
            assertEquals(0x100, rig.regs().get(4) & 0xFFFF_FFFFL, s.name());
        }
    }

    @Test
    @DisplayName("EMERGENCY SIGNAL to a CPU in the enabled wait is taken at once (interrupt.c __deliver_emergency_signal): code 0x1201 "
            + "at 0x86, the sender's CPU address at 0x84, the external new PSW loaded")
    void emergencySignalDelivery() {
        Rig rig = Rig.of(2);
        rig.write(0x1B0, 8, S390Registers.PSW_MASK_RESET);
        rig.write(0x1B8, 8, 0x3000);
        rig.write(0xE00, 8, 0x0302_0001_8000_0000L);
        rig.write(0xE08, 8, 0x2004);
        rig.m.load(0x2000, rig.vm.assemble("lpswe 0xe00\n", 0x2000).bytes());
        rig.regs(0).pc(0x2000);
        rig.m.initialState(1, VcpuState.HALTED);
        rig.m.run(5, Long.MAX_VALUE);
        assertEquals(VcpuState.HALTED, rig.m.stateOf(0));
        rig.regs(1).set(3, 0);
        rig.regs(1).pc(0x2100);
        rig.m.load(0x2100, dev.hcsim.core.Bytes.parseHex("ae430003"));
        rig.vm.trap(1, rig.regs(1), rig.m.memory(), rig.m);
        assertEquals(0x3000, rig.regs(0).pc());
        assertEquals(0x1201, rig.read(0x86, 2));
        assertEquals(1, rig.read(0x84, 2), "sent by CPU 1");
        assertEquals(0x2004, rig.read(0x138, 8));
    }

    @Test
    @DisplayName("an EXTERNAL CALL to a stopped CPU stays pending (sigp.c __sigp_external_call injects it whatever the target's state) "
            + "and is taken once the CPU is started and enables external interruptions in its wait")
    void externalCallToAStoppedCpuStaysPending() {
        Rig rig = Rig.of(2);
        rig.write(0x1B0, 8, S390Registers.PSW_MASK_RESET);
        rig.write(0x1B8, 8, 0x3000);
        rig.write(0xE00, 8, 0x0302_0001_8000_0000L);
        rig.write(0xE08, 8, 0x2004);
        rig.m.load(0x2400, rig.vm.assemble("lpswe 0xe00\n", 0x2400).bytes()); // away from Rig.PC, where the SIGPs go
        rig.regs(1).pc(0x2400);
        rig.state(1, VcpuState.OFF);
        sigp(rig, 2, 1);
        assertEquals(0, cc(rig));
        sigp(rig, 4, 1);
        assertEquals(VcpuState.RUNNABLE, rig.m.stateOf(1));
        rig.m.initialState(0, VcpuState.HALTED);
        rig.m.run(3, Long.MAX_VALUE);
        assertEquals(0x1202, rig.read(0x86, 2), "taken at the enabled wait");
        assertEquals(0x2004, rig.read(0x138, 8));
    }
}
