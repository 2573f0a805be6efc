package dev.hcsim.bench;

import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link InterpreterBenchmark#loop}'s workloads timed by the thread's CPU time instead of the wall clock: on a machine
 * shared by many builds the wall clock mostly measures how long the thread waited for a core, while the CPU time
 * counts what the code itself costs. Prints one line per architecture, code shape and engine: the median and best
 * of {@code rounds} runs of {@code steps} scheduler steps each, in millions of guest instructions per CPU second.
 * The CPU-time figures complement, not replace, the JMH ones.
 *
 * <p>Usage: {@code java -cp abi-bench/target/benchmarks.jar dev.hcsim.bench.EngineCpuRate [rounds] [steps] [engines]
 * [architectures]}: {@code engines} is {@code interpret,translate} (the default) or one of them, {@code architectures}
 * a comma-separated list (default: all seven).
 */
public final class EngineCpuRate {
    private EngineCpuRate() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        long steps = args.length > 1 ? Long.parseLong(args[1]) : 20_000_000L;
        List<String> engines = List.of((args.length > 2 ? args[2] : "interpret,translate").split(","));
        List<String> archs = args.length > 3 ? List.of(args[3].split(",")) : null;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (Guests.Loop loop : Guests.LOOPS) {
            if (archs != null && !archs.contains(loop.arch())) {
                continue;
            }
            for (String code : List.of("branchy", "straight")) {
                Guests.Loop l = code.equals("straight") ? Guests.straight(loop.arch()) : loop;
                for (String engine : engines) {
                    Machine m = Guests.machine(l.arch(), l.source(), Map.of(l.counter(), Guests.FOREVER));
                    m.translate(engine.equals("translate"));
                    List<Double> rates = new ArrayList<>();
                    for (int r = 0; r < rounds + 3; r++) { // the first three warm the JIT up
                        long t0 = mx.getCurrentThreadCpuTime();
                        RunResult res = m.run(steps, Long.MAX_VALUE);
                        long t1 = mx.getCurrentThreadCpuTime();
                        if (res.reason() != RunResult.Reason.STEP_BUDGET) {
                            throw new IllegalStateException(l.arch() + " stopped: " + res + " " + m.stopReason(0));
                        }
                        if (r >= 3) {
                            rates.add(steps * 1e3 / (t1 - t0));
                        }
                    }
                    rates.sort(null);
                    System.out.printf(Locale.ROOT, "%-9s %-8s %-9s median %6.0f  best %6.0f  M instructions per CPU second%n", l.arch(), code,
                            engine, rates.get(rates.size() / 2), rates.get(rates.size() - 1));
                }
            }
        }
    }
}
