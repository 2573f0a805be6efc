package dev.hcsim.arch.s390;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Exit;
import dev.hcsim.core.ExitReason;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.Status;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.VmConfig;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * DIAGNOSE as KVM and QEMU answer it: the conformance edge cases of the s390 fact sheet (section 6),
 * each with the kernel or QEMU source it checks.
 */
class S390DiagnoseTest {
    private static final long R2_MARK = 0x1234_5678_9ABC_DEF0L;

    /** Asserts a specification exception delivered as the guest sees it: code 0x0006, old PSW after the DIAG, r2 unchanged. */
    private static void assertSpec(Rig rig, TrapResult r) {
        assertProgram(rig, r, 6);
    }

    private static void assertProgram(Rig rig, TrapResult r, int code) {
        assertEquals(Outcome.FAULT, r.outcome(), "outcome");
        // __deliver_prog's values, for the embedder to inject: the code, ILC 2 (4 bytes), the old PSW after the DIAG
        assertEquals(new Fault.S390(code, 2, Rig.PC + 4), r.fault());
        assertEquals(0, rig.pgmCode(0), "not delivered: the lowcore is the embedder's to write");
        assertEquals(Rig.PC + 4, r.nextPc());
        assertEquals(Rig.PC, rig.regs().pc(), "no handler: the PC register is left for the embedder");
    }

    @Test
    @DisplayName("problem state: privileged-operation before the code is looked at (diag.c kvm_s390_handle_diag)")
    void problemState() {
        Rig rig = Rig.of(1);
        RegisterFile r = rig.regs();
        r.set(S390Registers.PSWM, S390Registers.PSW_MASK_RESET | S390Registers.PSW_MASK_PSTATE);
        r.set(1, 4);
        r.set(2, R2_MARK);
        TrapResult t = rig.trap("diag %r2,%r4,0x500");
        assertProgram(rig, t, 2);
        assertEquals(Status.PERMISSION, t.status());
        assertEquals("PGM_PRIVILEGED_OP", t.statusName());
        assertEquals(R2_MARK, r.get(2));
        assertEquals(S390Registers.PSW_MASK_RESET | S390Registers.PSW_MASK_PSTATE, r.get(S390Registers.PSWM), "the PSW the embedder saves as the old PSW");
    }

    @Test
    @DisplayName("DIAG 0x500 subcode 4 with 256 MiB: r2 = 0x0FFFFFFF (QEMU s390-hypercall.c handle_storage_limit)")
    void storageLimit() {
        Rig rig = Rig.of(VmConfig.builder("s390").memory(0, 256L << 20));
        rig.regs().set(1, 4);
        TrapResult t = rig.trap("diag %r2,%r4,0x500");
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals(0x0FFF_FFFFL, rig.regs().get(2));
        assertEquals(Rig.PC + 4, rig.regs().pc());
        assertEquals("DIAG500_STORAGE_LIMIT", t.callName());
    }

    @Test
    @DisplayName("r1 = 0x100000003 is not subcode 3: 64-bit compare (diag.c __diag_virtio_hypercall; handle_diag_500)")
    void subcodeIs64Bits() {
        Rig rig = Rig.of(1);
        rig.regs().set(1, 0x1_0000_0003L);
        rig.regs().set(2, R2_MARK);
        TrapResult t = rig.trap("diag %r2,%r4,0x500");
        assertSpec(rig, t);
        assertEquals(Status.NOT_IMPLEMENTED, t.status());
        assertEquals(R2_MARK, rig.regs().get(2));
    }

    @Test
    @DisplayName("r1 = 1 or 2: specification today; legacy-virtio=userspace exits to the host (s390-hypercall.c; s390-diag.rst)")
    void legacySubcodes() {
        for (long sub : new long[] {1, 2}) {
            Rig rig = Rig.of(1);
            rig.regs().set(1, sub);
            rig.regs().set(2, R2_MARK);
            assertSpec(rig, rig.trap("diag %r2,%r4,0x500"));
            assertEquals(R2_MARK, rig.regs().get(2));
            Rig old = Rig.of(VmConfig.builder("s390").option("legacy-virtio", "userspace"));
            old.regs().set(1, sub);
            TrapResult t = old.trap("diag %r2,%r4,0x500");
            assertEquals(Outcome.EXIT_TO_HOST, t.outcome());
            assertEquals(ExitReason.S390_SIEIC, t.exit().reason());
        }
    }

    @Test
    @DisplayName("r1 = 5 and beyond: specification, r2 unchanged (s390-hypercall.c default; s390-diag.rst)")
    void unknownSubcode() {
        Rig rig = Rig.of(1);
        rig.regs().set(1, 5);
        rig.regs().set(2, R2_MARK);
        assertSpec(rig, rig.trap("diag %r2,%r4,0x500"));
        assertEquals(R2_MARK, rig.regs().get(2));
    }

