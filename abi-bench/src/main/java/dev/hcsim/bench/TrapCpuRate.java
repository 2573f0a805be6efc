package dev.hcsim.bench;

import dev.hcsim.core.EffectLog;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The trap path timed by the thread's CPU time instead of the wall clock, for a machine shared by many builds (as
 * {@link EngineCpuRate} does for guest instructions). Two workloads:
 * <ul>
 *   <li>{@code embedded}: {@link TrapPathBenchmark#trap}'s call, {@code Vm.trap} with the emulator's own registers and
 *       memory, each architecture's cheapest call ({@link Guests#CHEAPEST}): nanoseconds of CPU time and bytes allocated
 *       per call (the thread's allocation counter);</li>
 *   <li>{@code guest}: the side-by-side guests of {@code scripts/bench-vs-qemu.sh} (aarch64 PSCI_VERSION over
 *       {@code hvc #0}, s390x DIAG 0x500, riscv64 SBI GET_SPEC_VERSION) under the standalone machine, as
 *       {@link GuestLoopRate} runs them: millions of calls per CPU second, from the difference of two loop counts.</li>
 * </ul>
 * Each line gives the median and the best of {@code rounds} runs after three warm-up runs. Run one architecture per JVM
 * (as JMH forks per parameter) for numbers comparable to {@code TrapPathBenchmark}: in one JVM the seven trap gates
 * and handlers make the shared call sites megamorphic.
 *
 * <p>Usage: {@code java -cp abi-bench/target/benchmarks.jar dev.hcsim.bench.TrapCpuRate [embedded|guest|all]
 * [ARCH|all] [rounds] [calls]}, for example
 * {@code for a in x86 arm64 loongarch s390 ppc mips riscv; do java -cp J dev.hcsim.bench.TrapCpuRate embedded $a 9
 * 10000000; done}
 */
public final class TrapCpuRate {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    /** com.sun.management.ThreadMXBean#getThreadAllocatedBytes, reached reflectively (forbiddenapis: non-portable). */
    private static final Method ALLOCATED = allocatedBytes();

    private TrapCpuRate() {
    }

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "all";
        String only = args.length > 1 ? args[1] : "all";
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 9;
        long calls = args.length > 3 ? Long.parseLong(args[3]) : 10_000_000L;
        if (what.equals("embedded") || what.equals("all")) {
            for (Guests.CheapestCall call : Guests.CHEAPEST) {
                if (only.equals("all") || only.equals(call.arch())) {
                    embedded(call, rounds, calls);
                }
            }
        }
        if (what.equals("guest") || what.equals("all")) {
            for (String[] g : List.of(new String[] {"arm64", "aarch64-psci-version.S"}, new String[] {"s390", "s390x-diag500.S"},
                    new String[] {"riscv", "riscv64-sbi-base.S"})) {
                if (only.equals("all") || only.equals(g[0])) {
                    guest(g[0], g[1], rounds, calls);
                }
            }
        }
    }

    private static void embedded(Guests.CheapestCall call, int rounds, long calls) {
        String arch = call.arch();
        Vm vm = Vm.create(VmConfig.builder(arch).vcpus(2).build());
        SparseMemory memory = Guests.memoryWith(vm, call.instruction());
        RegisterFile regs = new RegisterFile(vm.architecture().registers());
        vm.resetVcpu(0, regs);
        EffectLog control = new EffectLog(2);
        Guests.Preset preset = Guests.Preset.of(call, regs.layout());
        Guests.settle();
        List<Double> ns = new ArrayList<>();
        double bytes = 0;
        long sink = 0;
        for (int r = 0; r < rounds + 3; r++) {
            long a0 = allocated();
            long t0 = MX.getCurrentThreadCpuTime();
            for (long i = 0; i < calls; i++) {
                preset.apply(regs);
                vm.trap(0, regs, memory, control);
                sink += regs.get(preset.result());
            }
            long t1 = MX.getCurrentThreadCpuTime();
            long a1 = allocated();
            if (regs.get(preset.result()) != call.expected()) {
                throw new IllegalStateException(arch + ": wrong answer 0x" + Long.toHexString(regs.get(preset.result())));
            }
            if (r >= 3) {
                ns.add((t1 - t0) / (double) calls);
                bytes = Math.max(bytes, (a1 - a0) / (double) calls);
            }
        }
        ns.sort(null);
        System.out.printf(Locale.ROOT, "embedded %-9s median %6.1f  best %6.1f  ns per call (CPU time), %.3f B per call  [%d]%n", arch,
                ns.get(ns.size() / 2), ns.get(0), bytes, sink & 1);
    }

    private static void guest(String arch, String file, int rounds, long calls) {
        String template = resource("/guests/" + file);
        GuestLoopRate.Board board = GuestLoopRate.BOARDS.get(arch);
        long n1 = calls / 4;
        long n2 = calls;
        List<Double> rates = new ArrayList<>();
        for (int r = 0; r < rounds + 3; r++) {
            long t0 = MX.getCurrentThreadCpuTime();
            GuestLoopRate.run(board, template, n1);
            long t1 = MX.getCurrentThreadCpuTime();
            GuestLoopRate.run(board, template, n2);
            long t2 = MX.getCurrentThreadCpuTime();
            if (r >= 3) {
                rates.add((n2 - n1) * 1e3 / ((t2 - t1) - (t1 - t0)));
            }
        }
        rates.sort(null);
        System.out.printf(Locale.ROOT, "guest    %-9s median %6.1f  best %6.1f  million calls per CPU second (%s)%n", arch,
                rates.get(rates.size() / 2), rates.get(rates.size() - 1), file);
    }

    private static Method allocatedBytes() {
        try {
            return Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
        } catch (ReflectiveOperationException e) {
            return null; // another JVM: the bytes column reads -1
        }
    }

    private static long allocated() {
        try {
            return ALLOCATED == null ? -1 : (long) ALLOCATED.invoke(MX, Thread.currentThread().getId());
        } catch (ReflectiveOperationException e) {
            return -1;
        }
    }

    private static String resource(String name) {
        try (InputStream in = TrapCpuRate.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
