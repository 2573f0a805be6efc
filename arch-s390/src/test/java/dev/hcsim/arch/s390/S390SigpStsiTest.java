package dev.hcsim.arch.s390;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.VmConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SIGP (arch/s390/kvm/sigp.c, QEMU target/s390x/sigp.c), STSI 3.2.2 (priv.c handle_stsi) and the wait state. */
class S390SigpStsiTest {
    private static int cc(Rig rig) {
        return S390Registers.cc(rig.regs().get(S390Registers.PSWM));
    }

    private static TrapResult sigp(Rig rig, int order, int cpu) {
        rig.regs().set(3, cpu);
        return rig.trap("sigp %r4,%r3," + order);
    }

    @Test
    @DisplayName("SIGP SENSE: cc 0 for an operating CPU; cc 1 with status 0x40 (stopped) in the low word of R1 (sigp.c __sigp_sense)")
    void sense() {
        Rig rig = Rig.of(2);
        rig.regs().set(4, 0xAAAA_AAAA_0000_0000L);
        sigp(rig, 1, 1);
        assertEquals(0, cc(rig));
        assertEquals(0xAAAA_AAAA_0000_0000L, rig.regs().get(4), "R1 untouched with cc 0");
        rig.state(1, VcpuState.OFF);
        sigp(rig, 1, 1);
        assertEquals(1, cc(rig));
        assertEquals(0xAAAA_AAAA_0000_0040L, rig.regs().get(4), "status in the low word, upper word kept");
    }

    @Test
    @DisplayName("SIGP to a CPU address that does not exist: cc 3 (sigp.c handle_sigp_dst)")
    void notOperational() {
        Rig rig = Rig.of(2);
        TrapResult t = sigp(rig, 2, 7);
        assertEquals(3, cc(rig));
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals(Rig.PC + 4, rig.regs().pc());
        // the CPU address is the low 16 bits of GPR[R3]
        rig.regs().set(3, 0xFFFF_0001L);
        rig.trap("sigp %r4,%r3,1");
        assertEquals(0, cc(rig));
    }

    @Test
    @DisplayName("SIGP EXTERNAL CALL and EMERGENCY SIGNAL raise 0x1202 / 0x1201 on the target and wake it (sigp.c __sigp_external_call)")
    void ipis() {
        Rig rig = Rig.of(2);
        rig.state(1, VcpuState.HALTED);
        TrapResult t = sigp(rig, 2, 1);
        assertEquals("SIGP_EXTERNAL_CALL", t.callName());
        assertEquals(0, cc(rig));
        assertEquals(1, rig.m.interrupts(1).get(S390Vm.EXT_EXTERNAL_CALL));
        assertEquals(VcpuState.RUNNABLE, rig.m.stateOf(1));
        sigp(rig, 3, 1);
        assertEquals(1, rig.m.interrupts(1).get(S390Vm.EXT_EMERGENCY_SIGNAL));
        sigp(rig, 19, 1);
        assertEquals(2, rig.m.interrupts(1).get(S390Vm.EXT_EMERGENCY_SIGNAL),
                "conditional emergency signal is always sent: sigp.c tests the sender's stopped state");
    }

    /** Two CPUs whose lowcore holds an external new PSW (handler at 0x3000) and an enabled wait PSW at 0xE00. */
    private static Rig withExternalHandler() {
        Rig rig = Rig.of(2);
        rig.write(0x1B0, 8, S390Registers.PSW_MASK_RESET);
        rig.write(0x1B8, 8, 0x3000);
        rig.write(0xE00, 8, 0x0302_0001_8000_0000L);
        rig.write(0xE08, 8, 0x2004);
        return rig;
    }

