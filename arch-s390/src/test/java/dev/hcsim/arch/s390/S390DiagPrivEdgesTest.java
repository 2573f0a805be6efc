package dev.hcsim.arch.s390;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.Status;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The edges of the DIAGNOSE functions, STSI and LPSWE, and of program-interruption delivery (issue 25: mutants no test
 * noticed): arch/s390/kvm/diag.c, priv.c handle_stsi / handle_lpswe, interrupt.c __deliver_prog, and QEMU
 * target/s390x/diag.c handle_diag_308 for what KVM leaves to userspace.
 */
class S390DiagPrivEdgesTest {
    private static final long ZARCH = 0x8000_0000_0000_0000L;
    private static final long WAIT = 0x0002_0000_0000_0000L;

    private static int cc(Rig rig) {
        return S390Registers.cc(rig.regs().get(S390Registers.PSWM));
    }

    private static void presetCc(Rig rig, int cc) {
        rig.regs().set(S390Registers.PSWM, S390Registers.withCc(rig.regs().get(S390Registers.PSWM), cc));
    }

    private static String why(Rig rig) {
        return Engine.context(rig.vm).frame(0).why();
    }

    private static void block(Rig rig, long at, int code, int subcode, int len, int version, long token, long select, long compare,
            long zarch) {
        rig.write(at, 2, code);
        rig.write(at + 2, 2, subcode);
        rig.write(at + 4, 2, len);
        rig.write(at + 6, 2, version);
        rig.write(at + 8, 8, token);
        rig.write(at + 16, 8, select);
        rig.write(at + 24, 8, compare);
        rig.write(at + 32, 8, zarch);
    }

    private static int pfault(Rig rig, long at) {
        rig.regs().set(2, at);
        TrapResult t = rig.trap("diag %r2,%r3,0x258");
        return t.outcome() == Outcome.FAULT ? ((Fault.S390) t.fault()).interruptionCode() : -(int) rig.regs().get(3) - 100;
    }

    @Test
    @DisplayName("DIAG 0x258's parameter block (diag.c __diag_page_ref_service): a well-formed block at an address that is not "
            + "doubleword aligned, version 1, length 4 and code 0x259 are each a specification exception; length 5 is enough")
    void pfaultBlockFields() {
        Rig rig = Rig.of(1);
        block(rig, 0x3004, 0x258, 0, 5, 2, 0x4000, 0, 0, ZARCH);
        assertEquals(6, pfault(rig, 0x3004), "not doubleword aligned");
        int[][] bad = {{0x258, 5, 1}, {0x258, 4, 2}, {0x259, 5, 2}};
        for (int[] b : bad) {
            Rig r = Rig.of(1);
            block(r, 0x3000, b[0], 0, b[1], b[2], 0x4000, 0, 0, ZARCH);
            assertEquals(6, pfault(r, 0x3000), "code " + Integer.toHexString(b[0]) + " len " + b[1] + " version " + b[2]);
            assertEquals(S390Vm.PFAULT_TOKEN_INVALID, r.state().pfaultToken(0));
        }
        Rig ok = Rig.of(1);
        block(ok, 0x3000, 0x258, 0, 5, 2, 0x4000, 0, 0, ZARCH);
        assertEquals(-100, pfault(ok, 0x3000), "rc 0 in GPR[R3]");
    }

    @Test
    @DisplayName("DIAG 0x258 CANCEL requires token, select, compare and zarch all zero: each one set alone is a specification exception")
    void pfaultCancelFields() {
        long[][] bad = {{0x4000, 0, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, ZARCH}};
        for (long[] b : bad) {
            Rig r = Rig.of(1);
            block(r, 0x3000, 0x258, 1, 5, 2, b[0], b[1], b[2], b[3]);
            assertEquals(6, pfault(r, 0x3000));
        }
    }

