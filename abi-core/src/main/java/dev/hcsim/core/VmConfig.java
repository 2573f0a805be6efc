package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * How to build one VM: architecture, vCPUs and physical CPUs, memory, features, options, seed,
 * quantum and clocks. Immutable; build with {@link #builder(String)}. Limits are checked here, before
 * anything is allocated.
 */
@API(status = STABLE, since = "1.0")
public final class VmConfig {
    /**
     * The highest TSC frequency a VM can have: KVM_SET_TSC_KHZ takes the frequency as a u32 in kHz
     * (the ioctl's u32 argument), so 4294967295 kHz; larger values would also overflow the
     * nanosecond-to-tick products of the clocks.
     */
    public static final long MAX_TSC_HZ = 0xFFFF_FFFFL * 1000;

    /** Most vCPUs one VM may have. */
    public static final int MAX_VCPUS = 16384;
    /** Most physical CPUs one VM may be simulated on. */
    public static final int MAX_PCPUS = 4096;

    private final String architecture;
    private final int vcpus;
    private final int pcpus;
    private final long quantum;
    private final long seed;
    private final List<MemoryRegion> memory;
    private final Set<String> featuresOn;
    private final Set<String> featuresOff;
    private final Map<String, String> options;
    private final long[] vcpuIds;
    private final long tscHz;
    private final long realtimeEpochNanos;
    private final long nanosPerInstruction;
    private final Interleave interleave;

    private VmConfig(Builder b) {
        this.architecture = b.architecture;
        this.vcpus = b.vcpus;
        this.pcpus = b.pcpus;
        this.quantum = b.quantum;
        this.seed = b.seed;
        this.memory = List.copyOf(b.memory);
        this.featuresOn = Set.copyOf(b.featuresOn);
        this.featuresOff = Set.copyOf(b.featuresOff);
        this.options = Map.copyOf(b.options);
        this.vcpuIds = b.vcpuIds == null ? null : b.vcpuIds.clone();
        this.tscHz = b.tscHz;
        this.realtimeEpochNanos = b.realtimeEpochNanos;
        this.nanosPerInstruction = b.nanosPerInstruction;
        this.interleave = b.interleave;
    }

    /**
     * Starts a config for the named architecture (a name or alias).
     * @param architecture the architecture's name or alias, looked up when the VM is created
     * @return a builder with the defaults: 1 vCPU, 1 physical CPU, a quantum of 1000, 64 KiB of memory at 0
     */
    public static Builder builder(String architecture) {
        return new Builder(architecture);
    }

    /**
     * A builder holding this config's values, to derive a changed copy.
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(architecture).vcpus(vcpus).pcpus(pcpus).quantum(quantum).seed(seed).tscHz(tscHz)
                .realtimeEpochNanos(realtimeEpochNanos).nanosPerInstruction(nanosPerInstruction).interleave(interleave);
        b.memory.clear();
        b.memory.addAll(memory);
        b.featuresOn.addAll(featuresOn);
        b.featuresOff.addAll(featuresOff);
        b.options.putAll(options);
        b.vcpuIds = vcpuIds;
        return b;
    }

    /**
     * The architecture's name or alias, as given.
     * @return the name
     */
    public String architecture() {
        return architecture;
    }

    /**
     * The number of vCPUs.
     * @return 1 to {@link #MAX_VCPUS}
     */
    public int vcpus() {
        return vcpus;
    }

    /**
     * The number of physical CPUs the scheduler runs vCPUs on.
     * @return 1 to {@link #MAX_PCPUS}
     */
    public int pcpus() {
        return pcpus;
    }

    /**
     * Guest instructions a vCPU runs before the scheduler may preempt it.
     * @return the quantum, at least 1
     */
    public long quantum() {
        return quantum;
    }

    /**
     * The seed of every random choice the VM and its scheduler make.
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * The guest memory regions.
     * @return an unmodifiable list, 64 KiB at 0 unless set
     */
    public List<MemoryRegion> memory() {
        return memory;
    }

    /**
     * True when {@code [gpa, gpa + len)} lies in one memory region: what KVM's memslot checks
     * (kvm_is_error_hva(gfn_to_hva(...)), kvm_gfn_to_hva_cache_init) ask of a VMM-given address.
     * @param gpa the guest physical address
     * @param len the length in bytes, at least 1
     * @return whether one region holds the whole range
     */
    public boolean inMemory(long gpa, long len) {
        for (MemoryRegion m : memory) {
            if (m.contains(gpa, len)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Features switched on explicitly.
     * @return an unmodifiable set of feature names
     */
    public Set<String> featuresOn() {
        return featuresOn;
    }

    /**
     * Features switched off explicitly.
     * @return an unmodifiable set of feature names
     */
    public Set<String> featuresOff() {
        return featuresOff;
    }

    /**
     * Architecture options by name (unresolved: defaults are the architecture's).
     * @return an unmodifiable map
     */
    public Map<String, String> options() {
        return options;
    }

    /**
     * Explicit architecture ids of the vCPUs (APIC IDs, MPIDRs), or null for the architecture's default.
     * @return a copy of the ids, one per vCPU, or null
     */
    public long[] vcpuIds() {
        return vcpuIds == null ? null : vcpuIds.clone();
    }

    /**
     * Frequency of the virtual TSC / counter in Hz.
     * @return the frequency, 1 GHz unless set
     */
    public long tscHz() {
        return tscHz;
    }

    /**
     * The host's realtime clock at virtual time 0, in nanoseconds since the Unix epoch.
     * @return the epoch, 2026-01-01T00:00:00Z unless set (so that traces are identical across runs)
     */
    public long realtimeEpochNanos() {
        return realtimeEpochNanos;
    }

    /**
     * Virtual nanoseconds one guest instruction takes.
     * @return at least 1
     */
    public long nanosPerInstruction() {
        return nanosPerInstruction;
    }

    /**
     * How finely the scheduler interleaves the physical CPUs (with one physical CPU both ways give the same run).
     * @return {@link Interleave#BLOCK} unless set
     */
    public Interleave interleave() {
        return interleave;
    }

    /** Builder with the defaults: 1 vCPU, 1 physical CPU, 64 KiB at 0, quantum 1000, seed 0, 1 GHz TSC, block interleaving. */
    public static final class Builder {
        private final String architecture;
        private int vcpus = 1;
        private int pcpus = 1;
        private long quantum = 1000;
        private long seed;
        private final List<MemoryRegion> memory = new ArrayList<>(List.of(new MemoryRegion(0, 0x10000)));
        private boolean memorySet;
        private final Set<String> featuresOn = new LinkedHashSet<>();
        private final Set<String> featuresOff = new LinkedHashSet<>();
        private final Map<String, String> options = new LinkedHashMap<>();
        private long[] vcpuIds;
        private long tscHz = 1_000_000_000L;
        // 2026-01-01T00:00:00Z: a fixed epoch keeps traces identical across runs.
        private long realtimeEpochNanos = 1_767_225_600_000_000_000L;
        private long nanosPerInstruction = 1;
        private Interleave interleave = Interleave.BLOCK;

        private Builder(String architecture) {
            this.architecture = architecture;
        }

        /**
         * Sets the number of vCPUs.
         * @param n 1 to {@link #MAX_VCPUS}
         * @return this builder
         * @throws IllegalArgumentException when {@code n} is out of range
         */
        public Builder vcpus(int n) {
            if (n < 1 || n > MAX_VCPUS) {
                throw new IllegalArgumentException("vcpus must be 1.." + MAX_VCPUS + ", got " + n);
            }
            vcpus = n;
            return this;
        }

        /**
         * Sets the number of physical CPUs.
         * @param n 1 to {@link #MAX_PCPUS}
         * @return this builder
         * @throws IllegalArgumentException when {@code n} is out of range
         */
        public Builder pcpus(int n) {
            if (n < 1 || n > MAX_PCPUS) {
                throw new IllegalArgumentException("physical CPUs must be 1.." + MAX_PCPUS + ", got " + n);
            }
            pcpus = n;
            return this;
        }

        /**
         * Sets the scheduler quantum.
         * @param q guest instructions per time slice, at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code q} is below 1
         */
        public Builder quantum(long q) {
            if (q < 1) {
                throw new IllegalArgumentException("quantum must be at least 1 instruction, got " + q);
            }
            quantum = q;
            return this;
        }

        /**
         * Sets the seed.
         * @param s any value
         * @return this builder
         */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /**
         * Adds a memory region; the first call replaces the default 64 KiB at 0.
         * @param base the first guest physical address
         * @param size the length in bytes, at least 1
         * @return this builder
         * @throws IllegalArgumentException for an empty region or one past the 63-bit address space
         */
        public Builder memory(long base, long size) {
            if (!memorySet) {
                memory.clear();
                memorySet = true;
            }
            memory.add(new MemoryRegion(base, size));
            return this;
        }

        /**
         * Switches a feature on or off against the architecture's default.
         * @param name a feature the architecture declares (checked when the VM is created)
         * @param on true to switch it on, false to switch it off
         * @return this builder
         */
        public Builder feature(String name, boolean on) {
            (on ? featuresOn : featuresOff).add(name);
            (on ? featuresOff : featuresOn).remove(name);
            return this;
        }

        /**
         * Sets an architecture option.
         * @param name an option the architecture declares (checked when the VM is created)
         * @param value its value
         * @return this builder
         */
        public Builder option(String name, String value) {
            options.put(name, value);
            return this;
        }

        /**
         * Sets the architecture ids of the vCPUs.
         * @param ids one distinct id per vCPU
         * @return this builder
         */
        public Builder vcpuIds(long... ids) {
            vcpuIds = ids.clone();
            return this;
        }

        /**
         * Sets the frequency of the virtual TSC / counter.
         * @param hz the frequency in Hz, 1 to {@link VmConfig#MAX_TSC_HZ}
         * @return this builder
         * @throws IllegalArgumentException when {@code hz} is below 1 or above {@link VmConfig#MAX_TSC_HZ}
         */
        public Builder tscHz(long hz) {
            if (hz < 1 || hz > MAX_TSC_HZ) {
                throw new IllegalArgumentException("TSC frequency must be 1 to " + MAX_TSC_HZ + " Hz (KVM_SET_TSC_KHZ takes a u32 kHz), not " + hz);
            }
            tscHz = hz;
            return this;
        }

        /**
         * Sets the host's realtime clock at virtual time 0.
         * @param ns nanoseconds since the Unix epoch
         * @return this builder
         */
        public Builder realtimeEpochNanos(long ns) {
            realtimeEpochNanos = ns;
            return this;
        }

        /**
         * Sets the virtual time one guest instruction takes.
         * @param ns nanoseconds, at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code ns} is below 1
         */
        public Builder nanosPerInstruction(long ns) {
            if (ns < 1) {
                throw new IllegalArgumentException("nanoseconds per instruction must be at least 1");
            }
            nanosPerInstruction = ns;
            return this;
        }

        /**
         * Sets how finely the scheduler interleaves the physical CPUs.
         * @param i {@link Interleave#BLOCK} (the default) or {@link Interleave#INSTRUCTION}
         * @return this builder
         * @throws NullPointerException when {@code i} is null
         */
        public Builder interleave(Interleave i) {
            interleave = Objects.requireNonNull(i, "interleave");
            return this;
        }

        /**
         * Builds the config.
         * @return the config
         * @throws IllegalArgumentException when the vCPU ids do not number one per vCPU
         */
        public VmConfig build() {
            if (vcpuIds != null && vcpuIds.length != vcpus) {
                throw new IllegalArgumentException("vcpuIds lists " + vcpuIds.length + " ids for " + vcpus + " vCPUs");
            }
            return new VmConfig(this);
        }
    }
}