    @Test
    @DisplayName("a CPU in the enabled wait takes the external call at once: code 0x86, sender 0x84, old PSW 0x130, new PSW 0x1B0 "
            + "(interrupt.c __deliver_external_call); a running CPU keeps it pending")
    void externalCallDelivery() {
        Rig rig = withExternalHandler();
        rig.m.load(0x2000, rig.vm.assemble("lpswe 0xe00\n", 0x2000).bytes());
        rig.regs(1).pc(0x2000);
        rig.m.initialState(0, VcpuState.HALTED);
        rig.m.run(5, Long.MAX_VALUE);
        assertEquals(VcpuState.HALTED, rig.m.stateOf(1));
        rig.regs().set(3, 1);
        rig.regs().pc(0x2100);
        rig.m.load(0x2100, dev.hcsim.core.Bytes.parseHex("ae430002"));
        rig.vm.trap(0, rig.regs(), rig.m.memory(), rig.m);
        assertEquals(0x3000, rig.regs(1).pc(), "the external new PSW is loaded");
        assertEquals(S390Registers.PSW_MASK_RESET, rig.regs(1).get(S390Registers.PSWM));
        assertEquals(0x1202, rig.read(0x86, 2));
        assertEquals(0, rig.read(0x84, 2), "sender: CPU address 0");
        assertEquals(0x0302_0001_8000_0000L, rig.read(0x130, 8), "the wait PSW is the old PSW");
        assertEquals(0x2004, rig.read(0x138, 8));
        assertEquals(VcpuState.RUNNABLE, rig.m.stateOf(1));

        Rig busy = Rig.of(2);
        busy.write(0x1B0, 8, S390Registers.PSW_MASK_RESET);
        busy.write(0x1B8, 8, 0x3000);
        busy.regs(1).pc(0x2222);
        sigp(busy, 2, 1);
        assertEquals(0x2222, busy.regs(1).pc(), "not waiting: the interruption stays pending");
        assertEquals(0, busy.read(0x86, 2));
        assertEquals(1, busy.m.interrupts(1).get(S390Vm.EXT_EXTERNAL_CALL));
    }

    @Test
    @DisplayName("an external call sent before its target waits stays pending and is taken at the target's enabled wait, "
            + "the wait PSW as old PSW (interrupt.c kvm_s390_handle_wait finds it deliverable, __deliver_external_call)")
    void pendingExternalCallIsTakenAtTheNextEnabledWait() {
        // Found by examples/unicorn: under another schedule of s390-sigp-external-call.json the SIGP came first and
        // the waiter woke after its wait without taking the interruption.
        Rig rig = withExternalHandler();
        rig.regs(1).pc(0x2222);
        sigp(rig, 2, 1);
        assertEquals(0, rig.read(0x86, 2), "not waiting yet: nothing stored");
        rig.m.load(0x2000, rig.vm.assemble("lpswe 0xe00\n", 0x2000).bytes());
        rig.regs(1).pc(0x2000);
        rig.m.initialState(0, VcpuState.HALTED);
        rig.m.run(1, Long.MAX_VALUE);
        assertEquals(0x3000, rig.regs(1).pc(), "the external new PSW is loaded instead of waiting");
        assertEquals(S390Registers.PSW_MASK_RESET, rig.regs(1).get(S390Registers.PSWM));
        assertEquals(0x1202, rig.read(0x86, 2));
        assertEquals(0, rig.read(0x84, 2), "sender: CPU address 0");
        assertEquals(0x0302_0001_8000_0000L, rig.read(0x130, 8), "the wait PSW is the old PSW");
        assertEquals(0x2004, rig.read(0x138, 8));
        assertTrue(rig.m.stateOf(1) == VcpuState.RUNNING || rig.m.stateOf(1) == VcpuState.RUNNABLE, "the wait did not wait");

        rig.regs(1).pc(0x2000);
        rig.write(0x86, 2, 0);
        rig.m.run(2, Long.MAX_VALUE);
        assertEquals(VcpuState.HALTED, rig.m.stateOf(1), "taken once: the next enabled wait waits");
        assertEquals(0, rig.read(0x86, 2));
    }

    @Test
    @DisplayName("SIGP STOP stops another CPU, or the caller itself; SIGP START resumes a stopped CPU where it was (target/s390x/sigp.c)")
    void stopAndStart() {
        Rig rig = Rig.of(2);
        rig.regs(1).pc(0x3456);
        rig.regs(1).set(S390Registers.PSWM, 0x0300_0001_8000_0000L);
        sigp(rig, 5, 1);
        assertEquals(VcpuState.OFF, rig.m.stateOf(1));
        sigp(rig, 4, 1);
        assertEquals(VcpuState.RUNNABLE, rig.m.stateOf(1));
        assertEquals(0x3456, rig.regs(1).pc(), "START continues at the stopped PSW");
        assertEquals(0x0300_0001_8000_0000L, rig.regs(1).get(S390Registers.PSWM), "START is not a reset");
        TrapResult self = sigp(rig, 5, 0);
        assertEquals(Outcome.STOP, self.outcome());
    }