    @Test
    @DisplayName("r1 = 0: r2 inside RAM gives 0, r2 = RAM size gives -EINVAL (QEMU handle_virtio_notify)")
    void legacyNotify() {
        Rig rig = Rig.of(1);
        rig.regs().set(1, 0);
        rig.regs().set(2, 0x1000);
        rig.trap("diag %r2,%r4,0x500");
        assertEquals(0, rig.regs().get(2));
        rig.regs().set(2, 0x10000);
        TrapResult t = rig.trap("diag %r2,%r4,0x500");
        assertEquals(0xFFFF_FFFF_FFFF_FFEAL, rig.regs().get(2));
        assertEquals(Status.INVALID_ADDRESS, t.status());
        assertEquals("-EINVAL", t.statusName());
    }

    @Test
    @DisplayName("r1 = 3 with the 0x00010000 bit clear: r2 = -EINVAL, no exception (QEMU handle_virtio_ccw_notify, ioinst.h)")
    void ccwNotifyBadId() {
        Rig rig = Rig.of(1);
        rig.regs().set(1, 3);
        rig.regs().set(2, 5);
        TrapResult t = rig.trap("diag %r2,%r4,0x500");
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals(-22, rig.regs().get(2));
        // M clear with a non-zero CSSID, and a queue index at VIRTIO_QUEUE_MAX
        rig.regs().set(2, 0x0101_0005L);
        rig.trap("diag %r2,%r4,0x500");
        assertEquals(-22, rig.regs().get(2));
        rig.regs().set(2, 0x0001_0005L);
        rig.regs().set(3, 1024);
        rig.trap("diag %r2,%r4,0x500");
        assertEquals(-22, rig.regs().get(2));
        assertEquals(0, ((RecordingVirtioSink) rig.state().virtioSink()).total());
    }

    @Test
    @DisplayName("r1 = 3, a valid id reaches QEMU's notify: r2 = 0 and the sink records it (handle_virtio_ccw_notify)")
    void ccwNotifyRecorded() {
        Rig rig = Rig.of(1);
        rig.regs().set(1, 3);
        rig.regs().set(2, 0x0008_0000L | 0x0001_0000L | 0xFE00_0000L | 0x0002_0000L | 0x0042);
        rig.regs().set(3, 0x0007_0002L);
        rig.trap("diag %r2,%r4,0x500");
        assertEquals(0, rig.regs().get(2));
        var n = ((RecordingVirtioSink) rig.state().virtioSink()).notifications();
        assertEquals(1, n.size());
        assertEquals(new RecordingVirtioSink.Notification(0, 1, 0xFE, 1, 0x42, 2, 0x0007_0002L), n.get(0));
    }

    @Test
    @DisplayName("r1 = 3, r2 = 0xFFFFFFFF00010005 with an ioeventfd at index 2: low 32 bits used, r2 = 2 (diag.c __diag_virtio_hypercall)")
    void ccwNotifyCookie() {
        Rig rig = Rig.of(1);
        long[] seen = new long[3];
        rig.state().virtioSink(new VirtioNotifySink() {
            @Override
            public int ioeventfd(int vcpu, long schid, long data, long cookie) {
                seen[0] = schid;
                seen[1] = data;
                seen[2] = cookie;
                return schid == 0x0001_0005L ? 2 : -1;
            }

            @Override
            public boolean queueNotify(int vcpu, int m, int cssid, int ssid, int schno, int queue, long data) {
                return false;
            }
        });
        rig.regs().set(1, 3);
        rig.regs().set(2, 0xFFFF_FFFF_0001_0005L);
        rig.regs().set(3, 7);
        rig.regs().set(4, 2);
        rig.trap("diag %r2,%r4,0x500");
        assertEquals(2, rig.regs().get(2));
        assertArrayEquals(new long[] {0x0001_0005L, 7, 2}, seen);
    }

    @Test
    @DisplayName("function code = low 16 bits of GPR[B2] + D2: 83245100 with r5 = 0x400 or 0xFFFFFFFFFFFF0400 is 0x500 (kvm-s390.h)")
    void baseRegister() {
        for (long r5 : new long[] {0x400, 0xFFFF_FFFF_FFFF_0400L}) {
            Rig rig = Rig.of(1);
            rig.regs().set(5, r5);
            rig.regs().set(1, 4);
            TrapResult t = rig.trapHex(0, "83245100");
            assertEquals(Outcome.RESUME, t.outcome());
            assertEquals(0xFFFF, rig.regs().get(2));
        }
    }

    @Test
    @DisplayName("B2 = 0 is no base even when r0 is set: 0x100 is unknown, specification (kvm-s390.h; QEMU kvm.c handle_diag)")
    void registerZeroIsNoBase() {
        Rig rig = Rig.of(1);
        rig.regs().set(0, 0x400);
        rig.regs().set(1, 4);
        rig.regs().set(2, R2_MARK);
        assertSpec(rig, rig.trapHex(0, "83240100"));
        assertEquals(R2_MARK, rig.regs().get(2));
    }

