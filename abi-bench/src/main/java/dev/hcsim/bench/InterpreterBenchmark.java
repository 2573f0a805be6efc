package dev.hcsim.bench;

import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The standalone interpreter under the scheduler: one vCPU on one physical CPU runs a tight loop
 * without traps ({@link Guests#LOOPS}). One operation is one guest instruction, so the score is
 * guest instructions per microsecond (target: at least 200, that is 200 million per second).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InterpreterBenchmark {
    /** Instructions per benchmark call: long enough that the per-run bookkeeping does not count. */
    static final int STEPS = 1_000_000;

    @Param({"x86", "arm64", "loongarch", "s390", "ppc", "mips"})
    public String arch;

    private Machine machine;

    @Setup
    public void setup() {
        Guests.Loop loop = Guests.loop(arch);
        machine = Guests.machine(arch, loop.source(), Map.of(loop.counter(), Guests.FOREVER));
        RunResult r = machine.run(STEPS, Long.MAX_VALUE);
        if (r.reason() != RunResult.Reason.STEP_BUDGET || r.instructions() != STEPS) {
            throw new IllegalStateException(arch + " loop stopped early: " + r + " " + machine.stopReason(0));
        }
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public long loop() {
        return machine.run(STEPS, Long.MAX_VALUE).instructions();
    }
}
