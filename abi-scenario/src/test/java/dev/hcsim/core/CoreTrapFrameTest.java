package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.Trap;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The core's trap frame ({@code spi.Trap}) applying each rule of a trap contract, through {@link Vm#trap} and
 * {@link Vm#completeExit} of a {@link ProbeArchitecture}. The contracts are the kernel's: x86's
 * {@code kvm_emulate_hypercall} (arch/x86/kvm/x86.c: rax = nr and ret, a0..a3 in rbx, rcx, rdx, rsi, all cut to 32 bits
 * when {@code !op_64_bit}, unset registers unchanged) and arm64's SMCCC ({@code arch/arm64/kvm/hypercalls.c}: a 32-bit
 * function ID from x0, {@code smccc_set_retval} writing x0..x3, zero where the call sets nothing).
 */
class CoreTrapFrameTest {
    private static final long PC = 0x100;

    /** x86's contract over the probe registers: nr/ret in r0, a0..a3 in r1..r4, 32-bit mode cuts both ways. */
    private static final TrapContract X86 = TrapContract.builder(ProbeArchitecture.LAYOUT).number("r0", 64).arguments("r1", "r2", "r3", "r4")
            .results("r0").narrow(true, true, "kvm_emulate_hypercall: !op_64_bit").build();

    /** arm64's SMCCC contract: a 32-bit function ID in r0, arguments r1..r3, results r0..r3, unset results zeroed. */
    private static final TrapContract SMCCC = TrapContract.builder(ProbeArchitecture.LAYOUT).number("r0", 32).arguments("r1", "r2", "r3")
            .results("r0", "r1", "r2", "r3").unsetResults(TrapContract.UnsetResults.ZEROED).build();

    /** include/linux/arm-smccc.h: SMCCC_RET_SUCCESS 0, SMCCC_RET_NOT_SUPPORTED -1, SMCCC_RET_INVALID_PARAMETER -3. */
    private static final StatusCodec SMCCC_RET = StatusCodec.builder("SMCCC_RET_*").code(Status.SUCCESS, 0, "SMCCC_RET_SUCCESS")
            .code(Status.NOT_IMPLEMENTED, -1, "SMCCC_RET_NOT_SUPPORTED").code(Status.INVALID_PARAMETER, -3, "SMCCC_RET_INVALID_PARAMETER").build();

    /** include/uapi/linux/psci.h: PSCI_RET_NOT_SUPPORTED -1, PSCI_RET_INVALID_PARAMS -2, PSCI_RET_ALREADY_ON -4. */
    private static final StatusCodec PSCI_RET = StatusCodec.builder("PSCI_RET_*").code(Status.SUCCESS, 0, "PSCI_RET_SUCCESS")
            .code(Status.NOT_SUPPORTED, -1, "PSCI_RET_NOT_SUPPORTED").code(Status.INVALID_PARAMETER, -2, "PSCI_RET_INVALID_PARAMS")
            .code(Status.ALREADY_ON, -4, "PSCI_RET_ALREADY_ON").build();

    /** One VM of a probe architecture with its memory (0..0xfff, a trap instruction at 0x100) and vCPU 0's registers. */
    private record Rig(Vm vm, SparseMemory mem, RegisterFile regs, EffectLog log) {
        TrapResult trap(long... r0ToR7) {
            regs.pc(PC);
            for (int i = 0; i < r0ToR7.length; i++) {
                regs.set(i, r0ToR7[i]);
            }
            return vm.trap(0, regs, mem, log);
        }

        Trap frame() {
            return dev.hcsim.core.engine.Engine.context(vm).frame(0);
        }
    }

    private static Rig rig(TrapContract contract, StatusCodec codec, List<HypercallSpec> calls, Consumer<Trap> gate) {
        Vm vm = new ProbeArchitecture(contract, codec, calls, gate).vm(2, false);
        SparseMemory mem = new SparseMemory(List.of(new MemoryRegion(0, 0x1000)));
        mem.write(PC, new byte[] {1, 0}, 0, 2);
        return new Rig(vm, mem, new RegisterFile(ProbeArchitecture.LAYOUT), new EffectLog(2));
    }

