package example.unicorn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What Unicorn 2.0.1 does with each trap instruction, measured on the installed library: the facts the adapters and
 * the README's table rest on. A newer Unicorn that changes one of them fails here first.
 */
class UnicornFactsTest {
    private static final long AT = 0x1000;

    @BeforeAll
    static void unicorn() {
        assumeTrue(Unicorn.available(), Unicorn.unavailableReason());
    }

    /** What one run showed: the hooks that fired (with the PC then) and how the run ended. */
    record Seen(List<String> hooks, String end) {
    }

    private static byte[] asm(String arch, String src, String... options) {
        VmConfig.Builder b = VmConfig.builder(arch);
        for (int i = 0; i < options.length; i += 2) {
            b.option(options[i], options[i + 1]);
        }
        return Vm.create(b.build()).assemble(src, AT).bytes();
    }

    private static Seen run(int arch, int mode, byte[] code, int pcReg, long psw) {
        List<String> hooks = new ArrayList<>();
        try (Unicorn u = new Unicorn(arch, mode)) {
            u.map(0, 0x10000);
            u.write(AT, code, code.length);
            if (psw != 0) {
                u.reg(66, psw); // UC_S390X_REG_PSWM
            }
            u.onInterrupt(i -> {
                hooks.add("intr " + i + " @0x" + Long.toHexString(u.reg(pcReg)));
                u.stop();
            });
            u.onInvalidInstruction(() -> {
                hooks.add("invalid @0x" + Long.toHexString(u.reg(pcReg)));
                return true;
            });
            String end;
            try {
                u.start(AT, AT + code.length, 100);
                end = "ended @0x" + Long.toHexString(u.reg(pcReg));
            } catch (UnicornException e) {
                end = e.getMessage();
            }
            return new Seen(hooks, end);
        }
    }

    @Test
    void x86VmcallIsAnInvalidInstructionWithRipOnItAndEndsTheRun() {
        Seen s = run(UnicornLibrary.UC_ARCH_X86, UnicornLibrary.UC_MODE_64, asm("x86", "nop\nvmcall\nnop\nnop"), 41);
        assertEquals(List.of("invalid @0x1001"), s.hooks());
        assertEquals("ended @0x1001", s.end(), "the run ends at the vmcall although the hook handled it");
    }

    @Test
    void x86HltEndsTheRunPastItWithoutAHook() {
        Seen s = run(UnicornLibrary.UC_ARCH_X86, UnicornLibrary.UC_MODE_64, asm("x86", "nop\nhlt\nnop\nnop"), 41);
        assertEquals(List.of(), s.hooks());
        assertEquals("ended @0x1002", s.end());
    }

    @Test
    void arm64HvcIsUndefinedWithThePcOnIt() {
        Seen s = run(UnicornLibrary.UC_ARCH_ARM64, 0, asm("arm64", "nop\nhvc #0\nnop"), 260);
        assertEquals(List.of("intr 1 @0x1004"), s.hooks(), "EXCP_UDEF: the default CPU has no EL2");
    }

    @Test
    void arm64WfiEndsTheRunPastItWithoutAHook() {
        Seen s = run(UnicornLibrary.UC_ARCH_ARM64, 0, asm("arm64", "nop\nwfi\nnop"), 260);
        assertEquals(List.of(), s.hooks());
        assertEquals("ended @0x1008", s.end());
    }

    @Test
    void s390DiagIsASilentNoOpInTheSupervisorStateAndAProgramExceptionInTheProblemState() {
        byte[] code = asm("s390", "nopr %r7\ndiag %r2,%r4,0x500\nnopr %r7");
        Seen supervisor = run(UnicornLibrary.UC_ARCH_S390X, UnicornLibrary.UC_MODE_BIG_ENDIAN, code, 65);
        assertEquals(List.of(), supervisor.hooks());
        assertEquals("ended @0x1008", supervisor.end());
        Seen problem = run(UnicornLibrary.UC_ARCH_S390X, UnicornLibrary.UC_MODE_BIG_ENDIAN, code, 65, S390OnUnicorn.PROBLEM_STATE);
        assertEquals(List.of("intr 3 @0x1002"), problem.hooks(), "EXCP_PGM with the PSW address on the DIAG");
    }

