package dev.hcsim.bench;

import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import java.util.Map;
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
 * One paravirtual IPI to 128 targets, through the trap path with the scheduler as the
 * {@code VcpuControl}: x86 KVM_HC_SEND_IPI (bitmap rbx:rcx from APIC ID 1, arch/x86/kvm/lapic.c
 * kvm_pv_send_ipi) and LoongArch KVM_HCALL_FUNC_IPI (bitmap a1:a2 from CPU id 1,
 * arch/loongarch/kvm/exit.c kvm_send_pv_ipi). The machine is not run between calls, so after the
 * first call the targets are runnable and each call counts one more pending interrupt per target.
 * Target: at most 2 microseconds per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class IpiBenchmark {
    /** The call per architecture: trap instruction, registers, result register and the kernel's answer. */
    static final Map<String, Guests.CheapestCall> IPI_128 = Map.of(
            "x86", new Guests.CheapestCall("x86", "vmcall", Map.of("rax", 10L, "rbx", -1L, "rcx", -1L, "rdx", 1L, "rsi", 0xecL), "rax", 128),
            "loongarch", new Guests.CheapestCall("loongarch", "hvcl 0x100", Map.of("a0", 1L, "a1", -1L, "a2", -1L, "a3", 1L), "a0", 0));

    @Param({"x86", "loongarch"})
    public String arch;

    private Machine machine;
    private RegisterFile regs;
    private Guests.Preset preset;

    @Setup
    public void setup() {
        Guests.CheapestCall call = IPI_128.get(arch);
        machine = new Machine(VmConfig.builder(arch).vcpus(129).pcpus(2).build(), "ipi");
        machine.load(Guests.CODE, machine.vm().assemble(call.instruction(), Guests.CODE).bytes());
        regs = machine.registers(0);
        preset = Guests.Preset.of(call, regs.layout());
        if (send() != call.expected() || machine.interrupts(128).isEmpty()) {
            throw new IllegalStateException(arch + ": the IPI did not reach 128 targets: " + call.resultRegister() + " = " + send());
        }
        Guests.settle();
    }

    @Benchmark
    public long send() {
        preset.apply(regs);
        machine.vm().trap(0, regs, machine.memory(), machine);
        return regs.get(preset.result());
    }
}