    private static Rig rig(TrapContract contract, StatusCodec codec, HypercallSpec... calls) {
        return rig(contract, codec, List.of(calls), ProbeArchitecture.DISPATCH);
    }

    private static HypercallSpec call(long nr, dev.hcsim.core.spi.HypercallHandler h) {
        return HypercallSpec.builder(nr, "CALL_" + Long.toHexString(nr), h).build();
    }

    // ---------------------------------------------------------------- reading the call

    @Test
    @DisplayName("32-bit mode of a contract that cuts: the number and a0..a3 are cut to their low 32 bits, the result is cut and zero-extended "
            + "(kvm_emulate_hypercall: if (!op_64_bit) nr &= 0xFFFFFFFF, a0..a3 likewise; ret = (u32)ret)")
    void narrowCallCutsNumberArgumentsAndResult() {
        long[] seen = new long[4];
        Rig r = rig(X86, KvmErrno.CODEC, call(5, t -> {
            for (int i = 0; i < 4; i++) {
                seen[i] = t.arg(i);
            }
            t.ok(-2);
        }));
        qt().withExamples(200).forAll(longs().all(), longs().all()).checkAssert((hi, lo) -> {
            long a = hi ^ (lo << 17);
            TrapResult res = r.trap(0xABCD_0000_0000_0005L, hi, lo, a, -1, 0, 0, 1);
            assertTrue(res.narrow());
            assertEquals(5, res.number());
            assertEquals("CALL_5", res.callName());
            assertArrayEquals(new long[] {hi & 0xFFFF_FFFFL, lo & 0xFFFF_FFFFL, a & 0xFFFF_FFFFL, 0xFFFF_FFFFL}, seen);
            assertEquals(0xFFFF_FFFEL, r.regs().get(0), "ret = (u32)ret");
        });
        TrapResult wide = r.trap(5, 0x1_0000_0001L, 0, 0, 0, 0, 0, 0);
        assertFalse(wide.narrow());
        assertEquals(0x1_0000_0001L, seen[0], "64-bit mode reads whole registers");
        assertEquals(-2, r.regs().get(0), "and writes the whole result");
        TrapResult unknown = r.trap(0x1_0000_0005L, 0, 0, 0, 0, 0, 0, 0);
        assertEquals(0x1_0000_0005L, unknown.number(), "64-bit mode compares all 64 bits of the number");
        assertEquals(Status.NOT_IMPLEMENTED, unknown.status());
        r.trap(0x1_0000_0007L, 0, 0, 0, 0, 0, 0, 1);
        assertEquals(0xFFFF_FC18L, r.regs().get(0), "-KVM_ENOSYS cut to 32 bits in 32-bit mode");
    }

    @Test
    @DisplayName("32-bit mode of a contract that does not cut (SMCCC): whole arguments reach the handler; a 32-bit number field compares "
            + "only the low 32 bits in either mode (smccc_get_function returns u32)")
    void thirtyTwoBitNumberField() {
        long[] seen = new long[1];
        Rig r = rig(SMCCC, SMCCC_RET, call(0x8400_0000L, t -> {
            seen[0] = t.arg(0);
            t.ok(1);
        }));
        TrapResult res = r.trap(0xFFFF_FFFF_8400_0000L, 0x1234_5678_9ABC_DEF0L, 0, 0, 0, 0, 0, 1);
        assertEquals(0x8400_0000L, res.number());
        assertEquals(Status.SUCCESS, res.status());
        assertEquals(0x1234_5678_9ABC_DEF0L, seen[0]);
        res = r.trap(0x7777_7777_8400_0000L, 3, 0, 0, 0, 0, 0, 0, 0);
        assertEquals("CALL_84000000", res.callName());
        assertEquals(3, seen[0]);
    }

    // ---------------------------------------------------------------- writing the results

