package dev.hcsim.bench;

import dev.hcsim.core.EffectLog;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The embedded trap path (fetch and decode, contract read, dispatch, contract write) of each
 * architecture's cheapest call ({@link Guests#CHEAPEST}), as an emulator calls it: {@link Vm#trap}
 * with its own registers and memory. Target: at most 10 ns and 0 bytes per call ({@code -prof gc}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrapPathBenchmark {
    @Param({"x86", "arm64", "loongarch", "s390", "ppc", "mips", "riscv"})
    public String arch;

    private Vm vm;
    private SparseMemory memory;
    private RegisterFile regs;
    private EffectLog control;
    private Guests.Preset preset;

    @Setup
    public void setup() {
        Guests.CheapestCall call = Guests.cheapest(arch);
        vm = Vm.create(VmConfig.builder(arch).vcpus(2).build());
        memory = Guests.memoryWith(vm, call.instruction());
        regs = new RegisterFile(vm.architecture().registers());
        vm.resetVcpu(0, regs);
        control = new EffectLog(2);
        preset = Guests.Preset.of(call, regs.layout());
        if (trap() != call.expected()) {
            throw new IllegalStateException(arch + ": " + call.resultRegister() + " = 0x" + Long.toHexString(regs.get(preset.result()))
                    + ", KVM answers 0x" + Long.toHexString(call.expected()));
        }
        Guests.settle();
    }

    @Benchmark
    public long trap() {
        preset.apply(regs);
        vm.trap(0, regs, memory, control);
        return regs.get(preset.result());
    }
}