    @Test
    @DisplayName("DIAG 0x10 from inside the prefix area (diag.c diag_release_pages slow path): start above the prefix keeps absolute "
            + "page 0, releases absolute page 1 for the second prefix page, and the pages after the prefix area; the prefix page itself stays")
    void releasePagesStartingInsideThePrefix() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(1).memory(0, 0x40000));
        rig.regs().set(S390Registers.PREFIX, 0x20000);
        long[] at = {0x100, 0x1100, 0x21100, 0x22100, 0x23100};
        for (long a : at) {
            rig.write(a, 8, 0x5A5A);
        }
        rig.regs().set(2, 0x21000);
        rig.regs().set(4, 0x23000);
        rig.trap("diag %r2,%r4,0x10");
        assertEquals(0x5A5A, rig.read(0x100, 8), "start > prefix: absolute page 0 is not released");
        assertEquals(0, rig.read(0x1100, 8), "end > prefix + 4K: absolute page 1 is");
        assertEquals(0x5A5A, rig.read(0x21100, 8), "[start, prefix) is empty");
        assertEquals(0, rig.read(0x22100, 8), "prefix + 8K .. end");
        assertEquals(0, rig.read(0x23100, 8));
    }

    @Test
    @DisplayName("DIAG 0x308 takes the whole 64-bit subcode (QEMU handle_diag_308: subcode & ~0xffff is a specification exception): "
            + "1 << 32 | 5 is no SET")
    void iplSubcodeIsSixtyFourBits() {
        Rig rig = Rig.of(VmConfig.builder("s390").memory(0, 0x20000));
        rig.write(0x4000, 4, 200);
        rig.write(0x4000 + 12, 1, 2);
        rig.regs().set(2, 0x4000);
        rig.regs().set(3, 0x77);
        rig.regs().set(4, 1L << 32 | 5);
        TrapResult t = rig.trap("diag %r2,%r4,0x308");
        assertEquals(Outcome.FAULT, t.outcome());
        assertEquals(6, ((Fault.S390) t.fault()).interruptionCode());
        assertEquals(0x77, rig.regs().get(3));
    }

    @Test
    @DisplayName("DIAG 0x308 subcodes 0 and 1 are named in the trace: modified clear reset and load normal")
    void iplResetNotes() {
        Rig rig = Rig.of(1);
        rig.regs().set(3, 0);
        rig.trap("diag %r2,%r3,0x308");
        assertEquals("diag 308 subcode 0: modified clear reset", why(rig));
        Rig normal = Rig.of(1);
        normal.regs().set(3, 1);
        normal.trap("diag %r2,%r3,0x308");
        assertEquals("diag 308 subcode 1: load normal", why(normal));
    }

    @Test
    @DisplayName("diag308_parm_check failing (odd R1, an address not 4K aligned, a block whose last byte is not memory) answers with "
            + "the program exception only: GPR[R1 + 1] keeps its value")
    void iplParmCheckWritesNothing() {
        Rig odd = Rig.of(1);
        odd.regs().set(6, 5);
        odd.regs().set(9, 0x4000);
        odd.regs().set(10, 0x77);
        odd.trap("diag 9,6,0x308");
        assertEquals(0x77, odd.regs().get(10));
        Rig unaligned = Rig.of(1);
        unaligned.regs().set(4, 5);
        unaligned.regs().set(2, 0x4010);
        unaligned.regs().set(3, 0x77);
        unaligned.trap("diag %r2,%r4,0x308");
        assertEquals(0x77, unaligned.regs().get(3));
        assertEquals(6, unaligned.faultCode(0));
        Rig store = Rig.of(1);
        store.regs().set(4, 6);
        store.regs().set(2, 0x4010);
        store.regs().set(3, 0x77);
        store.trap("diag %r2,%r4,0x308");
        assertEquals(0x77, store.regs().get(3));
        Rig shortMem = Rig.of(VmConfig.builder("s390").vcpus(1).memory(0, 0x5800));
        shortMem.regs().set(4, 5);
        shortMem.regs().set(2, 0x5000);
        shortMem.regs().set(3, 0x77);
        shortMem.trap("diag %r2,%r4,0x308");
        assertEquals(5, shortMem.faultCode(0), "the 4K block's last byte 0x5fff is not memory: addressing");
        assertEquals(0x77, shortMem.regs().get(3));
    }

    @Test
    @DisplayName("DIAG 0x308 SET's IPL block check (QEMU iplb_valid): at most 4096 bytes; FCP (pbt 0) at least 384, CCW (2) 200, "
            + "NVMe (4) 376; another type invalid: GPR[R1 + 1] = 0x0001 or 0x0402")
    void iplBlockValidity() {
        long[][] cases = {{0, 384, 1}, {0, 383, 0x402}, {2, 200, 1}, {2, 199, 0x402}, {4, 376, 1}, {4, 375, 0x402}, {1, 400, 0x402},
            {3, 400, 0x402}, {0, 4096, 1}, {0, 4097, 0x402}};
        for (long[] c : cases) {
            Rig rig = Rig.of(VmConfig.builder("s390").memory(0, 0x20000));
            rig.write(0x4000, 4, c[1]);
            rig.write(0x4000 + 12, 1, c[0]);
            rig.regs().set(2, 0x4000);
            rig.regs().set(4, 5);
            rig.trap("diag %r2,%r4,0x308");
            assertEquals(c[2], rig.regs().get(3), "pbt " + c[0] + " len " + c[1]);
        }
    }

    @Test
    @DisplayName("DIAG 0x308 with unpack: 8 (SET PV) answers 0x0a02 invalid for PV, 9 (STORE PV) 0x0902 no PV configuration; STORE "
            + "(6) of a stored block writes 0x0001 into GPR[R1 + 1] itself")
    void iplPvSubcodesAndStoreRc() {
        Rig rig = Rig.of(VmConfig.builder("s390").memory(0, 0x20000).feature("unpack", true));
        rig.regs().set(2, 0x4000);
        rig.regs().set(4, 8);
        rig.trap("diag %r2,%r4,0x308");
        assertEquals(0x0A02, rig.regs().get(3));
        rig.regs().set(4, 9);
        rig.trap("diag %r2,%r4,0x308");
        assertEquals(0x0902, rig.regs().get(3));
        rig.write(0x4000, 4, 200);
        rig.write(0x4000 + 12, 1, 2);
        rig.regs().set(4, 5);
        rig.trap("diag %r2,%r4,0x308");
        rig.regs().set(2, 0x6000);
        rig.regs().set(1, 0x55);
        rig.regs().set(3, 0x77);
        rig.regs().set(4, 6);
        rig.trap("diag %r2,%r4,0x308");
        assertEquals(1, rig.regs().get(3));
        assertEquals(0x55, rig.regs().get(1), "R1 - 1 untouched");
        assertEquals(200, rig.read(0x6000, 4));
    }

    @Test
    @DisplayName("a specification exception says why (S390Status): a bad operand of a known code is INVALID_PARAMETER, an unknown "
            + "code NOT_IMPLEMENTED, both PGM_SPECIFICATION")
    void specificationStatuses() {
        Rig rig = Rig.of(1);
        rig.regs().set(2, 0x1000);
        rig.regs().set(4, 0x2000);
        assertEquals(Status.INVALID_PARAMETER, rig.trap("diag %r2,%r4,0x10").status(), "below 8K");
        assertEquals(Status.NOT_IMPLEMENTED, rig.trap("diag %r2,%r4,0x204").status());
    }

    // ---------------------------------------------------------------- STSI and LPSWE (priv.c)

    @Test
    @DisplayName("STSI (priv.c handle_stsi): problem state is a privileged operation; fc > 3 is cc 3 before the reserved bits are "
            + "checked; fc 0 and a stored 3.2.2 set cc 0; any other fc/sel1/sel2 than 3.2.2 is cc 3")
    void stsiEdges() {
        Rig ps = Rig.of(1);
        ps.regs().set(S390Registers.PSWM, S390Registers.PSW_MASK_RESET | S390Registers.PSW_MASK_PSTATE);
        ps.regs().set(0, 3L << 28 | 2);
        ps.regs().set(1, 2);
        TrapResult t = ps.trapHex(0, "b27d3000");
        assertEquals(Outcome.FAULT, t.outcome());
        assertEquals(Fault.S390.PRIVILEGED_OP, ps.faultCode(0));
        assertEquals("STSI", t.callName());
        Rig fc4 = Rig.of(1);
        fc4.regs().set(0, 4L << 28 | 0x100);
        fc4.trapHex(0, "b27d3000");
        assertEquals(3, cc(fc4), "fc 4 with a reserved bit: still cc 3, no exception");
        Rig fc0 = Rig.of(1);
        presetCc(fc0, 3);
        fc0.regs().set(0, 0);
        fc0.trapHex(0, "b27d3000");
        assertEquals(0, cc(fc0));
        int[][] sels = {{3, 2, 1}, {3, 1, 2}, {2, 2, 2}, {1, 1, 1}};
        for (int[] s : sels) {
            Rig r = Rig.of(1);
            r.regs().set(0, (long) s[0] << 28 | s[1]);
            r.regs().set(1, s[2]);
            r.write(0x3000, 8, 0x5A5A);
            r.trapHex(0, "b27d3000");
            assertEquals(3, cc(r), s[0] + "." + s[1] + "." + s[2]);
            assertEquals(0x5A5A, r.read(0x3000, 8), "nothing stored");
        }
        Rig ok = Rig.of(1);
        presetCc(ok, 3);
        ok.regs().set(0, 3L << 28 | 2);
        ok.regs().set(1, 2);
        ok.trapHex(0, "b27d3000");
        assertEquals(0, cc(ok));
    }

    @Test
    @DisplayName("STSI 3.2.2 with userspace=exit (KVM_CAP_S390_USER_STSI): after storing, KVM exits KVM_EXIT_S390_STSI with the PSW "
            + "already past the STSI, status SUCCESS")
    void stsiUserspaceExit() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(1).option("userspace", "exit"));
        rig.regs().set(0, 3L << 28 | 2);
        rig.regs().set(1, 2);
        TrapResult t = rig.trapHex(0, "b27d3000");
        assertInstanceOf(Exit.S390Stsi.class, t.exit());
        assertEquals(Rig.PC + 4, t.nextPc());
        assertEquals(Rig.PC + 4, rig.regs().pc());
        assertEquals(Status.SUCCESS, t.status());
    }

    @Test
    @DisplayName("LPSWE reaching the gate: in problem state a privileged operation named LPSWE; a PSW without the wait bit is simply "
            + "loaded (mask and address)")
    void lpsweWithoutWait() {
        Rig ps = Rig.of(1);
        ps.regs().set(S390Registers.PSWM, S390Registers.PSW_MASK_RESET | S390Registers.PSW_MASK_PSTATE);
        assertEquals("LPSWE", ps.trap("lpswe 0xe00").callName());
        Rig rig = Rig.of(1);
        rig.write(0xE00, 8, 0x0705_0001_8000_0000L);
        rig.write(0xE08, 8, 0x4000);
        TrapResult t = rig.trap("lpswe 0xe00");
        assertEquals("LPSWE", t.callName());
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals(0x4000, rig.regs().pc());
        assertEquals(0x0705_0001_8000_0000L, rig.regs().get(S390Registers.PSWM));
    }

    @Test
    @DisplayName("a disabled wait with no other CPU running (QEMU s390_handle_wait): the quiesce address ...fff shuts down, another "
            + "address (..ffe) reports a guest crash; each named in the trace")
    void disabledWaitKinds() {
        long[][] cases = {{0x1FFF, 1}, {0x1FFE, 0}, {0xFFF, 1}};
        for (long[] c : cases) {
            Rig rig = Rig.of(1);
            rig.write(0xE00, 8, S390Registers.PSW_MASK_RESET | WAIT);
            rig.write(0xE08, 8, c[0]);
            TrapResult t = rig.trap("lpswe 0xe00");
            boolean quiesce = c[1] == 1;
            assertEquals(new Exit.SystemEvent(quiesce ? SystemEventType.SHUTDOWN : SystemEventType.CRASH), t.exit(), Long.toHexString(c[0]));
            assertEquals(quiesce ? "disabled wait, quiesce PSW" : "disabled wait", why(rig));
        }
        Rig two = Rig.of(2);
        two.write(0xE00, 8, S390Registers.PSW_MASK_RESET | WAIT);
        two.write(0xE08, 8, 0x1FFE);
        TrapResult t = two.trap("lpswe 0xe00");
        assertEquals(Outcome.STOP, t.outcome(), "another CPU still runs: this one only stops");
        assertEquals("disabled wait", why(two));
    }

    @Test
    @DisplayName("an enabled wait with only I/O enabled does not take a pending external call (kvm_s390_handle_wait: the external "
            + "class is masked); with EXT enabled it is taken at once")
    void pendingExternalNeedsTheExternalMask() {
        Rig rig = Rig.of(2);
        rig.write(0x1B0, 8, S390Registers.PSW_MASK_RESET);
        rig.write(0x1B8, 8, 0x3000);
        rig.regs(1).pc(0x2222);
        rig.regs(1).set(3, 0);
        rig.m.load(0x2100, dev.hcsim.core.Bytes.parseHex("ae430002"));
        rig.regs(1).pc(0x2100);
        rig.vm.trap(1, rig.regs(1), rig.m.memory(), rig.m); // CPU 1 sends an external call to CPU 0, which is not waiting
        rig.write(0xE00, 8, S390Registers.PSW_MASK_RESET | WAIT | S390Registers.PSW_MASK_IO);
        rig.write(0xE08, 8, 0x2004);
        TrapResult io = rig.trap("lpswe 0xe00");
        assertEquals(Outcome.HALT, io.outcome());
        assertEquals(0, rig.read(0x86, 2), "not taken");
        rig.write(0xE00, 8, S390Registers.PSW_MASK_RESET | WAIT | S390Registers.PSW_MASK_EXT);
        rig.trap("lpswe 0xe00");
        assertEquals(0x1202, rig.read(0x86, 2));
        assertEquals(1, rig.read(0x84, 2), "from CPU 1");
        assertEquals(0x3000, rig.regs().pc());
    }

    // ---------------------------------------------------------------- program interruptions (interrupt.c __deliver_prog)

    @Test
    @DisplayName("__deliver_prog loads any program new PSW that is not all zero (a zero mask with an address, or a mask with address 0), "
            + "stores the old PSW's mask at 0x150 and loads the new mask")
    void programNewPswVariants() {
        long[][] psws = {{0, 0x5000}, {0x0705_0001_8000_0000L, 0}};
        for (long[] p : psws) {
            Rig rig = Rig.of(1);
            rig.write(0x1D0, 8, p[0]);
            rig.write(0x1D8, 8, p[1]);
            rig.regs().set(S390Registers.PSWM, 0x0704_0001_8000_0000L);
            TrapResult t = rig.trap("diag %r2,%r4,0x204");
            assertEquals(Outcome.INTERRUPTED, t.outcome(), Long.toHexString(p[0]));
            assertEquals(p[1], rig.regs().pc());
            assertEquals(p[0], rig.regs().get(S390Registers.PSWM));
            assertEquals(0x0704_0001_8000_0000L, rig.read(0x150, 8), "old PSW mask");
            assertEquals(Rig.PC + 4, rig.read(0x158, 8));
            assertEquals(6, rig.read(0x8E, 2));
        }
    }

    @Test
    @DisplayName("program-interruptions=report leaves a program new PSW unused: FAULT for the embedder, lowcore untouched; a prefix "
            + "outside memory has no lowcore to deliver into: FAULT with that reason")
    void programInterruptionNotDelivered() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(1).option("program-interruptions", "report"));
        rig.write(0x1D0, 8, S390Registers.PSW_MASK_RESET);
        rig.write(0x1D8, 8, 0x5000);
        TrapResult t = rig.trap("diag %r2,%r4,0x204");
        assertEquals(Outcome.FAULT, t.outcome());
        assertEquals(0, rig.read(0x8E, 2));
        assertEquals(Rig.PC, rig.regs().pc());
        Rig far = Rig.of(1);
        far.regs().set(S390Registers.PREFIX, 0x7000_0000L);
        TrapResult f = far.trap("diag %r2,%r4,0x204");
        assertEquals(Outcome.FAULT, f.outcome());
        assertEquals(6, ((Fault.S390) f.fault()).interruptionCode());
        assertEquals("no lowcore in guest memory", why(far));
    }

    @Test
    @DisplayName("an external new PSW with a zero mask but an address is installed: a waiting CPU takes the external call "
            + "(interrupt.c __deliver_external_call loads it); without any external new PSW the call stays pending")
    void externalNewPswVariants() {
        Rig rig = Rig.of(2);
        rig.write(0x1B0, 8, 0);
        rig.write(0x1B8, 8, 0x3000);
        rig.write(0xE00, 8, S390Registers.PSW_MASK_RESET | WAIT | S390Registers.PSW_MASK_EXT);
        rig.write(0xE08, 8, 0x2004);
        rig.m.load(0x2000, rig.vm.assemble("lpswe 0xe00\n", 0x2000).bytes());
        rig.regs(0).pc(0x2000);
        rig.m.initialState(1, VcpuState.HALTED);
        rig.m.run(5, Long.MAX_VALUE);
        assertEquals(VcpuState.HALTED, rig.m.stateOf(0));
        rig.m.load(0x2100, dev.hcsim.core.Bytes.parseHex("ae430002"));
        rig.regs(1).set(3, 0);
        rig.regs(1).pc(0x2100);
        rig.vm.trap(1, rig.regs(1), rig.m.memory(), rig.m);
        assertEquals(0x3000, rig.regs(0).pc());
        assertEquals(0, rig.regs(0).get(S390Registers.PSWM));
    }
}