    @Test
    @DisplayName("SMCCC: result registers a call does not set are zeroed (smccc_set_retval(vcpu, val, 0, 0, 0)); the status goes to x0 unless "
            + "the call wrote x0 itself; other registers are kept")
    void unsetResultsZeroed() {
        Rig r = rig(SMCCC, SMCCC_RET, call(1, t -> t.ok(7)), call(2, t -> {
            t.result(2, 9);
            t.ok();
        }), call(3, t -> t.fail(Status.INVALID_PARAMETER)), call(4, t -> {
            t.result(0, 0x55);
            t.result(3, 0x66);
            t.status(Status.SUCCESS);
        }));
        r.trap(1, 11, 12, 13, 14, 15, 16, 0);
        assertArrayEquals(new long[] {7, 0, 0, 0, 14, 15, 16}, regs(r, 7));
        r.trap(2, 11, 12, 13, 14);
        assertArrayEquals(new long[] {0, 0, 9, 0, 14}, regs(r, 5));
        r.trap(3, 11, 12, 13);
        assertArrayEquals(new long[] {-3, 0, 0, 0}, regs(r, 4));
        r.trap(4, 11, 12, 13);
        assertArrayEquals(new long[] {0x55, 0, 0, 0x66}, regs(r, 4));
        // arch/arm64/kvm/hypercalls.c kvm_smccc_call_handler: u64 val[4] = {SMCCC_RET_NOT_SUPPORTED}; for an unknown ID
        TrapResult unknown = r.trap(0xC600_0000L, 11, 12, 13);
        assertArrayEquals(new long[] {-1, 0, 0, 0}, regs(r, 4));
        assertEquals("SMCCC_RET_NOT_SUPPORTED", unknown.statusName());
        assertNull(unknown.callName());
    }

    @Test
    @DisplayName("x86: registers other than the result are unchanged by a call (kvm_emulate_hypercall writes only rax); the PC moves past the trap")
    void unsetResultsUnchanged() {
        Rig r = rig(X86, KvmErrno.CODEC, call(1, t -> t.ok(3)), call(2, t -> {
            t.result(0, 0x99);
            t.fail(Status.INVALID_PARAMETER);
        }), call(3, t -> {
            t.result(0, 0x42);
            t.status(Status.NOT_SUPPORTED);
        }));
        TrapResult res = r.trap(1, 11, 12, 13, 14, 15, 16, 0);
        assertArrayEquals(new long[] {3, 11, 12, 13, 14, 15, 16, 0}, regs(r, 8));
        assertEquals(PC + 2, r.regs().pc(), "kvm_skip_emulated_instruction");
        assertEquals(PC + 2, res.nextPc());
        assertEquals(2, res.instructionLength());
        assertEquals("0", res.statusName());
        res = r.trap(2, 11);
        assertEquals(-22, r.regs().get(0), "fail() after result 0: the status is what the guest sees");
        assertEquals("-KVM_EINVAL", res.statusName());
        res = r.trap(3, 11);
        assertEquals(0x42, r.regs().get(0), "status() keeps the result the handler wrote");
        assertEquals(Status.NOT_SUPPORTED, res.status());
    }