    @Test
    @DisplayName("DIAG 0x10: below 8K, first > last, misaligned are specification; (0x10000,0x10000) zeroes one page (diag.c diag_release_pages)")
    void releasePages() {
        long[][] bad = {{0, 0}, {0x1000, 0x1000}, {0, 0x1000}, {0x4000, 0x3000}, {0x4000 + 42, 0x4000}, {0x4000, 0x4000 + 42},
            {0x4000, 0xFFFF_FFFF_FFFF_F000L}};
        for (long[] c : bad) {
            Rig rig = Rig.of(1);
            rig.regs().set(1, c[0]);
            rig.regs().set(3, c[1]);
            assertSpec(rig, rig.trap("diag %r1,%r3,0x10"));
        }
        Rig big = Rig.of(VmConfig.builder("s390").memory(0, 0x40000));
        big.write(0x10010, 8, 0x2222);
        big.write(0x11000, 8, 0x3333);
        big.regs().set(1, 0x10000);
        big.regs().set(3, 0x10000);
        long[] before = big.regs().snapshot();
        TrapResult t = big.trap("diag %r1,%r3,0x10");
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals(Status.SUCCESS, t.status());
        assertEquals(0, big.read(0x10010, 8), "released page reads back as zero");
        assertEquals(0x3333, big.read(0x11000, 8), "the next page is kept");
        assertArrayEquals(before, big.regs().snapshot(), "no register changes");
        assertEquals(Rig.PC + 4, big.regs().pc());
    }

    @Test
    @DisplayName("DIAG 0x10 over the prefix area releases absolute 0..8K instead (diag.c diag_release_pages slow path)")
    void releasePagesPrefixSwap() {
        Rig rig = Rig.of(VmConfig.builder("s390").memory(0, 0x40000));
        rig.regs().set(S390Registers.PREFIX, 0x20000);
        rig.write(0x20100, 8, 0xAAAA); // the prefix area itself (real 0..8K)
        rig.write(0x0100, 8, 0xBBBB); // absolute 0..8K (real prefix..prefix+8K)
        rig.write(0x1F000, 8, 0xCCCC);
        rig.regs().set(1, 0x1F000);
        rig.regs().set(3, 0x21000);
        rig.trap("diag %r1,%r3,0x10");
        assertEquals(0xAAAA, rig.read(0x20100, 8), "the prefix pages are not released");
        assertEquals(0, rig.read(0x0100, 8), "absolute page 0 is released in their place");
        assertEquals(0, rig.read(0x1F000, 8));
    }

    @Test
    @DisplayName("DIAG 0x10 at its boundaries (diag.c diag_release_pages): start 8K is allowed; a range ending at the prefix or starting "
            + "at prefix + 8K takes the fast path; one starting at the prefix releases absolute page 0, and absolute page 1 only when it "
            + "reaches past prefix + 4K")
    void releasePagesBoundaries() {
        long prefix = 0x20000;
        long[][] cases = { // start, GPR R3, expected: page 0x2000, absolute page 0, absolute page 1, the prefix area, page 0x22000
            {0x2000, 0x2000, 0, 0xB0, 0xB1, 0xAA, 0xC2},
            {0x1F000, 0x1F000, 0xD2, 0xB0, 0xB1, 0xAA, 0xC2},
            {prefix + 0x2000, prefix + 0x2000, 0xD2, 0xB0, 0xB1, 0xAA, 0},
            {prefix, prefix, 0xD2, 0, 0xB1, 0xAA, 0xC2},
            {prefix, prefix + 0x1000, 0xD2, 0, 0, 0xAA, 0xC2},
        };
        for (long[] c : cases) {
            Rig rig = Rig.of(VmConfig.builder("s390").memory(0, 0x40000));
            rig.regs().set(S390Registers.PREFIX, prefix);
            rig.write(0x2100, 8, 0xD2);
            rig.write(0x0100, 8, 0xB0);
            rig.write(0x1100, 8, 0xB1);
            rig.write(prefix + 0x100, 8, 0xAA);
            rig.write(0x22100, 8, 0xC2);
            rig.regs().set(1, c[0]);
            rig.regs().set(3, c[1]);
            assertEquals(Outcome.RESUME, rig.trap("diag %r1,%r3,0x10").outcome(), java.util.Arrays.toString(c));
            String at = "start 0x" + Long.toHexString(c[0]) + ", R3 0x" + Long.toHexString(c[1]) + ": ";
            assertEquals(c[2], rig.read(0x2100, 8), at + "page 0x2000");
            assertEquals(c[3], rig.read(0x0100, 8), at + "absolute page 0");
            assertEquals(c[4], rig.read(0x1100, 8), at + "absolute page 1");
            assertEquals(c[5], rig.read(prefix + 0x100, 8), at + "the prefix area");
            assertEquals(c[6], rig.read(0x22100, 8), at + "page prefix + 8K");
        }
    }