    @Test
    void mips64ModeCannotFetchItsFirstInstruction() {
        Seen s = run(UnicornLibrary.UC_ARCH_MIPS, UnicornLibrary.UC_MODE_64 | UnicornLibrary.UC_MODE_BIG_ENDIAN, asm("mips", "nop\nnop"), 1);
        assertEquals(List.of("intr 12 @0x0"), s.hooks(), "EXCP_AdEL: UC_MODE_MIPS64 builds a MIPS32 CPU with a 32-bit PC");
    }

    @Test
    void mips32HypcallIsAReservedInstructionWhoseHookSeesPcZero() {
        Seen s = run(UnicornLibrary.UC_ARCH_MIPS, UnicornLibrary.UC_MODE_32 | UnicornLibrary.UC_MODE_BIG_ENDIAN,
                asm("mips", "nop\nhypcall\nnop"), 1);
        assertEquals(List.of("intr 20 @0x0"), s.hooks(), "EXCP_RI; the PC is of no use, so the adapter takes hypcall in its code hook");
    }

    @Test
    void ppc32ScReachesTheHookWithThePcPastIt() {
        Seen s = run(UnicornLibrary.UC_ARCH_PPC, UnicornLibrary.UC_MODE_32 | UnicornLibrary.UC_MODE_BIG_ENDIAN,
                asm("ppc", "nop\nsc 1\nnop", "mode", "32"), 1);
        assertEquals(List.of("intr 8 @0x1008"), s.hooks());
    }

    @Test
    void ppc64ModeFaultsBeforeItsFirstHypercallAndLittleEndianIsRefused() {
        Seen s = run(UnicornLibrary.UC_ARCH_PPC, UnicornLibrary.UC_MODE_64 | UnicornLibrary.UC_MODE_BIG_ENDIAN, asm("ppc", "nop\nnop\nnop"), 1);
        assertTrue(!s.hooks().isEmpty(), "three nops do not run on UC_MODE_PPC64: " + s);
        UnicornException e = org.junit.jupiter.api.Assertions.assertThrows(UnicornException.class,
                () -> new Unicorn(UnicornLibrary.UC_ARCH_PPC, UnicornLibrary.UC_MODE_64).close());
        assertTrue(e.getMessage().contains("UC_ERR_MODE"), e.getMessage());
    }

    private static Seen run(int arch, int mode, byte[] code, int pcReg) {
        return run(arch, mode, code, pcReg, 0);
    }

    /**
     * RISC-V: ecall raises cause 8 (an ecall from U-mode: Unicorn's hart runs the code unprivileged) and an illegal
     * instruction cause 2, both with the PC already past the instruction; so the adapter takes ecall in the code
     * hook, before it runs, with the PC on it.
     */
    @Test
    void riscvEcallAndAnIllegalInstructionRaiseTheirExceptionsWithThePcPastThem() {
        Seen e = run(UnicornLibrary.UC_ARCH_RISCV, UnicornLibrary.UC_MODE_RISCV64, asm("riscv", "nop\necall\nnop"), 190);
        Seen i = run(UnicornLibrary.UC_ARCH_RISCV, UnicornLibrary.UC_MODE_RISCV64, asm("riscv", "nop\n.4byte 0\nnop"), 190);
        assertEquals(List.of("intr 8 @0x1008"), e.hooks(), "RISCV_EXCP_U_ECALL");
        assertEquals(List.of("intr 2 @0x1008"), i.hooks(), "RISCV_EXCP_ILLEGAL_INST");
    }
}