    private static long[] regs(Rig r, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.regs().get(i);
        }
        return out;
    }

    @Test
    @DisplayName("a call whose feature is off answers NOT_IMPLEMENTED under its own name (KVM_HC_* behind a KVM_FEATURE_* bit: -KVM_ENOSYS); "
            + "an unlisted number has no name")
    void gatedAndUnknownCalls() {
        boolean[] ran = {false};
        HypercallSpec gated = HypercallSpec.builder(9, "GATED", t -> {
            ran[0] = true;
            t.ok(1);
        }).feature("gated").build();
        Rig r = rig(X86, KvmErrno.CODEC, gated);
        TrapResult res = r.trap(9);
        assertEquals(Status.NOT_IMPLEMENTED, res.status());
        assertEquals("GATED", res.callName());
        assertEquals(-1000, r.regs().get(0));
        assertFalse(ran[0], "the handler of a call that is not offered does not run");
        assertSame(gated, r.frame().spec());
        res = r.trap(10);
        assertNull(res.callName());
        assertNull(r.frame().spec());
        assertEquals("-KVM_ENOSYS", res.statusName());
        assertEquals(10, res.number());
        assertEquals(PC + 2, r.regs().pc());
    }

    @Test
    @DisplayName("a guest address the handler cannot reach answers FAULT (kvm_pv_clock_pairing: kvm_write_guest fails, ret = -KVM_EFAULT); "
            + "the result the handler wrote before is dropped")
    void guestFaultBecomesFaultStatus() {
        Rig r = rig(X86, KvmErrno.CODEC, call(9, t -> {
            t.result(0, 5);
            t.memory().write(0x10_0000, 8, 1);
            t.ok(0);
        }));
        TrapResult res = r.trap(9, 0x10_0000);
        assertEquals(Status.FAULT, res.status());
        assertEquals(-14, r.regs().get(0));
        assertEquals(PC + 2, r.regs().pc());
    }

    @Test
    @DisplayName("a call family's own codec encodes this call only (PSCI_RET_* in x0, arch/arm64/kvm/psci.c); the next call is encoded by the architecture's")
    void familyCodecForOneCall() {
        Rig r = rig(SMCCC, SMCCC_RET, call(0x8400_0001L, t -> {
            t.codec(PSCI_RET);
            t.fail(Status.ALREADY_ON);
        }), call(0x8400_0002L, t -> {
            assertSame(SMCCC_RET, t.codec(), "a fresh trap starts with the architecture's codec");
            t.fail(Status.NOT_IMPLEMENTED);
        }));
        TrapResult res = r.trap(0x8400_0001L);
        assertEquals(-4, r.regs().get(0));
        assertEquals("PSCI_RET_ALREADY_ON", res.statusName());
        res = r.trap(0x8400_0002L);
        assertEquals(-1, r.regs().get(0));
        assertEquals("SMCCC_RET_NOT_SUPPORTED", res.statusName());
    }

    @Test
    @DisplayName("a rejected call (a privilege check before dispatch: kvm_emulate_hypercall's CPL != 0 gives -KVM_EPERM) writes the status and moves the PC")
    void rejectWritesStatusAndMovesPc() {
        Rig r = rig(X86, KvmErrno.CODEC, List.of(call(1, t -> t.ok(0))), t -> {
            t.instructionLength(3);
            t.reject(Status.PERMISSION);
        });
        TrapResult res = r.trap(1, 7);
        assertEquals(Outcome.RESUME, res.outcome());
        assertEquals(-1, r.regs().get(0));
        assertEquals(7, r.regs().get(1));
        assertEquals(PC + 3, r.regs().pc());
        assertEquals("-KVM_EPERM", res.statusName());
        assertNull(res.callName(), "nothing was dispatched");
        assertFalse(r.frame().dispatched());
    }

    @Test
    @DisplayName("resumeAt: the PC goes where the call says (PSCI CPU_SUSPEND's entry, an H_CEDE return), not past the trap")
    void resumeAtSetsThePc() {
        Rig r = rig(X86, KvmErrno.CODEC, call(1, t -> {
            t.resumeAt(0x800);
            t.ok(0);
        }), call(2, t -> t.ok(0)));
        TrapResult res = r.trap(1);
        assertEquals(0x800, r.regs().pc());
        assertEquals(0x800, res.nextPc());
        r.trap(2);
        assertEquals(PC + 2, r.regs().pc(), "the next trap moves past the trap again");
    }

    // ---------------------------------------------------------------- what is not a completed call

    @Test
    @DisplayName("a fault at the trap gate changes no register and leaves the PC at the trap; its detail is the fault with the gate's note")
    void faultChangesNothing() {
        Rig r = rig(X86, KvmErrno.CODEC, call(1, t -> t.ok(0)));
        r.mem().write(PC, new byte[] {1, 1}, 0, 2);
        TrapResult res = r.trap(1, 2, 3);
        assertEquals(Outcome.FAULT, res.outcome());
        assertEquals(Fault.X86.ud(PC), res.fault());
        assertArrayEquals(new long[] {1, 2, 3}, regs(r, 3));
        assertEquals(PC, r.regs().pc());
        assertEquals(PC, res.nextPc());
        assertNull(res.status());
        assertNull(res.statusName());
        assertEquals("#UD (not a trap instruction)", r.frame().faultDetail());
        assertEquals("not a trap instruction", r.frame().why());
        assertFalse(r.frame().dispatched());
        // the next trap starts clean: no fault, no note
        r.mem().write(PC, new byte[] {1, 0}, 0, 2);
        res = r.trap(1);
        assertNull(res.fault());
        assertNull(r.frame().why());
        assertNull(r.frame().faultDetail());
        assertTrue(r.frame().dispatched());
    }

    @Test
    @DisplayName("an interruption delivered to the guest's handler, and a non-hypercall, write no result; resumeAt still gives the next PC")
    void interruptedAndNotAHypercall() {
        Fault gp = Fault.X86.gp(0, PC);
        Rig r = rig(X86, KvmErrno.CODEC, List.of(), t -> {
            long sel = t.registers().get(1);
            if (sel == 1) {
                t.interrupted(gp, "delivered");
                t.resumeAt(0x400);
            } else if (sel == 2) {
                t.notAHypercall(null, "a system call");
            } else {
                t.notAHypercall(gp, null);
            }
            t.complete();
        });
        TrapResult res = r.trap(5, 1);
        assertEquals(Outcome.INTERRUPTED, res.outcome());
        assertEquals(0x400, res.nextPc());
        assertEquals(5, r.regs().get(0));
        assertEquals(gp, res.fault());
        assertEquals("#GP(0) (delivered)", r.frame().faultDetail());
        res = r.trap(5, 2);
        assertEquals(Outcome.NOT_A_HYPERCALL, res.outcome());
        assertNull(res.fault());
        assertEquals("a system call", r.frame().faultDetail());
        assertEquals(PC, res.nextPc());
        res = r.trap(5, 3);
        assertEquals(gp, res.fault());
        assertEquals(gp.toString(), r.frame().faultDetail());
    }

    @Test
    @DisplayName("halt, yield and power-off are outcomes after a completed call; the yield target is the call's and reset by the next trap")
    void schedulingOutcomes() {
        Rig r = rig(X86, KvmErrno.CODEC, call(1, t -> {
            t.halt();
            t.ok(0);
        }), call(2, t -> {
            t.yieldTo((int) t.arg(0));
            t.ok(0);
        }), call(3, t -> {
            t.stop();
            t.ok(0);
        }), call(4, t -> t.ok(0)));
        assertEquals(Outcome.HALT, r.trap(1).outcome());
        assertEquals(PC + 2, r.regs().pc(), "results and PC are written before the vCPU waits");
        TrapResult y = r.trap(2, 1);
        assertEquals(Outcome.YIELD, y.outcome());
        assertEquals(1, y.yieldTarget());
        assertEquals(Outcome.STOP, r.trap(3).outcome());
        TrapResult plain = r.trap(4);
        assertEquals(Outcome.RESUME, plain.outcome());
        assertEquals(-1, plain.yieldTarget());
    }

    // ---------------------------------------------------------------- exits

    @Test
    @DisplayName("an exit leaves the registers as the kernel left them; re-entry without a completion writes the host's ret to the result and "
            + "moves the PC (complete_hypercall_exit: kvm_rax_write(ret), kvm_skip_emulated_instruction)")
    void exitCompletedByHostReturn() {
        Rig r = rig(X86, KvmErrno.CODEC, call(12, t -> t.exitToHost(new Exit.Hypercall(12, new long[] {t.arg(0), t.arg(1), 0, 0, 0, 0}, 0, 0), null)));
        TrapResult res = r.trap(12, 0x1000, 3);
        assertEquals(Outcome.EXIT_TO_HOST, res.outcome());
        assertEquals(12, r.regs().get(0), "nothing written before the host answers");
        assertEquals(PC, r.regs().pc());
        assertEquals(PC, res.nextPc());
        TrapResult done = r.vm().completeExit(0, r.regs(), r.mem(), -22);
        assertEquals(Outcome.RESUME, done.outcome());
        assertNull(done.exit(), "the exit is answered");
        assertEquals(-22, r.regs().get(0));
        assertEquals(3, r.regs().get(2));
        assertEquals(PC + 2, r.regs().pc());
        assertEquals(Status.SUCCESS, done.status());
    }

    @Test
    @DisplayName("re-entry with a completion: it sees the exit as the host answered it (ret filled in), and 32-bit mode cuts what it writes")
    void exitCompletedByItsCompletion() {
        List<Exit> answers = new ArrayList<>();
        Rig r = rig(X86, KvmErrno.CODEC, call(12, t -> t.exitToHost(new Exit.Hypercall(12, new long[] {1, 2, 3, 0, 0, 0}, 0, 0), (tt, ret) -> {
            answers.add(tt.answer());
            tt.ok(ret + 1);
        })));
        r.trap(12, 0, 0, 0, 0, 0, 0, 1);
        r.vm().completeExit(0, r.regs(), r.mem(), -1);
        assertEquals(List.of(new Exit.Hypercall(12, new long[] {1, 2, 3, 0, 0, 0}, -1, 0)), answers);
        assertEquals(0, r.regs().get(0), "(u32)(-1 + 1)");
        r.trap(12, 0, 0, 0, 0, 0, 0, 1);
        r.vm().completeExit(0, r.regs(), r.mem(), new Exit.Hypercall(12, new long[] {1, 2, 3, 0, 0, 0}, 0x1_0000_0004L, 0));
        assertEquals(0x1_0000_0004L, ((Exit.Hypercall) answers.get(1)).ret());
        assertEquals(5, r.regs().get(0), "cut to 32 bits in 32-bit mode");
        assertEquals(PC + 2, r.regs().pc());
    }

    // ---------------------------------------------------------------- the instruction bytes

    @Test
    @DisplayName("the fetch takes as many bytes as memory has up to the codec's longest instruction, none when fewer than its shortest are readable")
    void fetchStopsAtTheEndOfMemory() {
        int[] fetched = new int[1];
        long[] word = new long[1];
        Rig r = rig(X86, KvmErrno.CODEC, List.of(), t -> {
            fetched[0] = t.fetchedLength();
            word[0] = fetched[0] >= 2 ? t.insnWord(2) : -1;
            t.notAHypercall(null, null);
        });
        r.mem().write(0xFFC, new byte[] {0x11, 0x22, 0x33, 0x44}, 0, 4);
        for (long pc : new long[] {0x100, 0xFF8, 0xFFC, 0xFFE, 0xFFF}) {
            r.regs().pc(pc);
            r.vm().trap(0, r.regs(), r.mem(), r.log());
            long expected = Math.min(8, 0x1000 - pc);
            assertEquals(expected < 2 ? 0 : expected, fetched[0], "at 0x" + Long.toHexString(pc));
        }
        r.regs().pc(0xFFC);
        r.vm().trap(0, r.regs(), r.mem(), r.log());
        assertEquals(0x2211, word[0], "little-endian word of the first two bytes");
        assertEquals(0x11, r.frame().insnByte(0));
        assertEquals(0x44, r.frame().insnByte(3));
        assertEquals(0, r.frame().insnByte(4), "past the fetched bytes");
        assertArrayEquals(new byte[] {0x11, 0x22, 0x33, 0x44}, r.frame().instructionBytes());
    }

    @Test
    @DisplayName("insnWord reads the instruction bytes in the VM's byte order: big-endian on a big-endian VM (s390's and ppc's "
            + "instruction words: PoP's big-endian storage, Power ISA's BE mode), little-endian otherwise")
    void insnWordFollowsTheVmsByteOrder() {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            long[] word = new long[2];
            Vm vm = new ProbeArchitecture(X86, KvmErrno.CODEC, List.of(), t -> {
                word[0] = t.insnWord(2);
                word[1] = t.insnWord(4);
                t.notAHypercall(null, null);
            }).order(order).vm(1, false);
            SparseMemory mem = new SparseMemory(List.of(new MemoryRegion(0, 0x1000)));
            mem.write(PC, new byte[] {0x11, 0x22, 0x33, 0x44}, 0, 4);
            RegisterFile regs = new RegisterFile(ProbeArchitecture.LAYOUT);
            regs.pc(PC);
            vm.trap(0, regs, mem, new EffectLog(1));
            boolean be = order == ByteOrder.BIG_ENDIAN;
            assertEquals(be ? 0x1122 : 0x2211, word[0], order.toString());
            assertEquals(be ? 0x11223344L : 0x44332211L, word[1], order.toString());
        }
    }

    @Test
    @DisplayName("instruction bytes the embedder passes are the ones decoded (at most 16), not memory's")
    void givenInstructionBytes() {
        Rig r = rig(X86, KvmErrno.CODEC, call(1, t -> t.ok(6)));
        r.mem().write(PC, new byte[] {2, 0}, 0, 2);
        r.regs().pc(PC);
        r.regs().set(0, 1);
        TrapResult res = r.vm().trap(0, r.regs(), r.mem(), r.log(), new byte[] {1, 0});
        assertEquals(Outcome.RESUME, res.outcome());
        assertEquals(6, r.regs().get(0));
        byte[] many = new byte[20];
        many[0] = 1;
        many[19] = 7;
        r.regs().pc(PC);
        r.regs().set(0, 1);
        r.vm().trap(0, r.regs(), r.mem(), r.log(), many);
        assertEquals(2, r.frame().instructionLength());
        assertEquals(0, r.frame().insnByte(2), "past the decoded instruction's 2 bytes");
    }

    // ---------------------------------------------------------------- handlers that set their status in other ways

    @Test
    @DisplayName("a handler that writes result 0 itself (a UID, a feature bitmap: smccc_set_retval's val[0]) succeeded; one that sets neither a "
            + "status nor result 0 is refused, unless its trap ended in an exit, a fault or an interruption")
    void statusLessHandlers() {
        Rig r = rig(SMCCC, SMCCC_RET, call(1, t -> t.result(0, 0x1234)), call(2, t -> t.result(1, 7)),
                call(3, t -> t.fault(Fault.X86.gp(0, t.pc()), "bad argument")), call(4, t -> {
                    t.registers().pc(0x800);
                    t.interrupted(Fault.X86.gp(0, t.pc()), "delivered");
                }), call(5, t -> t.notAHypercall(null, "not for KVM")));
        TrapResult res = r.trap(1, 9, 9, 9);
        assertEquals(Status.SUCCESS, res.status());
        assertArrayEquals(new long[] {0x1234, 0, 0, 0}, regs(r, 4));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> r.trap(2));
        assertEquals("hypercall CALL_2 returned to the guest without a status or result 0", e.getMessage());
        for (long nr = 3; nr <= 5; nr++) {
            res = r.trap(nr, 9, 9, 9);
            assertEquals(nr == 3 ? Outcome.FAULT : nr == 4 ? Outcome.INTERRUPTED : Outcome.NOT_A_HYPERCALL, res.outcome());
            assertEquals(nr, r.regs().get(0), "nothing written for a trap that is not a completed call");
            assertEquals(9, r.regs().get(1));
        }
    }

    @Test
    @DisplayName("the last status a handler sets is the answer: fail then ok(v) answers v with SUCCESS; status(null) takes a status back")
    void lastStatusWins() {
        Rig r = rig(X86, KvmErrno.CODEC, call(1, t -> {
            t.fail(Status.INVALID_PARAMETER);
            t.ok(5);
        }), call(2, t -> {
            t.fail(Status.FAULT);
            t.status(null);
            t.result(0, 3);
        }), call(3, t -> {
            t.result(0, 8);
            t.ok();
        }));
        TrapResult res = r.trap(1);
        assertEquals(Status.SUCCESS, res.status());
        assertEquals(5, r.regs().get(0));
        res = r.trap(2);
        assertEquals(Status.SUCCESS, res.status(), "result 0 written, no status left: success");
        assertEquals(3, r.regs().get(0));
        res = r.trap(3);
        assertEquals(0, r.regs().get(0), "ok() encodes SUCCESS over the earlier result 0");
    }

    @Test
    @DisplayName("a handler sees its own vCPU, its PC, its VM and its registers; with no VcpuControl given, its effects on other vCPUs go nowhere")
    void handlerSeesItsFrame() {
        long[] seen = new long[4];
        Rig r = rig(X86, KvmErrno.CODEC, call(1, t -> {
            seen[0] = t.vcpu();
            seen[1] = t.pc();
            seen[2] = t.vm().vcpuCount();
            seen[3] = t.registers().get(1);
            t.control().kick(1);
            t.control().interrupt(1, 2);
            t.ok(t.control().start(1, 0, 0, 0) ? 1 : 2);
        }));
        r.regs().pc(PC);
        r.regs().set(0, 1);
        r.regs().set(1, 44);
        r.vm().trap(1, r.regs(), r.mem(), null);
        assertArrayEquals(new long[] {1, PC, 2, 44}, seen);
        assertEquals(2, r.regs().get(0), "VcpuControl.NONE starts nothing");
    }

    @Test
    @DisplayName("re-entry reads guest memory the embedder passes to completeExit (the memory at KVM_RUN time), not the memory of the exit's trap")
    void completionReadsTheMemoryOfReentry() {
        Rig r = rig(X86, KvmErrno.CODEC, call(12, t -> t.exitToHost(new Exit.Hypercall(12, new long[] {0, 0, 0, 0, 0, 0}, 0, 0),
                (tt, ret) -> tt.ok(tt.memory().read64(0x200)))));
        r.mem().write(0x200, new byte[] {1, 0, 0, 0, 0, 0, 0, 0}, 0, 8);
        r.trap(12);
        SparseMemory other = new SparseMemory(List.of(new MemoryRegion(0, 0x1000)));
        other.write(0x200, new byte[] {2, 0, 0, 0, 0, 0, 0, 0}, 0, 8);
        r.vm().completeExit(0, r.regs(), other, 0);
        assertEquals(2, r.regs().get(0));
    }

    @Test
    @DisplayName("each trap uses the registers and the VcpuControl passed to it (an embedder may hand a fresh register file or control each time)")
    void eachTrapUsesItsOwnRegistersAndControl() {
        Rig r = rig(X86, KvmErrno.CODEC, call(1, t -> {
            t.control().kick(1);
            t.ok(t.arg(0) + 1);
        }));
        RegisterFile first = new RegisterFile(ProbeArchitecture.LAYOUT);
        RegisterFile second = new RegisterFile(ProbeArchitecture.LAYOUT);
        EffectLog a = new EffectLog(2);
        EffectLog b = new EffectLog(2);
        for (RegisterFile regs : List.of(first, second)) {
            regs.pc(PC);
            regs.set(0, 1);
        }
        first.set(1, 10);
        second.set(1, 20);
        r.vm().trap(0, first, r.mem(), a);
        r.vm().trap(0, second, r.mem(), b);
        assertEquals(11, first.get(0));
        assertEquals(21, second.get(0));
        assertEquals(PC + 2, second.pc());
        assertEquals(1, a.drain().size());
        assertEquals(1, b.drain().size());
    }

    @Test
    @DisplayName("a contract that leaves unset results unchanged (PAPR hcalls: kvmppc_pseries_do_hcall writes r3 and only the r4.. a call returns) "
            + "keeps every result register the call does not set")
    void unsetResultsUnchangedWithSeveralResults() {
        TrapContract papr = TrapContract.builder(ProbeArchitecture.LAYOUT).number("r3", 64).arguments("r4", "r5").results("r3", "r4", "r5", "r6")
                .build();
        Rig r = rig(papr, KvmErrno.CODEC, call(1, t -> {
            t.result(2, 0x77);
            t.ok(0);
        }));
        r.trap(0, 0, 0, 1, 41, 42, 43);
        assertArrayEquals(new long[] {0, 41, 0x77, 43}, new long[] {r.regs().get(3), r.regs().get(4), r.regs().get(5), r.regs().get(6)});
        TrapResult res = r.trap(0, 0, 0, 1, 41, 42, 43);
        assertEquals(java.util.Optional.empty(), papr.listing(res), "a completed call is no listed fault or exit");
    }
}
