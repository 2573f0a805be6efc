package dev.hcsim.bench;

import dev.hcsim.core.sched.Machine;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The heap a machine keeps per vCPU (issue 18: "a 4096-vCPU VM's footprint per vCPU reported"): the kick ring of
 * {@link SchedulerBenchmark} at each size, run until every vCPU has trapped at least once (so that its trap frame and
 * register file are in use), measured as the heap in use after full collections with the machine held, minus the heap
 * in use before it was built. Memory, not time: the numbers do not depend on the machine's load.
 *
 * <pre>java -cp abi-bench/target/benchmarks.jar dev.hcsim.bench.MachineFootprint [vCPUs ...]</pre>
 */
public final class MachineFootprint {
    private MachineFootprint() {
    }

    /**
     * Prints one line per size: the machine's retained heap, and that divided by its vCPUs.
     * @param args the vCPU counts (default 2 16 128 1024 4096)
     */
    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {2, 16, 128, 1024, 4096} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.println("vCPUs  retained heap      per vCPU");
        long[] retained = new long[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            int n = sizes[i];
            long before = usedAfterGc();
            List<Machine> held = new ArrayList<>();
            Machine m = SchedulerBenchmark.kickRing(n);
            m.run(Math.max(20_000, 8L * n), Long.MAX_VALUE);
            held.add(m);
            long after = usedAfterGc();
            retained[i] = after - before;
            System.out.printf(Locale.ROOT, "%5d  %10d B  %10.0f B%n", n, retained[i], retained[i] / (double) n);
            if (held.get(0).events() < n) {
                throw new IllegalStateException("not every vCPU ran: " + held.get(0).events() + " events");
            }
        }
        if (sizes.length >= 2) {
            int a = sizes.length - 2;
            int b = sizes.length - 1;
            System.out.printf(Locale.ROOT, "per added vCPU from %d to %d vCPUs: %.0f B (the fixed part, caches of decoded and compiled code, cancels)%n",
                    sizes[a], sizes[b], (retained[b] - retained[a]) / (double) (sizes[b] - sizes[a]));
        }
    }

    private static long usedAfterGc() {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
