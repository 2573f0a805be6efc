package dev.hcsim.bench;

import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.Vm;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.Instruction;
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

    @Param({"x86", "arm64", "loongarch", "s390", "ppc", "mips", "riscv"})
    public String arch;

    /** {@code branchy}: {@link Guests#LOOPS} (a branch in every three or four instructions); {@code straight}: {@link Guests#STRAIGHT}. */
    @Param({"branchy", "straight"})
    public String code;

    /** {@code interpret}: one instruction per scheduler step; {@code translate}: the block engine ({@link Machine#translate}). */
    @Param({"interpret", "translate"})
    public String engine;

    private Machine machine;
    private Cpu cpu;
    private RegisterFile regs;
    private Instruction[] decoded;
    private int[] lengths;

    @Setup
    public void setup() {
        Guests.Loop loop = code.equals("straight") ? Guests.straight(arch) : Guests.loop(arch);
        machine = Guests.machine(arch, loop.source(), Map.of(loop.counter(), Guests.FOREVER));
        machine.translate(engine.equals("translate"));
        RunResult r = machine.run(STEPS, Long.MAX_VALUE);
        if (r.reason() != RunResult.Reason.STEP_BUDGET || r.instructions() != STEPS) {
            throw new IllegalStateException(arch + " loop stopped early: " + r + " " + machine.stopReason(0));
        }
        // The same loop without the scheduler: instructions pre-decoded by offset, executed back to back.
        Vm vm = machine.vm();
        byte[] code = vm.assemble(loop.source(), Guests.CODE).bytes();
        decoded = new Instruction[code.length];
        lengths = new int[code.length];
        for (int at = 0; at < code.length; at += lengths[at]) {
            decoded[at] = Engine.context(vm).codec().decode(code, at, code.length - at, Guests.CODE + at);
            lengths[at] = decoded[at].length();
        }
        SparseMemory memory = Guests.memoryWith(vm, loop.source());
        regs = new RegisterFile(vm.architecture().registers());
        vm.resetVcpu(0, regs);
        regs.set(loop.counter(), Guests.FOREVER);
        regs.pc(Guests.CODE);
        cpu = new Cpu(Engine.context(vm), 0, regs, new MemoryAccess(memory, vm.byteOrder()));
        Guests.settle();
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public long loop() {
        return machine.run(STEPS, Long.MAX_VALUE).instructions();
    }

    /**
     * The floor under {@link #loop}: the architecture's pre-decoded instructions executed back to back
     * with no scheduler, no cache lookup and no budget checks. The difference is the scheduler's share.
     */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public long bare() {
        Instruction[] code = decoded;
        for (int i = 0; i < STEPS; i++) {
            long pc = regs.pc();
            int at = (int) (pc - Guests.CODE);
            if (code[at].execute(cpu) == Cpu.NEXT) {
                regs.pc(pc + lengths[at]);
            }
        }
        return regs.pc();
    }
}
