package dev.hcsim.bench;

import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The hcsim half of {@code scripts/bench-vs-qemu.sh}: runs a side-by-side guest
 * ({@code src/main/resources/guests/*.S}) under the standalone interpreter for two loop counts and
 * prints the hypercall rate from the difference, as the script does for QEMU, so that start-up and
 * JIT warm-up cancel out. Wall-clock timing here is the measurement itself, not a test.
 *
 * <pre>java -cp abi-bench/target/benchmarks.jar dev.hcsim.bench.GuestLoopRate arm64|s390 GUEST.S N1 N2</pre>
 */
public final class GuestLoopRate {
    /** Where each architecture's guest sits, as QEMU loads it: code address and the RAM around it. */
    record Board(String arch, long code, long ramBase, long ramSize, String counter, String resultRegister, long result) {
    }

    static final Map<String, Board> BOARDS = Map.of(
            // QEMU virt: RAM at 0x40000000, -kernel ELF linked at 0x40080000. x0 ends as KVM leaves it at SYSTEM_OFF's exit:
            // -6 (psci.c kvm_psci_0_2_call, see Arm64EdgeCasesTest).
            "arm64", new Board("arm64", 0x4008_0000L, 0x4000_0000L, 0x100_0000L, "x19", "x0", -6),
            // s390-ccw-virtio: lowcore at 0, the ELF at 0x10000. r2 keeps the last answer, -EINVAL.
            "s390", new Board("s390", 0x1_0000L, 0, 0x10_0000L, "r5", "r2", -22),
            // QEMU virt: RAM at 0x80000000 (OpenSBI there), the ELF at 0x80200000. a7 ends as SRST's EID (the shutdown
            // is a system event: nothing written).
            "riscv", new Board("riscv", 0x8020_0000L, 0x8000_0000L, 0x100_0000L, "s1", "a7", 0x5352_5354L));

    private static final int ROUNDS = 3;

    private GuestLoopRate() {
    }

    public static void main(String[] args) {
        try {
            if (args.length != 4) {
                throw new IllegalArgumentException("usage: GuestLoopRate arm64|s390|riscv GUEST.S N1 N2");
            }
            Board board = BOARDS.get(args[0]);
            if (board == null) {
                throw new IllegalArgumentException("no side-by-side board for '" + args[0] + "'; known: arm64, s390, riscv");
            }
            String template = read(args[1]);
            long n1 = count(args[2]);
            long n2 = count(args[3]);
            if (n2 <= n1) {
                throw new IllegalArgumentException("N2 must be larger than N1");
            }
            run(board, template, n1); // warm-up: the JIT compiles the interpreter and the trap path
            run(board, template, n2);
            double t1 = best(board, template, n1);
            double t2 = best(board, template, n2);
            double rate = (n2 - n1) / (t2 - t1);
            System.out.printf(Locale.ROOT, "hcsim %s: %d calls in %.3f s, %d calls in %.3f s: %.1f million calls/s%n", board.arch(), n1, t1, n2,
                    t2, rate / 1e6);
            System.out.printf(Locale.ROOT, "rate=%.0f%n", rate);
        } catch (RuntimeException e) { // bad arguments, a guest text outside the subset, a guest that did not finish
            System.err.println("GuestLoopRate: " + e.getMessage());
            System.exit(2);
        }
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("cannot read the guest " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static long count(String s) {
        try {
            long n = Long.parseLong(s);
            if (n < 1 || n >= 1L << 31) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("loop count '" + s + "' is not a number from 1 to 2^31-1");
        }
    }

    /** The loop count written into the guest as the script writes it for GNU as. */
    static String withLoops(String template, long n) {
        return template.replace("LOOPS_LO", "0x" + Long.toHexString(n & 0xFFFF)).replace("LOOPS_HI", "0x" + Long.toHexString(n >>> 16))
                .replace("LOOPS", Long.toString(n));
    }

    private static double best(Board board, String template, long n) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < ROUNDS; i++) {
            best = Math.min(best, run(board, template, n));
        }
        return best;
    }

    /** Builds the VM, runs the guest to its end, checks how it ended, and returns the seconds it took. */
    static double run(Board board, String template, long n) {
        long start = System.nanoTime();
        Vm vm = Vm.create(VmConfig.builder(board.arch()).vcpus(1).pcpus(1).quantum(Long.MAX_VALUE)
                .memory(board.ramBase(), board.ramSize()).build());
        Machine m = new Machine(vm, "side-by-side");
        m.load(board.code(), vm.assemble(withLoops(template, n), board.code()).bytes());
        m.registers(0).pc(board.code());
        m.initialState(0, VcpuState.RUNNABLE);
        RunResult r = m.run(Long.MAX_VALUE, Long.MAX_VALUE);
        double seconds = (System.nanoTime() - start) / 1e9;
        long counter = m.registers(0).get(board.counter());
        long result = m.registers(0).get(board.resultRegister());
        if (counter != 0 || result != board.result() || r.reason() == RunResult.Reason.STEP_BUDGET) {
            throw new IllegalStateException(String.format(Locale.ROOT, "the %s guest did not finish its loop: %s, %s = %d, %s = 0x%x, stop reason %s",
                    board.arch(), r, board.counter(), counter, board.resultRegister(), result, m.stopReason(0)));
        }
        return seconds;
    }
}
