package dev.hcsim.arch.mips;

import static dev.hcsim.arch.mips.MipsCalls.P;
import static dev.hcsim.arch.mips.MipsCalls.call;
import static dev.hcsim.arch.mips.MipsCalls.vm;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.sched.SingleCall;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, MIPS: what an audit of today's kernel found different. Source: arch/mips/kvm/emulate.c
 * {@code kvm_compute_return_epc} / {@code __compute_return_epc_for_insn}, whose registers are {@code unsigned long}
 * (32 bits on a MIPS32 host) compared as {@code long}, and whose jalr case writes gprs[rd] before it reads gprs[rs].
 */
class MipsKernelFidelityTest {
    @Test
    @DisplayName("emulate.c kvm_compute_return_epc on a 32-bit host: bltz compares (long) of a 32-bit GPR, so 0x80000000 is negative")
    void bltzComparesAs32BitSignedOnMips32Host() {
        // bltz a0, +4 words ; hypcall
        SingleCall.Result host32 = call(vm().option("host-width", "32"), "04800004 42000028", "v0", 1, "a0", 0x8000_0000L, "bd", 1);
        assertEquals(P + 4 + 16, host32.after().pc(), "taken: (long)0x80000000 < 0 with a 32-bit long");
        SingleCall.Result host64 = call(vm(), "04800004 42000028", "v0", 1, "a0", 0x8000_0000L, "bd", 1);
        assertEquals(P + 8, host64.after().pc(), "not taken on a 64-bit host");
    }

    @Test
    @DisplayName("emulate.c kvm_compute_return_epc on a 32-bit host: beq compares the 32-bit GPRs")
    void beqComparesLow32BitsOnMips32Host() {
        SingleCall.Result r = call(vm().option("host-width", "32"), "10430003 42000028", "v0", 0x1_0000_0005L, "v1", 5, "bd", 1);
        assertEquals(P + 4 + 12, r.after().pc());
    }

    @Test
    @DisplayName("emulate.c __compute_return_epc_for_insn: jalr $zero,$zero writes gprs[0] = epc + 8 and then jumps to it")
    void jalrZeroZeroJumpsToLink() {
        SingleCall.Result r = call(vm(), "00000009 42000028", "v0", 1, "bd", 1);
        assertEquals(P + 8, r.after().pc(), "nextpc = arch->gprs[rs] after arch->gprs[rd] = epc + 8");
        assertEquals(0, r.after().get(0), "the guest's $zero stays zero");
    }
}