    @Test
    @DisplayName("DIAG 0x9C: own id and 999 are ignored; 0xFFFFFFFF00000001 is CPU 1 (diag.c __diag_time_slice_end_directed)")
    void directedYield() {
        Rig rig = Rig.of(2);
        rig.regs().set(1, 0);
        TrapResult t = rig.trap("diag %r1,%r0,0x9c");
        assertEquals(Outcome.RESUME, t.outcome());
        rig.regs().set(1, 999);
        assertEquals(Outcome.RESUME, rig.trap("diag %r1,%r0,0x9c").outcome());
        rig.regs().set(1, 0xFFFF_FFFF_0000_0001L);
        t = rig.trap("diag %r1,%r0,0x9c");
        assertEquals(Outcome.YIELD, t.outcome(), "CPU 1 is runnable: yield to it");
        assertEquals(1, t.yieldTarget());
        assertEquals(0xFFFF_FFFF_0000_0001L, rig.regs().get(1), "no register changes");
        rig.state(1, VcpuState.HALTED);
        assertEquals(Outcome.RESUME, rig.trap("diag %r1,%r0,0x9c").outcome(), "a halted target cannot take the time slice");
    }

    @Test
    @DisplayName("DIAG 0x9C reads the register named by R1, not r1 (diag.c: gprs[(ipa & 0xf0) >> 4]; s390-diag.rst says GR1)")
    void directedYieldUsesTheR1Field() {
        Rig rig = Rig.of(2);
        rig.regs().set(1, 0);
        rig.regs().set(5, 1);
        TrapResult t = rig.trap("diag %r5,%r0,0x9c");
        assertEquals(Outcome.YIELD, t.outcome());
        assertEquals(1, t.yieldTarget());
    }

