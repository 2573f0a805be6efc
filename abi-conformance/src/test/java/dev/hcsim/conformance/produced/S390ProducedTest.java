package dev.hcsim.conformance.produced;

import static dev.hcsim.conformance.produced.Listed.regs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.sched.SingleCall;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every fault and exit s390 lists in {@code hcsim explain --arch s390}, driven once (program interruptions both
 * ways: for the embedder, and delivered through a program new PSW), with the typed record and the PSW at the exit
 * checked (arch/s390/kvm/interrupt.c __deliver_prog, diag.c, priv.c handle_stsi, kvm-s390.c vcpu_post_run; QEMU
 * target/s390x/kvm/kvm.c).
 */
class S390ProducedTest {
    private static final long AT = 0x2000; // S390Architecture.defaultEntry
    private static final long PSW_64 = 0x0000_0001_8000_0000L; // EA | BA: 64-bit addressing
    private static final long PROBLEM = PSW_64 | 0x0001_0000_0000_0000L;
    private static final long WAIT = PSW_64 | 0x0002_0000_0000_0000L;

    /** A program new PSW at lowcore 0x1d0 (prefix 0): the interruption is delivered to 0x3000. */
    private static Map<Long, byte[]> newPsw() {
        byte[] b = new byte[16];
        Bytes.put(b, 0, 8, PSW_64, true);
        Bytes.put(b, 8, 8, 0x3000, true);
        return Map.of(0x1D0L, b);
    }

    private static Map<Long, byte[]> psw(long mask, long addr) {
        byte[] b = new byte[16];
        Bytes.put(b, 0, 8, mask, true);
        Bytes.put(b, 8, 8, addr, true);
        return Map.of(0x200L, b);
    }

    /** A program interruption driven both ways: FAULT without a program new PSW, INTERRUPTED with one. */
    private static void program(Listed l, String condition, String insn, Map<String, Long> regs, int code, String... settings) {
        SingleCall.Result f = l.call(condition, l.config(settings), insn, regs);
        assertEquals(Outcome.FAULT, f.outcome());
        assertEquals(new Fault.S390(code, 2, AT + 4), f.fault(), condition);
        SingleCall.Result i = l.call(condition, l.config(settings), insn, regs, newPsw());
        assertEquals(Outcome.INTERRUPTED, i.outcome());
        assertEquals(new Fault.S390(code, 2, AT + 4), i.fault(), condition);
        assertEquals(0x3000, i.after().pc(), "the program new PSW is loaded (__deliver_prog)");
    }

    @Test
    @DisplayName("each listed s390 fault and exit comes out as its typed record")
    void everyListedFaultAndExit() {
        Listed l = new Listed("s390");
        TrapResult fetch = l.fetchOutside("nothing readable at the PSW address", l.config(), 0x20_0000, regs());
        assertEquals(new Fault.S390(Fault.S390.ADDRESSING, 0, 0x20_0000), fetch.fault());
        SingleCall.Result op = l.call("an instruction KVM does not intercept", l.config(), "a7080000", regs());
        assertEquals(new Fault.S390(Fault.S390.OPERATION, 2, AT + 4), op.fault());

        program(l, "STAP or STPT in problem state", "83000500", regs("pswm", PROBLEM), Fault.S390.PRIVILEGED_OP);
        program(l, "an unknown or not offered DIAGNOSE code", "83000999", regs(), Fault.S390.SPECIFICATION);
        program(l, "outside guest memory", "b27d2000", regs("r0", 0x3000_0002L, "r1", 2, "r2", 0x20_0000), Fault.S390.ADDRESSING);
        program(l, "DIAG 0x501 (software breakpoint) without", "83000501", regs(), Fault.S390.OPERATION);

        SingleCall.Result sieic = l.call("a DIAGNOSE KVM leaves to user space", l.config("userspace=exit"), "83000288", regs("r2", 9));
        assertEquals(new Exit.S390Sieic(Exit.S390Sieic.ICPT_INST, 0x8300, 0x0288_0000L), sieic.exit());
        assertEquals(AT + 4, sieic.after().pc(), "SIE has moved the PSW past the DIAGNOSE");
        assertEquals(Map.of(), Listed.reenter(sieic, sieic.exit()), "the next KVM_RUN continues at the PSW, r2 as the VMM left it");
        SingleCall.Result reset = l.call("DIAG 0x308 subcode 3", l.config(), "83020308", regs("r2", 3));
        assertEquals(new Exit.S390Reset(0x1E), reset.exit());
        assertEquals(AT + 4, reset.after().pc());
        SingleCall.Result stsi = l.call("STSI 3.2.2 with option userspace=exit", l.config("userspace=exit"), "b27d2000",
                regs("r0", 0x3000_0002L, "r1", 2, "r2", 0x4000));
        assertEquals(new Exit.S390Stsi(0x4000, 2, 3, 2, 2), stsi.exit());
        assertEquals(AT + 4, stsi.after().pc());
        SingleCall.Result ipl = l.call("DIAG 0x308 subcode 0 or 1", l.config(), "83020308", regs("r2", 1));
        assertEquals(new Exit.SystemEvent(SystemEventType.RESET), ipl.exit());
        SingleCall.Result quiesce = l.call("quiesce PSW address", l.config(), "b2b20200", regs(), psw(WAIT, 0xFFF));
        assertEquals(new Exit.SystemEvent(SystemEventType.SHUTDOWN), quiesce.exit());
        assertEquals(0xFFF, quiesce.after().pc(), "the wait PSW is loaded when the wait is intercepted");
        assertEquals(Map.of(), Listed.reenter(quiesce, quiesce.exit()));
        SingleCall.Result crash = l.call("any other disabled wait", l.config(), "b2b20200", regs(), psw(WAIT, 0x5000));
        assertEquals(new Exit.SystemEvent(SystemEventType.CRASH), crash.exit());
        SingleCall.Result debug = l.call("DIAG 0x501 with a debugger", l.config("+sw-breakpoints"), "83000501", regs());
        assertEquals(new Exit.Debug(AT), debug.exit());
        assertEquals(AT, debug.after().pc(), "the PSW stays on the breakpoint");
        l.assertEveryEntryDriven();
    }
}
