package dev.hcsim.conformance;

import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.scenario.JsonLines;
import dev.hcsim.core.trace.Trace;
import java.util.List;
import java.util.Map;

/**
 * A multi-vCPU VM under the scheduler: every vCPU runs a few of the architecture's trap
 * instructions with its own registers, on {@code pcpus} physical CPUs with a quantum and a seed.
 * What the determinism property runs twice.
 *
 * @param architecture canonical architecture name
 * @param options      VM options
 * @param features     VM features switched on or off
 * @param pcpus        physical CPUs
 * @param quantum      instructions per time slice
 * @param seed         the scheduler's seed
 * @param trap         the trap instruction every vCPU repeats
 * @param traps        how many traps each vCPU runs before its program ends
 * @param registers    each vCPU's registers, by ABI name (one map per vCPU)
 */
public record MachineCase(String architecture, Map<String, String> options, Map<String, Boolean> features, int pcpus, long quantum, long seed, byte[] trap, int traps,
        List<Map<String, Long>> registers) {
    /** Most scheduler steps one run takes: enough for every trap, bounded for any input. */
    static final long MAX_STEPS = 2_000;
    /** Each vCPU's program lives at the default entry plus this stride times its index. */
    static final long STRIDE = 0x200;

    /**
     * Copies the collections and the trap bytes, so that a case never changes.
     * @param architecture canonical architecture name
     * @param options VM options
     * @param features VM features switched on or off
     * @param pcpus physical CPUs
     * @param quantum instructions per time slice
     * @param seed the scheduler's seed
     * @param trap the trap instruction every vCPU repeats
     * @param traps how many traps each vCPU runs before its program ends
     * @param registers each vCPU's registers, by ABI name (one map per vCPU)
     */
    public MachineCase {
        options = Map.copyOf(options);
        features = Map.copyOf(features);
        trap = trap.clone();
        registers = registers.stream().map(Map::copyOf).toList();
    }

    /**
     * Runs the machine once and returns its trace as JSON lines.
     * @return the trace, one JSON object per line
     */
    public String trace() {
        VmConfig.Builder b = VmConfig.builder(architecture).vcpus(registers.size()).pcpus(pcpus).quantum(quantum).seed(seed);
        options.forEach(b::option);
        features.forEach(b::feature);
        Machine m = new Machine(b.build(), "conformance");
        Trace t = new Trace();
        m.traceTo(t);
        long entry = m.vm().architecture().defaultEntry();
        for (int v = 0; v < registers.size(); v++) {
            byte[] program = new byte[trap.length * traps];
            for (int i = 0; i < traps; i++) {
                System.arraycopy(trap, 0, program, i * trap.length, trap.length);
            }
            long at = entry + v * STRIDE;
            m.load(at, program);
            var regs = m.registers(v);
            registers.get(v).forEach((name, value) -> regs.set(name, value));
            regs.pc(at);
        }
        m.run(MAX_STEPS, Long.MAX_VALUE);
        StringBuilder sb = new StringBuilder();
        t.events().forEach(e -> sb.append(JsonLines.line(e)).append('\n'));
        return sb.toString();
    }

    @Override
    public String toString() {
        return architecture + " " + options + " " + features + " vcpus=" + registers.size() + " pcpus=" + pcpus + " quantum=" + quantum + " seed=" + seed
                + " traps=" + traps + " registers=" + registers;
    }
}
