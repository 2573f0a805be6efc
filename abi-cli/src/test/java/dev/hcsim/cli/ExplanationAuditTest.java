package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Architectures;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.SingleCall;
import dev.hcsim.core.spi.Architecture;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.views.CallExplanation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * An audit of {@code hcsim call --explain}: each path the explanation can take, on every architecture where it
 * exists, must say nothing false. Paths: a dispatched call, a number no call has, a call refused by a rule checked
 * before the number (privilege), an instruction that selects the call itself, bytes that are no instruction, and a
 * valid instruction that is not a trap instruction.
 */
class ExplanationAuditTest {
    static String explain(String... args) {
        List<String> a = new ArrayList<>(List.of("call"));
        a.addAll(List.of(args));
        a.addAll(List.of("--format", "text"));
        CliTest.Run r = CliTest.hcsim(a.toArray(String[]::new));
        assertTrue(r.code() == 0, String.join(" ", a) + ": " + r.err());
        return r.out();
    }

    @Test
    @DisplayName("number path, every architecture, every documented number: never 'no ARCH hypercall has number N' for a number the table has")
    void everyDocumentedNumberIsNamed() {
        for (Architecture a : Architectures.all()) {
            Vm vm = Engine.create(a, VmConfig.builder(a.name()).build());
            String numberReg = a.registers().name(vm.contract().numberRegister());
            for (HypercallSpec h : Engine.context(vm).hypercalls().all()) {
                SingleCall.Result r = SingleCall.run(VmConfig.builder(a.name()).build(), 0, null, Map.of(numberReg, h.number()), Map.of());
                String text = CallExplanation.text(r);
                assertFalse(text.contains("hypercall has number 0x" + Long.toHexString(h.number()) + "\n"),
                        a.name() + " " + h.name() + " is documented, yet: " + text);
            }
        }
    }

    @Test
    @DisplayName("privilege path (x86 CPL 3, x86.c ____kvm_emulate_hypercall): the number is named, and the privilege rule said to answer first")
    void privilegeFirst() {
        String t = explain("--arch", "x86", "--cpl", "3", "rax=5");
        assertTrue(t.contains("rax held 0x5, the number of KVM_HC_KICK_CPU, which was not dispatched: the privilege rule answered first"), t);
        assertFalse(t.contains("no x86 hypercall has number 0x5"), t);
        assertTrue(t.contains("-KVM_EPERM"), t);
        String unknown = explain("--arch", "x86", "--cpl", "3", "rax=0x7777");
        assertTrue(unknown.contains("no x86 hypercall has number 0x7777"), "a number nothing has is still said so: " + unknown);
    }

    @Test
    @DisplayName("unknown-number path: a number no call has is said so, with the architecture's answer")
    void unknownNumber() {
        String t = explain("--arch", "x86", "rax=0x7777");
        assertTrue(t.contains("rax held 0x7777: no x86 hypercall has number 0x7777"), t);
        assertTrue(t.contains("no documented hypercall has this number"), t);
    }

    @Test
    @DisplayName("non-trap path: hlt (x86) and wfi (arm64) are not explained as faults hardware raises; HLT halts the vCPU (x86.c kvm_emulate_halt)")
    void notATrapInstruction() {
        String hlt = explain("--arch", "x86", "--insn", "hlt");
        assertTrue(hlt.contains("`hlt` is not one of x86's trap instructions"), hlt);
        assertTrue(hlt.contains("on hardware it halts the vCPU") && hlt.contains("kvm_emulate_halt"), hlt);
        assertTrue(hlt.contains("FAULT: hcsim's answer for an instruction `call` does not model"), hlt);
        assertFalse(hlt.contains("a fault is injected into the guest instead of a result"), hlt);
        String wfi = explain("--arch", "arm64", "--insn", "wfi");
        assertTrue(wfi.contains("`wfi` is not one of arm64's trap instructions"), wfi);
        String nop = explain("--arch", "x86", "--insn", "nop");
        assertTrue(nop.contains("on hardware it simply executes and nothing traps"), nop);
    }

    @Test
    @DisplayName("undecodable path: bytes that are no instruction keep the fault, which is what hardware raises (#UD)")
    void undecodableBytes() {
        String t = explain("--arch", "x86", "--insn", "0f0b0b");
        assertTrue(t.contains("nothing was dispatched: #UD"), t);
        assertFalse(t.contains("is not one of"), t);
    }

    @Test
    @DisplayName("instruction-selected path (s390 DIAGNOSE 0x44, arch/s390/kvm/diag.c): the instruction chooses the call, not the register")
    void instructionSelects() {
        String t = explain("--arch", "s390", "--insn", "diag %r0,%r0,0x44");
        assertTrue(t.contains("the instruction itself selects"), t);
    }

    @Test
    @DisplayName("other-vCPUs path: no claim that the others 'started halted' when one started off (--off)")
    void otherVcpus() {
        String t = explain("--arch", "arm64", "--vcpus", "2", "--off", "1", "x0=0xc4000003", "x1=1", "x2=0x2000");
        assertTrue(t.contains("start -> vcpu1") && t.contains("afterwards: vcpu1 runnable"), t);
        assertFalse(t.contains("started halted"), t);
    }
}
