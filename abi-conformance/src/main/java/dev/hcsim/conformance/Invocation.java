package dev.hcsim.conformance;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.MemoryRegion;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.RegisterLayout;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One generated trap: the VM (architecture, options, vCPUs, seed), the calling vCPU, the trap
 * instruction's bytes, the caller's registers and preloaded guest memory. The trap instruction sits
 * at the architecture's default entry, in the VM's default memory (64 KiB at 0), exactly as
 * {@code hcsim call} places it, so that {@link #commandLine()} reproduces the case.
 *
 * @param architecture canonical architecture name
 * @param options      VM options by name (only those that differ from the defaults need be given)
 * @param features     VM features switched on (true) or off (false) against the architecture's defaults
 * @param vcpus        vCPUs in the VM; every vCPU but the caller is halted
 * @param vcpu         the calling vCPU
 * @param off          vCPUs that are powered off (never the caller); the others are halted
 * @param seed         the VM's seed
 * @param trap         the trap instruction's bytes in memory order
 * @param registers    register values by ABI name, applied over the vCPU's reset state
 * @param memory       guest memory to preload, address to bytes
 * @param extraMemory  guest memory regions the VM owns besides the default 64 KiB at 0 (a layout
 *                     {@code hcsim call} cannot express yet: the command line names them in a comment)
 */
public record Invocation(String architecture, Map<String, String> options, Map<String, Boolean> features, int vcpus, int vcpu, java.util.Set<Integer> off, long seed, byte[] trap,
        Map<String, Long> registers, Map<Long, byte[]> memory, List<MemoryRegion> extraMemory) {

    /**
     * Copies the collections and the trap bytes, so that an invocation never changes.
     * @param architecture canonical architecture name
     * @param options VM options by name (only those that differ from the defaults need be given)
     * @param features VM features switched on (true) or off (false) against the architecture's defaults
     * @param vcpus vCPUs in the VM; every vCPU but the caller is halted
     * @param vcpu the calling vCPU
     * @param off vCPUs that are powered off (never the caller); the others are halted
     * @param seed the VM's seed
     * @param trap the trap instruction's bytes in memory order
     * @param registers register values by ABI name, applied over the vCPU's reset state
     * @param memory guest memory to preload, address to bytes
     * @param extraMemory guest memory regions the VM owns besides the default 64 KiB at 0 (a layout {@code hcsim call}
     *   cannot express yet: the command line names them in a comment)
     * @throws IllegalArgumentException when the calling vCPU is among those powered off
     */
    public Invocation {
        Objects.requireNonNull(architecture);
        options = Map.copyOf(options);
        features = Map.copyOf(features);
        off = java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(off));
        if (off.contains(vcpu)) {
            throw new IllegalArgumentException("the calling vCPU " + vcpu + " cannot be off");
        }
        trap = trap.clone();
        registers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(registers));
        memory = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(memory));
        extraMemory = List.copyOf(extraMemory);
    }

    /**
     * A call in the default memory layout, as {@code hcsim call} runs it.
     * @param architecture canonical architecture name
     * @param options VM options by name
     * @param features VM features switched on (true) or off (false)
     * @param vcpus vCPUs in the VM
     * @param vcpu the calling vCPU
     * @param off vCPUs that are powered off (never the caller)
     * @param seed the VM's seed
     * @param trap the trap instruction's bytes in memory order
     * @param registers register values by ABI name, applied over the vCPU's reset state
     * @param memory guest memory to preload, address to bytes
     */
    public Invocation(String architecture, Map<String, String> options, Map<String, Boolean> features, int vcpus, int vcpu,
            java.util.Set<Integer> off, long seed, byte[] trap, Map<String, Long> registers, Map<Long, byte[]> memory) {
        this(architecture, options, features, vcpus, vcpu, off, seed, trap, registers, memory, List.of());
    }

    /**
     * The VM this call runs on.
     * @return the VM configuration: architecture, vCPUs, seed, options, features and memory regions
     */
    public VmConfig config() {
        VmConfig.Builder b = VmConfig.builder(architecture).vcpus(vcpus).seed(seed);
        options.forEach(b::option);
        features.forEach(b::feature);
        if (!extraMemory.isEmpty()) {
            b.memory(0, DEFAULT_MEMORY);
            extraMemory.forEach(r -> b.memory(r.base(), r.size()));
        }
        return b.build();
    }

    /** The default guest memory: 64 KiB at 0, where {@code hcsim call} puts the trap. */
    static final long DEFAULT_MEMORY = 0x10000;

    /**
     * The guest memory the VM owns.
     * @return the default 64 KiB at 0, then the extra regions
     */
    public List<MemoryRegion> regions() {
        return config().memory();
    }

    /**
     * A copy with other register values.
     * @param regs the new register values by ABI name (replacing all of them)
     * @return the copy
     */
    public Invocation withRegisters(Map<String, Long> regs) {
        return new Invocation(architecture, options, features, vcpus, vcpu, off, seed, trap, regs, memory, extraMemory);
    }

    /**
     * A copy with other options.
     * @param opts the new VM options by name (replacing all of them)
     * @return the copy
     */
    public Invocation withOptions(Map<String, String> opts) {
        return new Invocation(architecture, opts, features, vcpus, vcpu, off, seed, trap, registers, memory, extraMemory);
    }

    /**
     * A copy with another trap instruction.
     * @param bytes the trap instruction's bytes in memory order
     * @return the copy
     */
    public Invocation withTrap(byte[] bytes) {
        return new Invocation(architecture, options, features, vcpus, vcpu, off, seed, bytes, registers, memory, extraMemory);
    }

    /**
     * The {@code hcsim call} command line that runs this case. Registers equal to their reset value
     * are left out, so that a shrunk case stays short.
     * @return the command line, one line
     */
    public String commandLine() {
        StringBuilder sb = new StringBuilder("hcsim call --arch ").append(architecture);
        if (vcpus != 1) {
            sb.append(" --vcpus ").append(vcpus);
        }
        if (vcpu != 0) {
            sb.append(" --vcpu ").append(vcpu);
        }
        if (!off.isEmpty()) {
            sb.append(" --off ").append(off.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",")));
        }
        if (seed != 0) {
            sb.append(" --seed ").append(seed);
        }
        new java.util.TreeMap<>(features).forEach((k, on) -> sb.append(on ? " --feature " : " --no-feature ").append(k));
        new java.util.TreeMap<>(options).forEach((k, v) -> sb.append(" --").append(k).append(' ').append(v));
        if (!extraMemory.isEmpty()) {
            sb.append(" --memory 0:0x10000");
            extraMemory.forEach(r -> sb.append(" --memory 0x").append(Long.toHexString(r.base())).append(":0x").append(Long.toHexString(r.size())));
        }
        sb.append(" --insn ").append(Bytes.hex(trap));
        memory.forEach((gpa, bytes) -> sb.append(" --mem 0x").append(Long.toHexString(gpa)).append('=').append(Bytes.hex(bytes)));
        RegisterFile reset = resetRegisters();
        for (Map.Entry<String, Long> e : registers.entrySet()) {
            int i = reset.layout().indexOf(e.getKey());
            if (i >= 0 && reset.get(i) == e.getValue()) {
                continue;
            }
            sb.append(' ').append(e.getKey()).append('=').append(e.getValue() == 0 ? "0" : "0x" + Long.toHexString(e.getValue()));
        }
        return sb.toString();
    }

    /** The calling vCPU's registers after reset, before this case's values are applied. */
    RegisterFile resetRegisters() {
        Vm vm = Vm.create(config());
        RegisterLayout layout = vm.architecture().registers();
        RegisterFile regs = new RegisterFile(layout);
        vm.resetVcpu(vcpu, regs);
        return regs;
    }

    @Override
    public String toString() {
        return commandLine();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Invocation i && i.architecture.equals(architecture) && i.options.equals(options) && i.features.equals(features) && i.vcpus == vcpus
                && i.vcpu == vcpu && i.off.equals(off) && i.seed == seed && Arrays.equals(i.trap, trap) && i.registers.equals(registers)
                && sameMemory(i.memory, memory) && i.extraMemory.equals(extraMemory);
    }

    private static boolean sameMemory(Map<Long, byte[]> a, Map<Long, byte[]> b) {
        return a.size() == b.size() && a.entrySet().stream().allMatch(e -> b.containsKey(e.getKey()) && Arrays.equals(e.getValue(), b.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        return Objects.hash(architecture, options, features, vcpus, vcpu, off, seed, Arrays.hashCode(trap), registers, memory.keySet());
    }
}
