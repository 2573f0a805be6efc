package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hcsim.core.engine.Architectures;
import dev.hcsim.core.spi.Architecture;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CallExplanationTest {
    static void contains(String text, String... parts) {
        for (String p : parts) {
            assertTrue(text.contains(p), "missing '" + p + "' in:\n" + text);
        }
    }

    @Test
    @DisplayName("--explain is the JSON's \"explanation\" field (stdout stays one JSON document): KVM_HC_KICK_CPU names rax, the APIC ID in rcx, x86.c kvm_pv_kick_cpu_op, the kick and the yield")
    void kickCpu() throws Exception {
        CliTest.Run r = CliTest.hcsim("call", "--arch", "x86", "--vcpus", "2", "rax=5", "rcx=1", "--explain");
        assertEquals(0, r.code(), r.err());
        com.fasterxml.jackson.databind.JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("KVM_HC_KICK_CPU", json.get("call").asText(), "one JSON document");
        assertTrue(r.out().strip().endsWith("}"), "nothing after the JSON document");
        String text = json.get("explanation").asText();
        assertTrue(text.startsWith("x86 KVM_HC_KICK_CPU, step by step:\n"), text);
        contains(text, "(0f 01 c1) are `vmcall`", "rax held 0x5", "rcx = 0x1", "[kernel: arch/x86/kvm/x86.c kvm_pv_kick_cpu_op",
                "SUCCESS = 0", "rax 0x5 -> 0x0 (result 0: status)", "pc 0x1000 -> 0x1003", "15 of 15 preserved registers kept their values",
                "kick -> vcpu1 (wakes from halt)", "vcpu1 runnable", "YIELD");
        assertEquals(10, text.lines().filter(l -> l.matches(" ?\\d+\\. .*")).count(), "ten numbered steps");
    }

    @Test
    @DisplayName("a Hyper-V call is explained in its own ABI's terms: selected by --feature hyperv, RCX's control word, HV_STATUS_* "
            + "(x86.c kvm_emulate_hypercall hands the call to hyperv.c kvm_hv_hypercall)")
    void hypervCall() {
        CliTest.Run r = CliTest.hcsim("call", "--arch", "x86", "--feature", "hyperv", "rcx=0x10013", "xmm0=0x1", "--format", "text");
        assertEquals(0, r.code(), r.err());
        contains(r.out(), "x86 HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX, step by step:", "abi          Hyper-V",
                "rcx held 0x10013, which selects HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX", "SUCCESS = HV_STATUS_SUCCESS, in Hyper-V HV_STATUS_*");
        assertFalse(r.out().contains("rax held"), "RAX does not select a Hyper-V call:\n" + r.out());
    }

    @Test
    @DisplayName("--format text prints the explanation instead of the JSON")
    void textOnly() {
        CliTest.Run r = CliTest.hcsim("call", "--arch", "x86", "rax=9", "rbx=0x2000", "rcx=0", "--format", "text");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains("{"), r.out());
        contains(r.out(), "x86 KVM_HC_CLOCK_PAIRING, step by step:", "kvm_pv_clock_pairing", "64 bytes at 0x2000: ", "...");
    }

    @Test
    @DisplayName("at CPL 3 the privilege rule is what applied (x86.c kvm_emulate_hypercall: -KVM_EPERM before the number is read)")
    void privilege() {
        CliTest.Run r = CliTest.hcsim("call", "--arch", "x86", "--cpl", "3", "rax=5", "--format", "text");
        contains(r.out(), "privilege, checked before the number", "-KVM_EPERM");
    }

    @Test
    @DisplayName("an unknown number is explained as the kernel's answer to an unknown number (-KVM_ENOSYS)")
    void unknownNumber() {
        CliTest.Run r = CliTest.hcsim("call", "--arch", "x86", "rax=999", "--format", "text");
        contains(r.out(), "x86 hypercall 0x3e7, step by step:", "rax held 0x3e7: no x86 hypercall has number 0x3e7", "no documented hypercall has this number",
                "-KVM_ENOSYS");
    }

    @Test
    @DisplayName("a faulting trap says nothing was returned and a fault is injected (s390 diag.c: unknown DIAGNOSE 0x500 subcode)")
    void fault() {
        CliTest.Run r = CliTest.hcsim("call", "--arch", "s390", "r1=0x77", "--format", "text");
        assertEquals(0, r.code(), r.err());
        contains(r.out(), "(83 ", "not written: a fault is injected instead", "FAULT: a fault is injected into the guest");
    }

    @Test
    @DisplayName("s390 DIAGNOSE 0x44 (diag.c __diag_time_slice_end): the instruction, not r1, selects the call")
    void instructionSelects() {
        CliTest.Run r = CliTest.hcsim("call", "--arch", "s390", "--insn", "diag %r0,%r0,0x44", "--format", "text");
        contains(r.out(), "the instruction itself selects DIAG_TIME_SLICE_END (0x44); r1 held 0x0, which does not choose the call here",
                "[kernel: arch/s390/kvm/diag.c __diag_time_slice_end]", "YIELD");
    }

    @Test
    @DisplayName("in 32-bit mode only the number's low 32 bits count (x86.h is_64_bit_hypercall)")
    void narrowNumber() {
        CliTest.Run r = CliTest.hcsim("call", "--arch", "x86", "--mode", "32", "rax=0x100000005", "--format", "text");
        contains(r.out(), " 2. mode         32-bit: ", "rax held 0x100000005 (only its low 32 bits count), which selects KVM_HC_KICK_CPU");
    }

    @Test
    @DisplayName("ppc sc without KVM_SC_MAGIC_R0 in r0 is the guest's own system call (book3s_pr.c): nothing is dispatched")
    void notAHypercall() {
        CliTest.Run r = CliTest.hcsim("call", "--arch", "ppc", "--format", "text");
        contains(r.out(), "ppc trap, step by step:", "nothing was dispatched", "NOT_A_HYPERCALL");
    }

    @Test
    @DisplayName("KVM_HC_MAP_GPA_RANGE exits to the VMM (x86.c complete_hypercall_exit): the status is written only on re-entry")
    void exitToHost() {
        CliTest.Run r = CliTest.hcsim("call", "--arch", "x86", "--feature", "exit-hypercall", "rax=12", "rbx=0x1000", "rcx=1", "rdx=0x10",
                "--format", "text");
        contains(r.out(), "(written to rax when the host re-enters the vCPU)", "pc stays 0x1000", "EXIT_TO_HOST", "KVM_EXIT_HYPERCALL nr=0xc");
    }

    static Stream<String> architectures() {
        return Architectures.all().stream().map(Architecture::name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    @DisplayName("every architecture's native trap with zeroed registers explains in ten steps, starting with its bytes")
    void everyArchitecture(String arch) {
        CliTest.Run r = CliTest.hcsim("call", "--arch", arch, "--vcpus", "2", "--format", "text");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith(arch + " "), r.out());
        for (String step : new String[] {" 1. decode ", "registers ", "memory ", "other vCPUs ", "outcome "}) {
            assertTrue(r.out().contains(step), step + " in " + r.out());
        }
    }

    @Test
    @DisplayName("a bad --format is bad input: exit 2 with one line")
    void badFormat() {
        CliTest.Run r = CliTest.hcsim("call", "--arch", "x86", "rax=1", "--format", "yaml");
        assertEquals(2, r.code());
        assertEquals("hcsim: --format must be json or text, got 'yaml'", r.err().strip());
    }
}