    @Test
    @DisplayName("SIGP RESTART starts a stopped CPU at the restart new PSW of its lowcore, saving the old PSW at 0x120 (sigp_restart)")
    void restart() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(2).memory(0, 0x40000));
        rig.regs(1).set(S390Registers.PREFIX, 0x20000);
        rig.regs(1).pc(0x1111);
        rig.state(1, VcpuState.OFF);
        rig.write(0x20000 + 0x1A0, 8, S390Registers.PSW_MASK_RESET);
        rig.write(0x20000 + 0x1A8, 8, 0x5000);
        sigp(rig, 6, 1);
        assertEquals(0, cc(rig));
        assertEquals(VcpuState.RUNNABLE, rig.m.stateOf(1));
        assertEquals(0x5000, rig.regs(1).pc());
        assertEquals(0x1111, rig.read(0x20000 + 0x128, 8), "restart old PSW address");
        assertEquals(0x20000, rig.regs(1).get(S390Registers.PREFIX), "no reset: the prefix stays");
    }

    @Test
    @DisplayName("SIGP RESTART to itself: the old PSW after the SIGP (cc 0) goes to 0x120 and the restart new PSW is loaded (sigp_restart)")
    void restartSelf() {
        Rig rig = Rig.of(1);
        rig.write(0x1A0, 8, S390Registers.PSW_MASK_RESET);
        rig.write(0x1A8, 8, 0x3000);
        rig.regs().set(S390Registers.PSWM, S390Registers.withCc(S390Registers.PSW_MASK_RESET, 2));
        TrapResult t = sigp(rig, 6, 0);
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals(0x3000, rig.regs().pc());
        assertEquals(S390Registers.PSW_MASK_RESET, rig.regs().get(S390Registers.PSWM));
        assertEquals(S390Registers.PSW_MASK_RESET, rig.read(0x120, 8), "old PSW with cc 0");
        assertEquals(Rig.PC + 4, rig.read(0x128, 8));
    }

    @Test
    @DisplayName("SIGP SET PREFIX: operating target cc 1 / 0x200; bad address cc 1 / 0x100; stopped target takes it (target/s390x/sigp.c)")
    void setPrefix() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(2).memory(0, 0x40000));
        rig.regs().set(5, 0x20000);
        sigp(rig, 13, 1);
        assertEquals(1, cc(rig));
        assertEquals(0x200, rig.regs().get(4) & 0xFFFF_FFFFL);
        rig.state(1, VcpuState.OFF);
        rig.regs().set(5, 0x7FFF_E000L);
        sigp(rig, 13, 1);
        assertEquals(0x100, rig.regs().get(4) & 0xFFFF_FFFFL);
        rig.regs().set(5, 0x20000 | 0x123);
        sigp(rig, 13, 1);
        assertEquals(0, cc(rig));
        assertEquals(0x20000, rig.regs(1).get(S390Registers.PREFIX));
    }

    @Test
    @DisplayName("SIGP STORE STATUS AT ADDRESS: operating target cc 1 / 0x200; stopped target's GPRs, PSW and prefix stored (sigp.c __sigp_store_status_at_addr)")
    void storeStatus() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(2).memory(0, 0x40000));
        rig.regs().set(5, 0x10000);
        sigp(rig, 14, 1);
        assertEquals(1, cc(rig));
        assertEquals(0x200, rig.regs().get(4) & 0xFFFF_FFFFL);
        rig.state(1, VcpuState.OFF);
        rig.regs(1).set(7, 0x7777);
        rig.regs(1).pc(0x3456);
        rig.regs(1).set(S390Registers.PREFIX, 0x20000);
        sigp(rig, 14, 1);
        assertEquals(0, cc(rig));
        assertEquals(0x7777, rig.read(0x10000 + 0x80 + 7 * 8, 8), "GPR 7 in the save area");
        assertEquals(0x3456, rig.read(0x10000 + 0x108, 8), "PSW address");
        assertEquals(0x20000, rig.read(0x10000 + 0x118, 4), "prefix");
    }

    @Test
    @DisplayName("SIGP STOP AND STORE STATUS stores into the target's prefix area at 0x1200 and stops it; INITIAL CPU RESET cancels pfault")
    void stopAndStoreAndReset() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(2).memory(0, 0x40000));
        rig.regs(1).set(S390Registers.PREFIX, 0x20000);
        rig.regs(1).set(3, 0x3333);
        sigp(rig, 9, 1);
        assertEquals(VcpuState.OFF, rig.m.stateOf(1));
        assertEquals(0x3333, rig.read(0x20000 + 0x1280 + 3 * 8, 8));
        rig.state().pfaultToken[1] = 0x4000;
        sigp(rig, 11, 1);
        assertEquals(S390Vm.PFAULT_TOKEN_INVALID, rig.state().pfaultToken(1));
        assertEquals(0, rig.regs(1).get(S390Registers.PREFIX), "initial CPU reset clears the prefix");
    }

    @Test
    @DisplayName("an instruction the gate does not intercept is reported, not thrown (BRXH 0x84, LPSW 0x82)")
    void notIntercepted() {
        for (String hex : new String[] {"84240500", "82000000", "b2000000"}) {
            Rig rig = Rig.of(1);
            TrapResult t = rig.trapHex(0, hex);
            assertEquals(Outcome.FAULT, t.outcome(), hex);
            // an operation exception (suppressing): ILC from the opcode's top bits, old PSW past the instruction
            assertEquals(new Fault.S390(Fault.S390.OPERATION, 2, Rig.PC + 4), t.fault(), hex);
            assertEquals(Rig.PC, t.nextPc());
        }
    }

    @Test
    @DisplayName("SIGP SENSE RUNNING STATUS reads CPUSTAT_RUNNING, set in schedule-in and cleared in schedule-out (sigp.c __sigp_sense_running)")
    void senseRunning() {
        Rig rig = Rig.of(2);
        sigp(rig, 21, 1);
        assertEquals(1, cc(rig));
        assertEquals(0x400, rig.regs().get(4) & 0xFFFF_FFFFL, "not running: a preempted or idle vCPU");
        rig.state().scheduleIn(1, 0, 0, null);
        sigp(rig, 21, 1);
        assertEquals(0, cc(rig));
        rig.state().scheduleOut(1, 0, true, null);
        assertTrue(!rig.state().isRunning(1));
        Rig old = Rig.of(VmConfig.builder("s390").vcpus(2).feature("sense-running", false));
        sigp(old, 21, 1);
        assertEquals(1, cc(old));
        assertEquals(2, old.regs().get(4) & 0xFFFF_FFFFL, "without facility 9: invalid order");
    }

    @Test
    @DisplayName("SIGP unknown order: cc 1, status 0x2 invalid order; SET ARCHITECTURE with others operating: 0x200 (target/s390x/sigp.c)")
    void unknownOrderAndSetArch() {
        Rig rig = Rig.of(2);
        TrapResult t = sigp(rig, 99, 1);
        assertEquals(1, cc(rig));
        assertEquals(2, rig.regs().get(4) & 0xFFFF_FFFFL);
        assertEquals("SIGP (unknown order)", t.callName());
        sigp(rig, 18, 0);
        assertEquals(0x200, rig.regs().get(4) & 0xFFFF_FFFFL);
        rig.state(1, VcpuState.OFF);
        sigp(rig, 18, 0);
        assertEquals(0x100, rig.regs().get(4) & 0xFFFF_FFFFL, "all others stopped: invalid parameter (z/Arch only)");
    }

    @Test
    @DisplayName("SIGP in problem state: privileged operation (sigp.c kvm_s390_handle_sigp)")
    void sigpProblemState() {
        Rig rig = Rig.of(2);
        rig.regs().set(S390Registers.PSWM, S390Registers.PSW_MASK_RESET | S390Registers.PSW_MASK_PSTATE);
        TrapResult t = sigp(rig, 2, 1);
        assertEquals(Outcome.FAULT, t.outcome());
        assertEquals(2, rig.faultCode(0));
        assertTrue(rig.m.interrupts(1).isEmpty());
    }

    @Test
    @DisplayName("STSI's function codes (arch/s390/kvm/priv.c handle_stsi): fc 0 answers r0 = 3 << 28 (the current level) with cc 0; fc > 3 "
            + "(15 without the topology facility) and fc 1, 2 or 3 with selectors other than 2.2 store nothing, cc 3; reserved bits in "
            + "r0 or r1 and an operand not on a 4K boundary are specification; nothing is stored but for 3.2.2; the trace names STSI")
    void stsiFunctionCodes() {
        long[][] cases = { // r0, r1, operand (r5), expected cc (-1: specification), expected r0 after
            {0x0000_0000L, 0, 0x4000, 0, 3L << 28},
            {0xF000_0001L, 1, 0x4000, 3, 0xF000_0001L},
            {0x4000_0000L, 0, 0x4000, 3, 0x4000_0000L},
            {0x1000_0001L, 1, 0x4000, 3, 0x1000_0001L},
            {0x2000_0002L, 1, 0x4000, 3, 0x2000_0002L},
            {0x3000_0001L, 2, 0x4000, 3, 0x3000_0001L},
            {0x3000_0002L, 1, 0x4000, 3, 0x3000_0002L},
            {0x3000_0102L, 2, 0x4000, -1, 0x3000_0102L},
            {0x3000_0002L, 0x1_0002L, 0x4000, -1, 0x3000_0002L},
            {0x3000_0002L, 2, 0x4008, -1, 0x3000_0002L},
        };
        for (long[] c : cases) {
            Rig rig = Rig.of(1);
            RegisterFile r = rig.regs();
            r.set(0, c[0]);
            r.set(1, c[1]);
            r.set(5, c[2]);
            TrapResult t = rig.trap("stsi 0(%r5)");
            String at = java.util.Arrays.toString(c);
            assertEquals("STSI", t.callName(), at);
            if (c[3] < 0) {
                assertEquals(Outcome.FAULT, t.outcome(), at);
                assertEquals(Fault.S390.class, t.fault().getClass(), at);
                assertEquals(6, ((Fault.S390) t.fault()).interruptionCode(), at + ": PGM_SPECIFICATION");
            } else {
                assertEquals(Outcome.RESUME, t.outcome(), at);
                assertEquals(c[3], cc(rig), at);
                assertEquals(Rig.PC + 4, r.pc(), at);
            }
            assertEquals(c[4], r.get(0), at);
            assertEquals(0, rig.read(0x4000 + 44, 8), at + ": no SYSIB stored");
        }
    }

    @Test
    @DisplayName("STSI 3.2.2: vm[0] name KVMguest and cpi KVM/Linux in EBCDIC, count 1, cc 0, r0 := 0 (priv.c handle_stsi_3_2_2)")
    void stsi322() {
        Rig rig = Rig.of(3);
        RegisterFile r = rig.regs();
        r.set(0, 0x3000_0002L);
        r.set(1, 2);
        r.set(5, 0x4000);
        TrapResult t = rig.trap("stsi 0(%r5)");
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals(0, cc(rig));
        assertEquals(0, r.get(0));
        assertEquals(1, rig.read(0x4000 + 31, 1) & 0xF);
        assertEquals(3, rig.read(0x4000 + 36, 2), "cpus total");
        assertEquals(3, rig.read(0x4000 + 38, 2), "cpus configured");
        assertEquals(0xD2E5D487A485A2A3L, rig.read(0x4000 + 44, 8), "KVMguest");
        assertEquals(1000, rig.read(0x4000 + 52, 4), "capability");
        assertEquals(0xD2E5D461D38995A4L, rig.read(0x4000 + 56, 8), "KVM/Linu");
        assertEquals(0xA740404040404040L, rig.read(0x4000 + 64, 8), "x and blanks");
        byte[] sysib = new byte[4096];
        rig.m.memory().read(0x4000, sysib, 0, 4096);
        assertTrue(S390Discovery.isKvm(sysib), "early.c detect_machine_type sees KVM");
    }

    @Test
    @DisplayName("STSI 3.2.2 under QEMU: extended-name encoding 2 and ext_names[0] = KVMguest (QEMU kvm.c insert_stsi_3_2_2); "
            + "with userspace=exit KVM's block and KVM_EXIT_S390_STSI (priv.c insert_stsi_usr_data)")
    void stsiUserspace() {
        Rig rig = Rig.of(1);
        rig.regs().set(0, 0x3000_0002L);
        rig.regs().set(1, 2);
        rig.regs().set(5, 0x4000);
        rig.trap("stsi 0(%r5)");
        assertEquals(2, rig.read(0x4000 + 32 + 43, 1), "vm[0].evmne: UTF-8");
        assertEquals(0x4B564D6775657374L, rig.read(0x4000 + 2048, 8), "ext_names[0] = \"KVMguest\" in UTF-8");
        Rig kvm = Rig.of(VmConfig.builder("s390").option("userspace", "exit"));
        kvm.regs().set(0, 0x3000_0002L);
        kvm.regs().set(1, 2);
        kvm.regs().set(5, 0x4000);
        TrapResult t = kvm.trap("stsi 0(%r5)");
        assertEquals(Outcome.EXIT_TO_HOST, t.outcome());
        // priv.c insert_stsi_usr_data: addr, ar (the B2 field, 5), fc 3, sel1 2, sel2 2
        assertEquals(new Exit.S390Stsi(0x4000, 5, 3, 2, 2), t.exit());
        assertEquals(0, kvm.read(0x4000 + 32 + 43, 1), "KVM leaves the extended name to userspace");
        assertEquals(0, kvm.regs().get(0));
        assertEquals(0xD2E5D461D38995A4L, kvm.read(0x4000 + 56, 8));
    }

    @Test
    @DisplayName("STSI fc 0 answers the current level 3 in r0; other levels and fc > 3 give cc 3 (priv.c handle_stsi)")
    void stsiLevels() {
        Rig rig = Rig.of(1);
        rig.regs().set(0, 0);
        rig.regs().set(5, 0x4000);
        rig.trap("stsi 0(%r5)");
        assertEquals(3L << 28, rig.regs().get(0));
        assertEquals(0, cc(rig));
        rig.regs().set(0, 0x1000_0001L);
        rig.regs().set(1, 1);
        rig.trap("stsi 0(%r5)");
        assertEquals(3, cc(rig));
        rig.regs().set(0, 0xF000_0000L);
        rig.trap("stsi 0(%r5)");
        assertEquals(3, cc(rig));
        rig.regs().set(0, 0x3000_0001L);
        rig.regs().set(1, 2);
        rig.trap("stsi 0(%r5)");
        assertEquals(3, cc(rig), "3.1.2 is not 3.2.2: no data");
    }

    @Test
    @DisplayName("STSI with reserved bits set or an unaligned operand: specification (priv.c handle_stsi)")
    void stsiSpec() {
        Rig rig = Rig.of(1);
        rig.regs().set(0, 0x3000_0102L);
        rig.regs().set(1, 2);
        rig.trap("stsi 0x800");
        assertEquals(6, rig.faultCode(0));
        rig = Rig.of(1);
        rig.regs().set(0, 0x3000_0002L);
        rig.regs().set(1, 2);
        rig.trap("stsi 0x808");
        assertEquals(6, rig.faultCode(0));
    }

    @Test
    @DisplayName("LPSWE of an enabled wait PSW halts until an interruption and resumes at the PSW address (interrupt.c kvm_s390_handle_wait)")
    void enabledWait() {
        Rig rig = Rig.of(1);
        rig.write(0x800, 8, S390Registers.PSW_MASK_RESET | S390Registers.PSW_MASK_WAIT | S390Registers.PSW_MASK_EXT);
        rig.write(0x808, 8, 0x2010);
        TrapResult t = rig.trap("lpswe 0x800");
        assertEquals(Outcome.HALT, t.outcome());
        assertEquals(0x2010, rig.regs().pc());
        assertEquals(S390Registers.PSW_MASK_RESET | S390Registers.PSW_MASK_EXT, rig.regs().get(S390Registers.PSWM));
    }

    @Test
    @DisplayName("LPSWE of a disabled wait PSW ends the CPU; the last CPU with the quiesce address ...fff shuts down (QEMU s390_handle_wait)")
    void disabledWait() {
        Rig rig = Rig.of(1);
        rig.write(0x800, 8, S390Registers.PSW_MASK_RESET | S390Registers.PSW_MASK_WAIT);
        rig.write(0x808, 8, 0xFFF);
        TrapResult t = rig.trap("lpswe 0x800");
        assertEquals(Outcome.EXIT_TO_HOST, t.outcome());
        assertEquals(new Exit.SystemEvent(SystemEventType.SHUTDOWN), t.exit());
    }

    @Test
    @DisplayName("privileged STAP and LPSWE in problem state: privileged-operation exception")
    void privilegedInProblemState() {
        for (String insn : new String[] {"stap 0x800", "lpswe 0x800"}) {
            Rig rig = Rig.of(1);
            rig.regs().set(S390Registers.PSWM, S390Registers.PSW_MASK_RESET | S390Registers.PSW_MASK_PSTATE);
            rig.trap(insn);
            assertEquals(2, rig.faultCode(0), insn);
        }
    }

    @Test
    @DisplayName("EBCDIC of the identification strings matches the fact sheet bytes")
    void ebcdic() {
        assertArrayEquals(dev.hcsim.core.Bytes.parseHex("D2E5D461D38995A4A740404040404040"), S390Discovery.controlProgramId());
        assertArrayEquals(dev.hcsim.core.Bytes.parseHex("D2E5D487A485A2A3"), S390Discovery.vmName());
    }
}
