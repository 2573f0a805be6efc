package dev.hcsim.bench;

import dev.hcsim.core.EffectLog;
import dev.hcsim.core.MemoryRegion;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The embedded trap path (decode, contract read, dispatch, contract write) for x86 KVM_HC_VAPIC_POLL_IRQ. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrapPathBenchmark {
    private Vm vm;
    private SparseMemory memory;
    private RegisterFile regs;
    private EffectLog control;

    @Setup
    public void setup() {
        vm = Vm.create(VmConfig.builder("x86").vcpus(2).build());
        memory = new SparseMemory(List.of(new MemoryRegion(0, 0x10000)));
        memory.write(0x1000, new byte[] {0x0f, 0x01, (byte) 0xc1}, 0, 3);
        regs = new RegisterFile(vm.architecture().registers());
        vm.archVm().resetVcpu(0, regs);
        control = new EffectLog(2);
    }

    @Benchmark
    public long x86VapicPollIrq() {
        regs.pc(0x1000);
        regs.set(0, 1);
        vm.trap(0, regs, memory, control);
        return regs.get(0);
    }
}
