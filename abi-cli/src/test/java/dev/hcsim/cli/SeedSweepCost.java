package dev.hcsim.cli;

import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one seed of a sweep costs, by CPU time and bytes rather than wall time (docs/performance.md, "Seed sweeps"): the
 * sweep's per-seed work (machines from the prepared scenario, run untraced, checked) on this thread, after a warm-up,
 * with this thread's CPU time and allocated bytes per seed, then every JVM thread's CPU time by name from
 * {@code /proc/self/task} on Linux (the JIT compiler and GC threads are what a second job competes with). Not a test:
 *
 * <pre>
 * mvn -q -o package -DskipTests -pl abi-cli -am &amp;&amp; mvn -q -o test-compile -pl abi-cli
 * java -XX:+UseSerialGC -cp abi-cli/target/hcsim.jar:abi-cli/target/test-classes dev.hcsim.cli.SeedSweepCost \
 *     examples/x86-pv-spinlock-lost-wakeup.json 20000 100000
 * </pre>
 */
final class SeedSweepCost {
    private SeedSweepCost() {
    }

    public static void main(String[] args) throws IOException, ReflectiveOperationException {
        Scenario s = ScenarioReader.read(Path.of(args[0]));
        long warm = Long.parseLong(args[1]);
        long n = Long.parseLong(args[2]);
        ScenarioRunner.Budget budget = new ScenarioRunner.Budget(0, 0, ScenarioRunner.Budget.DEFAULT_INSTRUCTIONS, Long.MAX_VALUE);
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        // the allocation counter is the JDK's extension, reached reflectively (as AllocationRounds does)
        java.lang.reflect.Method allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
        ScenarioRunner.Prepared prepared = ScenarioRunner.prepare(s);
        for (long seed = 1; seed <= warm; seed++) {
            ScenarioRunner.firstFailure(s, prepared.build(seed), budget);
        }
        long id = Thread.currentThread().getId();
        long cpu0 = mx.getCurrentThreadCpuTime();
        long bytes0 = (Long) allocated.invoke(mx, id);
        long failing = 0;
        for (long seed = warm + 1; seed <= warm + n; seed++) {
            failing += ScenarioRunner.firstFailure(s, prepared.build(seed), budget) == null ? 0 : 1;
        }
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        long bytes = (Long) allocated.invoke(mx, id) - bytes0;
        System.out.printf(Locale.ROOT, "%s: %d seeds after %d (%d failing): %.1f us CPU and %d bytes per seed%n", s.name(), n, warm, failing,
                cpu / 1e3 / n, bytes / n);
        Path tasks = Path.of("/proc/self/task");
        if (Files.isDirectory(tasks)) {
            Map<String, Long> byName = new TreeMap<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(tasks)) {
                for (Path t : ds) {
                    try {
                        String name = Files.readString(t.resolve("comm")).strip().replaceAll("[0-9#]+$", "");
                        String[] stat = Files.readString(t.resolve("stat")).replaceAll("^.*\\) ", "").split(" ");
                        byName.merge(name, (Long.parseLong(stat[11]) + Long.parseLong(stat[12])) * 10, Long::sum); // clock ticks of 10 ms
                    } catch (IOException gone) {
                        // a thread that ended while we looked
                    }
                }
            }
            byName.values().removeIf(ms -> ms < 50);
            System.out.println("CPU time by thread (ms, whole process, warm-up included): " + byName);
        }
    }
}