    @Test
    @DisplayName("DIAG 0x288: an armed watchdog that expires resets the machine at the next intercept (wdt_diag288.c, action reset)")
    void watchdogExpires() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(1).feature("diag288", true).nanosPerInstruction(1_000_000_000L));
        rig.regs().set(2, 0);
        rig.regs().set(3, 15);
        rig.regs().set(4, 0);
        rig.trap("diag %r2,%r4,0x288");
        assertTrue(rig.state().watchdogArmed());
        // 16 virtual seconds later (one instruction is one second here), the next DIAGNOSE finds it expired
        byte[] loop = rig.vm.assemble("lghi %r6,16\nl: aghi %r6,-1\njne l\ndiag %r0,%r0,0x44\n",
                0x3000).bytes();
        rig.m.load(0x3000, loop);
        rig.regs().pc(0x3000);
        rig.m.run(1000, Long.MAX_VALUE);
        assertFalse(rig.state().watchdogArmed());
        assertEquals(new Exit.SystemEvent(SystemEventType.RESET), rig.m.systemEvent());
    }

    @Test
    @DisplayName("DIAG 0x288's operand checks (QEMU target/s390x/diag.c handle_diag_288, wdt_diag288.c): an odd R1 or a non-zero "
            + "action register is specification; init and change need 15 s at least, cancel does not; change and cancel of a "
            + "disarmed watchdog and an unknown function are specification; init arms it with the timeout in seconds")
    void watchdogOperandChecks() {
        java.util.function.Supplier<Rig> fresh = () -> Rig.of(VmConfig.builder("s390").vcpus(1).feature("diag288", true));
        Rig odd = fresh.get();
        odd.regs().set(3, 0);
        odd.regs().set(4, 30);
        assertSpec(odd, odd.trap("diag %r3,%r5,0x288"));
        Rig action = fresh.get();
        action.regs().set(2, 0);
        action.regs().set(3, 30);
        action.regs().set(4, 1);
        assertSpec(action, action.trap("diag %r2,%r4,0x288"));
        Rig r = fresh.get();
        r.regs().set(4, 0);
        r.regs().set(2, 1); // change while disarmed
        r.regs().set(3, 30);
        assertSpec(r, r.trap("diag %r2,%r4,0x288"));
        r.regs().set(2, 2); // cancel while disarmed
        assertSpec(r, r.trap("diag %r2,%r4,0x288"));
        r.regs().set(2, 0); // init with 14 s
        r.regs().set(3, 14);
        assertSpec(r, r.trap("diag %r2,%r4,0x288"));
        assertFalse(r.state().watchdogArmed());
        r.regs().set(3, 15);
        assertEquals(Outcome.RESUME, r.trap("diag %r2,%r4,0x288").outcome());
        assertTrue(r.state().watchdogArmed());
        assertEquals(15_000_000_000L, r.state().watchdogDeadline, "now (0) + 15 s");
        r.regs().set(2, 1); // change to 40 s
        r.regs().set(3, 40);
        assertEquals(Outcome.RESUME, r.trap("diag %r2,%r4,0x288").outcome());
        assertEquals(40_000_000_000L, r.state().watchdogDeadline);
        r.regs().set(2, 3); // no such function
        assertSpec(r, r.trap("diag %r2,%r4,0x288"));
        r.regs().set(2, 2); // cancel with a timeout of 0: allowed
        r.regs().set(3, 0);
        assertEquals(Outcome.RESUME, r.trap("diag %r2,%r4,0x288").outcome());
        assertFalse(r.state().watchdogArmed());
    }

    @Test
    @DisplayName("hcsim call's path: SingleCall with the default instruction diag %r2,%r4,0x500 and r1 = 4")
    void singleCall() {
        var r = dev.hcsim.core.sched.SingleCall.run(VmConfig.builder("s390").build(), 0, null, java.util.Map.of("r1", 4L), java.util.Map.of());
        assertEquals("diag\t%r2,%r4,1280", r.text());
        assertEquals("DIAG500_STORAGE_LIMIT", r.call());
        assertEquals(java.util.Map.of("r2", 0xFFFFL, "pc", 0x2004L), r.changed());
    }

    @Test
    @DisplayName("DIAG 0x44: no register or CC change, the vCPU yields (diag.c __diag_time_slice_end)")
    void timeSliceEnd() {
        Rig rig = Rig.of(1);
        rig.regs().set(S390Registers.PSWM, S390Registers.withCc(S390Registers.PSW_MASK_RESET, 2));
        long[] before = rig.regs().snapshot();
        TrapResult t = rig.trap("diag %r0,%r0,0x44");
        assertEquals(Outcome.YIELD, t.outcome());
        assertEquals(-1, t.yieldTarget());
        assertArrayEquals(before, rig.regs().snapshot());
        assertEquals("DIAG_TIME_SLICE_END", t.callName());
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

    private static final long ZARCH = 0x8000_0000_0000_0000L;

    @Test
    @DisplayName("DIAG 0x258: TOKEN 0, TOKEN again 8, CANCEL 0, CANCEL again 4 (diag.c __diag_page_ref_service)")
    void pfaultHandshake() {
        Rig rig = Rig.of(1);
        rig.regs().set(2, 0x3000);
        block(rig, 0x3000, 0x258, 0, 5, 2, 0x4000, 1L << 48, 1L << 48, ZARCH);
        rig.trap("diag %r2,%r3,0x258");
        assertEquals(0, rig.regs().get(3));
        assertEquals(0x4000, rig.state().pfaultToken(0));
        block(rig, 0x3000, 0x258, 0, 5, 2, 0x4004, 0, 7, 0);
        rig.trap("diag %r2,%r3,0x258");
        assertEquals(8, rig.regs().get(3), "already active: 8, masks not even checked");
        block(rig, 0x3000, 0x258, 1, 5, 2, 0, 0, 0, 0);
        rig.trap("diag %r2,%r3,0x258");
        assertEquals(0, rig.regs().get(3));
        assertEquals(S390Vm.PFAULT_TOKEN_INVALID, rig.state().pfaultToken(0));
        rig.trap("diag %r2,%r3,0x258");
        assertEquals(4, rig.regs().get(3));
    }

    @Test
    @DisplayName("DIAG 0x258 rejects: block+4 spec, block straddling RAM end addressing, code 0xC0FE spec (diag.c; kvm-unit-tests diag258.c)")
    void pfaultBlockChecks() {
        Rig rig = Rig.of(1);
        rig.regs().set(2, 0x3004);
        assertSpec(rig, rig.trap("diag %r2,%r3,0x258"));
        rig = Rig.of(1);
        rig.regs().set(2, 0x10000 - 8);
        assertProgram(rig, rig.trap("diag %r2,%r3,0x258"), 5);
        rig = Rig.of(1);
        block(rig, 0x3000, 0xC0FE, 0, 5, 2, 0x4000, 0, 0, ZARCH);
        rig.regs().set(2, 0x3000);
        assertSpec(rig, rig.trap("diag %r2,%r3,0x258"));
    }

    @Test
    @DisplayName("DIAG 0x258 TOKEN: zarch 0, compare not in select, token+4 spec; token beyond RAM addressing (diag.c)")
    void pfaultTokenChecks() {
        long[][] specCases = {{0x4000, 0, 0, 0}, {0x4000, 0, 1, ZARCH}, {0x4004, 0, 0, ZARCH}};
        for (long[] c : specCases) {
            Rig rig = Rig.of(1);
            block(rig, 0x3000, 0x258, 0, 5, 2, c[0], c[1], c[2], c[3]);
            rig.regs().set(2, 0x3000);
            assertSpec(rig, rig.trap("diag %r2,%r3,0x258"));
            assertEquals(S390Vm.PFAULT_TOKEN_INVALID, rig.state().pfaultToken(0));
        }
        Rig rig = Rig.of(1);
        block(rig, 0x3000, 0x258, 0, 5, 2, 0x100000, 0, 0, ZARCH);
        rig.regs().set(2, 0x3000);
        assertProgram(rig, rig.trap("diag %r2,%r3,0x258"), 5);
    }

    @Test
    @DisplayName("DIAG 0x258 CANCEL with select = 1, and subcode 2, are specification (diag.c; QEMU kvm.c handle_diag)")
    void pfaultCancelChecks() {
        Rig rig = Rig.of(1);
        block(rig, 0x3000, 0x258, 1, 5, 2, 0, 1, 0, 0);
        rig.regs().set(2, 0x3000);
        assertSpec(rig, rig.trap("diag %r2,%r3,0x258"));
        rig = Rig.of(1);
        block(rig, 0x3000, 0x258, 2, 5, 2, 0, 0, 0, 0);
        rig.regs().set(2, 0x3000);
        assertSpec(rig, rig.trap("diag %r2,%r3,0x258"));
    }

    @Test
    @DisplayName("DIAG 0x258 block address is real: with prefix 0x20000, real 0x100 reads absolute 0x20100 (read_guest_real)")
    void pfaultRealAddress() {
        Rig rig = Rig.of(VmConfig.builder("s390").memory(0, 0x40000));
        rig.regs().set(S390Registers.PREFIX, 0x20000);
        block(rig, 0x20100, 0x258, 0, 5, 2, 0x4000, 0, 0, ZARCH);
        rig.regs().set(2, 0x100);
        rig.trap("diag %r2,%r3,0x258");
        assertEquals(0, rig.regs().get(3));
        assertEquals(0x4000, rig.state().pfaultToken(0));
    }

    @Test
    @DisplayName("DIAG 0x308 R3 = 3 / 4: KVM_EXIT_S390_RESET with flags 0x1E / 0x1C, no return (diag.c __diag_ipl_functions)")
    void iplLoadClearAndNormal() {
        long[][] cases = {{3, 0x1E}, {4, 0x1C}, {0x10003, 0x1E}};
        for (long[] c : cases) {
            Rig rig = Rig.of(1);
            rig.regs().set(3, c[0]);
            TrapResult t = rig.trap("diag %r2,%r3,0x308");
            assertEquals(Outcome.EXIT_TO_HOST, t.outcome(), "subcode 0x" + Long.toHexString(c[0]));
            assertEquals(new Exit.S390Reset(c[1]), t.exit()); // diag.c __diag_ipl_functions: s390_reset_flags
            // the intercept already moved the PSW past the DIAG; the VMM's reset then loads a new one
            assertEquals(Rig.PC + 4, rig.regs().pc(), "KVM's PSW at the exit");
        }
    }

    @Test
    @DisplayName("DIAG 0x308 subcodes 2, 0x101, 0xFFFF, 0x10001, -1 are specification (QEMU diag.c handle_diag_308; kvm-unit-tests diag308.c)")
    void iplBadSubcodes() {
        for (long sub : new long[] {2, 0x101, 0xFFFF, 0x10001, -1, 7, 8, 10}) {
            Rig rig = Rig.of(1);
            rig.regs().set(3, sub);
            assertSpec(rig, rig.trap("diag %r2,%r3,0x308"));
        }
    }

    @Test
    @DisplayName("DIAG 0x308 5/6 with odd R1 or address 54321 are specification (QEMU diag308_parm_check)")
    void iplParmCheck() {
        Rig rig = Rig.of(1);
        rig.regs().set(6, 5);
        rig.regs().set(9, 0x4000);
        assertSpec(rig, rig.trap("diag 9,6,0x308"));
        rig = Rig.of(1);
        rig.regs().set(6, 6);
        rig.regs().set(2, 54321);
        assertSpec(rig, rig.trap("diag %r2,%r6,0x308"));
    }

    @Test
    @DisplayName("DIAG 0x308 STORE without a block: 0x0102; SET a CCW block (len 200): 0x0001; STORE gives it back (QEMU handle_diag_308)")
    void iplSetAndStore() {
        Rig rig = Rig.of(VmConfig.builder("s390").memory(0, 0x20000));
        rig.regs().set(2, 0x6000);
        rig.regs().set(4, 6);
        rig.trap("diag %r2,%r4,0x308");
        assertEquals(0x0102, rig.regs().get(3));
        rig.write(0x4000, 4, 200);
        rig.write(0x4000 + 12, 1, 2);
        rig.write(0x4000 + 100, 8, 0x5A5A);
        rig.regs().set(2, 0x4000);
        rig.regs().set(4, 5);
        rig.trap("diag %r2,%r4,0x308");
        assertEquals(0x0001, rig.regs().get(3));
        rig.regs().set(2, 0x6000);
        rig.regs().set(4, 6);
        rig.trap("diag %r2,%r4,0x308");
        assertEquals(0x0001, rig.regs().get(3));
        assertEquals(0x5A5A, rig.read(0x6000 + 100, 8));
        rig.write(0x4000, 4, 199);
        rig.regs().set(2, 0x4000);
        rig.regs().set(4, 5);
        rig.trap("diag %r2,%r4,0x308");
        assertEquals(0x0402, rig.regs().get(3), "a CCW block shorter than 200 bytes is invalid");
    }

    @Test
    @DisplayName("DIAG 0x308 subcode 10 with unpack: no PV configuration 0x0902 in GPR[R1+1]; R1 = 15 never reaches the PSW (QEMU handle_diag_308)")
    void iplPvStart() {
        Rig rig = Rig.of(VmConfig.builder("s390").feature("unpack", true));
        rig.regs().set(3, 10);
        rig.trap("diag %r4,%r3,0x308");
        assertEquals(0x0902, rig.regs().get(5));
        rig = Rig.of(VmConfig.builder("s390").feature("unpack", true));
        rig.regs().set(3, 10);
        long pswm = rig.regs().get(S390Registers.PSWM);
        assertSpec(rig, rig.trap("diag %r15,%r3,0x308"));
        assertEquals(pswm, rig.regs().get(S390Registers.PSWM));
    }

    @Test
    @DisplayName("DIAG 0x308 subcode 0 resets the machine (QEMU s390_ipl_reset_request)")
    void iplReset() {
        Rig rig = Rig.of(2);
        rig.regs().set(3, 0);
        TrapResult t = rig.trap("diag %r2,%r3,0x308");
        assertEquals(Outcome.EXIT_TO_HOST, t.outcome());
        assertEquals(new Exit.SystemEvent(SystemEventType.RESET), t.exit());
    }

    @Test
    @DisplayName("DIAG 0x288: odd R1, timeout 14, action 42, function 42, cancel before init are specification; init 15 s works (wdt_diag288.c)")
    void watchdog() {
        VmConfig.Builder cfg = VmConfig.builder("s390").feature("diag288", true);
        Rig rig = Rig.of(cfg);
        assertSpec(rig, rig.trap("diag 1,2,0x288"));
        long[][] specs = {{0, 14, 0}, {0, 15, 42}, {42, 15, 0}, {2, 0, 0}};
        for (long[] c : specs) {
            rig = Rig.of(cfg);
            rig.regs().set(2, c[0]);
            rig.regs().set(3, c[1]);
            rig.regs().set(4, c[2]);
            assertSpec(rig, rig.trap("diag %r2,%r4,0x288"));
        }
        rig = Rig.of(cfg);
        rig.regs().set(2, 0);
        rig.regs().set(3, 15);
        rig.regs().set(4, 0);
        long[] before = rig.regs().snapshot();
        TrapResult t = rig.trap("diag %r2,%r4,0x288");
        assertEquals(Outcome.RESUME, t.outcome());
        assertArrayEquals(before, rig.regs().snapshot());
        assertTrue(rig.state().watchdogArmed());
        rig.regs().set(2, 2);
        rig.trap("diag %r2,%r4,0x288");
        assertFalse(rig.state().watchdogArmed());
    }

    @Test
    @DisplayName("DIAG 0x288 without the diag288 device is specification (QEMU handle_diag_288: no watchdog object)")
    void watchdogAbsent() {
        Rig rig = Rig.of(1);
        rig.regs().set(3, 15);
        TrapResult t = rig.trap("diag %r2,%r4,0x288");
        assertSpec(rig, t);
        assertEquals("DIAG_TIMEREVENT", t.callName());
    }

    @Test
    @DisplayName("DIAG 0x318 sets the control-program code; without the diag318 facility it is specification (QEMU handle_diag_318)")
    void diag318() {
        Rig rig = Rig.of(1);
        rig.regs().set(1, 0x0400_0000_0000_0001L);
        rig.trap("diag %r1,%r0,0x318");
        assertEquals(0x0400_0000_0000_0001L, rig.state().diag318Info());
        Rig off = Rig.of(VmConfig.builder("s390").feature("diag318", false));
        assertSpec(off, off.trap("diag %r1,%r0,0x318"));
    }

    @Test
    @DisplayName("DIAG 0x501: operation exception without a debugger, KVM_EXIT_DEBUG with one (QEMU kvm.c handle_sw_breakpoint)")
    void breakpoint() {
        Rig rig = Rig.of(1);
        TrapResult t = rig.trap("diag %r0,%r0,0x501");
        assertProgram(rig, t, 1);
        assertEquals(Status.NOT_SUPPORTED, t.status());
        Rig dbg = Rig.of(VmConfig.builder("s390").feature("sw-breakpoints", true));
        t = dbg.trap("diag %r0,%r0,0x501");
        assertEquals(Outcome.EXIT_TO_HOST, t.outcome());
        assertEquals(new Exit.Debug(Rig.PC), t.exit());
    }

    @Test
    @DisplayName("an unknown function code (0x9 and 0x204) is specification (QEMU kvm.c handle_diag default)")
    void unknownCode() {
        for (String insn : new String[] {"diag %r0,%r0,0x204", "diag %r0,%r0,0x3", "diag %r0,%r0,0xfff"}) {
            Rig rig = Rig.of(1);
            TrapResult t = rig.trap(insn);
            assertSpec(rig, t);
            assertEquals(Status.NOT_IMPLEMENTED, t.status());
            assertNull(t.exit());
        }
    }

    @Test
    @DisplayName("a program new PSW in the lowcore is loaded: the guest resumes in its handler (interrupt.c __deliver_prog)")
    void programNewPsw() {
        Rig rig = Rig.of(1);
        rig.write(0x1D0, 8, S390Registers.PSW_MASK_RESET);
        rig.write(0x1D8, 8, 0x3000);
        rig.regs().set(1, 9);
        long r2 = rig.regs().get(2);
        TrapResult t = rig.trap("diag %r2,%r4,0x500");
        assertEquals(Outcome.INTERRUPTED, t.outcome());
        assertEquals(new Fault.S390(Fault.S390.SPECIFICATION, 2, Rig.PC + 4), t.fault());
        assertEquals(r2, rig.regs().get(2), "a program interruption writes no result register");
        assertEquals(0x3000, rig.regs().pc());
        assertEquals(0x3000, t.nextPc());
        assertEquals(6, rig.read(0x8E, 2));
        assertEquals(Status.NOT_IMPLEMENTED, t.status());
    }

    @Test
    @DisplayName("userspace=exit: codes KVM leaves to userspace exit with KVM_EXIT_S390_SIEIC, icptcode 4, ipa, ipb (kvm-s390.c, diag.c -EOPNOTSUPP)")
    void userspaceExit() {
        VmConfig.Builder cfg = VmConfig.builder("s390").vcpus(2).option("userspace", "exit");
        String[] toUser = {"diag %r1,%r2,0x288", "diag %r1,%r0,0x318", "diag %r0,%r0,0x501", "diag %r0,%r0,0x204"};
        for (String insn : toUser) {
            Rig rig = Rig.of(cfg);
            rig.regs().set(2, R2_MARK);
            TrapResult t = rig.trap(insn);
            assertEquals(Outcome.EXIT_TO_HOST, t.outcome(), insn);
            assertEquals(ExitReason.S390_SIEIC, t.exit().reason());
            assertEquals(4, ((Exit.S390Sieic) t.exit()).icptcode(), "interception code 4: instruction");
            assertEquals(R2_MARK, rig.regs().get(2));
        }
        Rig rig = Rig.of(cfg);
        TrapResult t = rig.trap("diag %r1,%r2,0x288");
        assertEquals(new Exit.S390Sieic(4, 0x8312, 0x0288_0000L), t.exit(), "icptcode, ipa, ipb");
        assertEquals(Rig.PC + 4, rig.regs().pc(), "KVM's PSW at the exit is past the DIAG (SIE moved it; QEMU never does)");
        rig.vm.completeExit(0, rig.regs(), rig.m.memory(), 0);
        assertEquals(Rig.PC + 4, rig.regs().pc(), "the next KVM_RUN continues there, not one instruction further");
        assertEquals(0x288, t.number());
        // the kernel's own codes stay in the kernel
        rig = Rig.of(cfg);
        assertEquals(Outcome.YIELD, rig.trap("diag %r0,%r0,0x44").outcome());
        rig.regs().set(3, 0x10003);
        assertEquals(ExitReason.S390_RESET, rig.trap("diag %r2,%r3,0x308").exit().reason());
        rig = Rig.of(cfg);
        rig.regs().set(3, 5);
        assertEquals(ExitReason.S390_SIEIC, rig.trap("diag %r2,%r3,0x308").exit().reason(), "0x308 subcode 5 is QEMU's");
        rig = Rig.of(cfg);
        rig.regs().set(1, 4);
        assertEquals(ExitReason.S390_SIEIC, rig.trap("diag %r2,%r4,0x500").exit().reason(), "0x500 subcode 4 is QEMU's");
        rig = Rig.of(cfg);
        block(rig, 0x3000, 0x258, 2, 5, 2, 0, 0, 0, 0);
        rig.regs().set(2, 0x3000);
        assertEquals(ExitReason.S390_SIEIC, rig.trap("diag %r2,%r3,0x258").exit().reason(), "0x258 subcode 2 goes to userspace");
    }

    @Test
    @DisplayName("userspace=exit: subcode 3 with a matching ioeventfd stays in KVM and returns the cookie (diag.c __diag_virtio_hypercall)")
    void userspaceExitFastPath() {
        Rig rig = Rig.of(VmConfig.builder("s390").option("userspace", "exit"));
        rig.state().virtioSink(new VirtioNotifySink() {
            @Override
            public int ioeventfd(int vcpu, long schid, long data, long cookie) {
                return schid == 0x0001_0007L ? 5 : -1;
            }

            @Override
            public boolean queueNotify(int vcpu, int m, int cssid, int ssid, int schno, int queue, long data) {
                return true;
            }
        });
        rig.regs().set(1, 3);
        rig.regs().set(2, 0x0001_0007L);
        TrapResult t = rig.trap("diag %r2,%r4,0x500");
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals(5, rig.regs().get(2));
        rig.regs().set(2, 0x0001_0008L);
        assertEquals(ExitReason.S390_SIEIC, rig.trap("diag %r2,%r4,0x500").exit().reason(), "no ioeventfd: QEMU must handle it");
    }

    @Test
    @DisplayName("program-interruptions=report leaves the lowcore alone and reports the FAULT")
    void reportOnly() {
        Rig rig = Rig.of(VmConfig.builder("s390").option("program-interruptions", "report"));
        rig.regs().set(1, 9);
        TrapResult t = rig.trap("diag %r2,%r4,0x500");
        assertEquals(Outcome.FAULT, t.outcome());
        assertEquals(0, rig.read(0x8E, 2));
        assertEquals(new Fault.S390(Fault.S390.SPECIFICATION, 2, Rig.PC + 4), t.fault());
    }
}
