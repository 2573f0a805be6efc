package dev.hcsim.bench;

import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The scheduler with many vCPUs. Each benchmark call runs the machine for {@link #TICKS} ticks;
 * the {@code events} counter (scheduler events per microsecond: run, preempt, halt, wake, kick,
 * interrupt, ...) is what the targets are about, its inverse the cost per event.
 *
 * <ul>
 *   <li>{@link #kickRing}: vCPU i kicks vCPU i+1 with KVM_HC_KICK_CPU and halts, on 1 physical
 *       CPU, from 2 to 4096 vCPUs (the scaling curve: the same mix of kick, halt and run events at every size, so the cost per event shows only what the size costs).
 *   <li>{@link #ipiStorm}: 1024 vCPUs on 8 physical CPUs; vCPU 0 sends KVM_HC_SEND_IPI to 128
 *       targets at a time, round the VM, and every target wakes, runs and halts again.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SchedulerBenchmark {
    /** Scheduler ticks per benchmark call. */
    static final int TICKS = 20_000;
    /** Where the IPI targets wait. */
    static final long IDLE = Guests.CODE + 0x800;

    /** Scheduler events of the calls measured, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Events {
        public long events;
    }

    /** The kick ring: rcx of vCPU i holds the APIC ID of vCPU i+1 (mod n). */
    @State(Scope.Thread)
    public static class KickRing {
        @Param({"2", "16", "128", "1024", "4096"})
        public int vcpus;

        Machine machine;

        @Setup(Level.Trial)
        public void setup() {
            machine = kickRing(vcpus);
            requireRunning(machine);
        }
    }

    /** The IPI storm: vCPU 0 sends, the other 1023 wait in hlt. */
    @State(Scope.Thread)
    public static class IpiStorm {
        Machine machine;

        @Setup(Level.Trial)
        public void setup() {
            machine = ipiStorm();
            requireRunning(machine);
        }
    }

    /** vCPU i kicks vCPU i+1 (mod n) with KVM_HC_KICK_CPU (rcx = its APIC ID) and halts; one physical CPU. */
    static Machine kickRing(int vcpus) {
        Machine m = machine(VmConfig.builder("x86").vcpus(vcpus).pcpus(1).quantum(100).seed(9).build(),
                "loop: mov $5, %rax\n vmcall\n hlt\n jmp loop");
        for (int i = 0; i < vcpus; i++) {
            m.registers(i).set("rcx", (i + 1) % vcpus);
        }
        return m;
    }

    /** 1024 vCPUs on 8 physical CPUs: vCPU 0 sends KVM_HC_SEND_IPI to 128 APIC IDs at a time, round the VM; the rest halt. */
    static Machine ipiStorm() {
        Machine m = machine(VmConfig.builder("x86").vcpus(1024).pcpus(8).quantum(100).seed(5).build(),
                "send: mov $10, %rax\n mov $-1, %rbx\n mov $-1, %rcx\n mov %r8, %rdx\n mov $0xec, %rsi\n vmcall\n"
                        + " add $128, %r8\n and $1023, %r8\n jmp send");
        m.load(IDLE, m.vm().assemble("idle: hlt\n jmp idle", IDLE).bytes());
        for (int i = 1; i < 1024; i++) {
            m.registers(i).pc(IDLE);
        }
        return m;
    }

    static Machine machine(VmConfig config, String source) {
        Vm vm = Vm.create(config);
        Machine m = new Machine(vm, "bench");
        m.load(Guests.CODE, vm.assemble(source, Guests.CODE).bytes());
        for (int i = 0; i < vm.vcpuCount(); i++) {
            RegisterFile r = m.registers(i);
            r.pc(Guests.CODE);
        }
        return m;
    }

    static void requireRunning(Machine m) {
        RunResult r = m.run(TICKS, Long.MAX_VALUE);
        if (r.reason() != RunResult.Reason.STEP_BUDGET) {
            throw new IllegalStateException("the workload stopped: " + r + ", vCPU 0: " + m.stopReason(0));
        }
        Guests.settle();
    }

    static long run(Machine m, Events counter) {
        long before = m.events();
        RunResult r = m.run(TICKS, Long.MAX_VALUE);
        counter.events += m.events() - before;
        return r.instructions();
    }

    @Benchmark
    public long kickRing(KickRing s, Events counter) {
        return run(s.machine, counter);
    }

    @Benchmark
    public long ipiStorm(IpiStorm s, Events counter) {
        return run(s.machine, counter);
    }
}
