package example.unicorn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hcsim.core.Program;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.RegisterLayout;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential check of hcsim's interpreters against Unicorn's CPUs: random straight-line programs from each
 * architecture's guest subset, ending in a hypercall, from random registers and data; after each program the register
 * files, the hypercall and the memory must be equal. A failing program is shrunk (instructions dropped while it still
 * fails) and printed. {@code -Dunicorn.programs=N} programs per architecture, {@code -Dunicorn.seed=S}.
 */
class RandomProgramsTest {
    private static final int PROGRAMS = Integer.getInteger("unicorn.programs", 2000);
    private static final long SEED = Long.getLong("unicorn.seed", 1);

    @BeforeAll
    static void unicorn() {
        assumeTrue(Unicorn.available(), Unicorn.unavailableReason());
    }

    static Stream<UcArch> architectures() {
        return UcArch.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void registerFilesAgreeAfterEveryProgram(UcArch arch) {
        GuestSubset subset = GuestSubset.of(arch.hcsimArch());
        SplittableRandom rnd = new SplittableRandom(SEED * 31 + arch.name().hashCode());
        int agreed = 0;
        for (int k = 0; k < PROGRAMS; k++) {
            List<String> program = subset.program(rnd, 24);
            long stateSeed = rnd.nextLong();
            List<String> diff = check(arch, subset, program, stateSeed);
            if (!diff.isEmpty()) {
                List<String> small = shrink(arch, subset, program, stateSeed);
                fail(arch + ": program " + k + " (seed " + SEED + ") disagrees; shrunk to " + (small.size() - 1)
                        + " instruction(s) + the hypercall, from random registers (state seed " + stateSeed + "):\n    "
                        + String.join("\n    ", small) + "\n  " + String.join("\n  ", check(arch, subset, small, stateSeed)));
            }
            agreed++;
        }
        System.out.println(arch + ": " + agreed + " random programs, hcsim and Unicorn agree (" + subset.formCount() + " forms)");
        assertTrue(agreed >= PROGRAMS);
    }

    /** Drops instructions (never the hypercall) while the program still disagrees. */
    static List<String> shrink(UcArch arch, GuestSubset subset, List<String> program, long stateSeed) {
        List<String> p = new ArrayList<>(program);
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int i = p.size() - 2; i >= 0; i--) {
                List<String> q = new ArrayList<>(p);
                q.remove(i);
                if (!check(arch, subset, q, stateSeed).isEmpty()) {
                    p = q;
                    progress = true;
                }
            }
        }
        return p;
    }

    /** Runs one program on both sides from the same random state; the disagreements. */
    static List<String> check(UcArch arch, GuestSubset subset, List<String> program, long stateSeed) {
        VmConfig.Builder b = VmConfig.builder(subset.arch());
        arch.options().forEach(b::option);
        VmConfig config = b.build();
        Machine m = new Machine(config, "random");
        Program p = m.vm().assemble(String.join("\n", program), GuestSubset.ORIGIN);
        int instructions = m.vm().disassemble(p.bytes(), GuestSubset.ORIGIN).size(); // machine instructions: MIPS li may be two
        m.load(GuestSubset.ORIGIN, p.bytes());
        SplittableRandom r = new SplittableRandom(stateSeed);
        byte[] data = new byte[0x8000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) r.nextInt(256);
        }
        m.load(GuestSubset.DATA, data);
        RegisterFile regs = m.registers(0);
        RegisterLayout layout = m.vm().architecture().registers();
        for (int reg : arch.compared(layout)) {
            if (reg == layout.zeroRegister()) {
                continue;
            }
            long mask = arch.comparedBits(layout, reg);
            long v = arch.widen(r.nextLong());
            regs.set(reg, mask == -1L ? v : (regs.get(reg) & ~mask) | (v & mask));
        }
        regs.set(layout.require(subset.baseRegister()), GuestSubset.DATA);
        regs.pc(GuestSubset.ORIGIN);
        Vm vm = m.vm();
        int steps = instructions;
        List<Differential.Side> sides = Differential.run(m, steps, 1000,
                u -> u.runUntil(0, GuestSubset.ORIGIN + p.bytes().length, steps + 1));
        return Differential.compare(vm, sides.get(0), sides.get(1));
    }
}
