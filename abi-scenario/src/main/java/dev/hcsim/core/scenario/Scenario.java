package dev.hcsim.core.scenario;

import dev.hcsim.core.Interleave;
import java.util.List;
import java.util.Map;

/**
 * A scenario: one or more VMs, each vCPU's program in its architecture's assembly, and the
 * expectations that must hold at the end. Read from JSON with {@link ScenarioReader}; run with
 * {@link ScenarioRunner}. The CLI and the tests run the same files.
 */
public record Scenario(String file, String name, String title, String description, List<VmSpec> vms, List<Expectation> expectations,
        Where where) {

    /**
     * A scenario without line information: errors name the file and the JSON path.
     * @param file the name used in messages
     * @param name the scenario's name
     * @param title its title
     * @param description its description
     * @param vms its VMs
     * @param expectations its expectations
     */
    public Scenario(String file, String name, String title, String description, List<VmSpec> vms, List<Expectation> expectations) {
        this(file, name, title, description, vms, expectations, path -> file);
    }

    /**
     * The same scenario with every VM's scheduler seed replaced (what {@code hcsim run --seed} and a seed sweep run).
     * @param seed the seed every VM's scheduler starts from
     * @return a copy that differs only in the seeds
     */
    public Scenario withSeed(long seed) {
        return new Scenario(file, name, title, description, vms.stream().map(v -> v.withSeed(seed)).toList(), expectations, where);
    }

    /**
     * The same scenario with every VM's interleaving of its physical CPUs replaced (what {@code hcsim run --interleave} runs).
     * @param i the interleaving every VM's scheduler uses
     * @return a copy that differs only in the interleaving
     */
    public Scenario withInterleave(Interleave i) {
        return new Scenario(file, name, title, description, vms.stream().map(v -> v.withInterleave(i)).toList(), expectations, where);
    }

    /** Where a JSON path stood in the file, for messages about it after reading (building, assembling). */
    @FunctionalInterface
    public interface Where {
        /**
         * The place of a JSON path.
         * @param jsonPath such as {@code $.vm.programs[0].source}
         * @return "file:line:col", or the file alone when the place is not known
         */
        String at(String jsonPath);
    }

    /**
     * One VM of a scenario. {@code hostReturns}: by exit reason, the host's answer in {@code struct kvm_run}'s order
     * (one value; two for {@code KVM_EXIT_RISCV_SBI}'s ret[0] and ret[1]).
     */
    public record VmSpec(String name, String arch, int vcpus, int pcpus, long quantum, Interleave interleave, long seed, List<long[]> memory,
            Map<String, Boolean> features, Map<String, String> options, long[] vcpuIds, long maxSteps, long maxTimeNanos,
            List<ProgramSpec> programs, List<DataSpec> data, List<CpuSpec> cpus, Map<String, List<Long>> hostReturns) {
        /**
         * This VM with another scheduler seed.
         * @param newSeed the seed
         * @return a copy that differs only in the seed
         */
        public VmSpec withSeed(long newSeed) {
            return new VmSpec(name, arch, vcpus, pcpus, quantum, interleave, newSeed, memory, features, options, vcpuIds, maxSteps, maxTimeNanos,
                    programs, data, cpus, hostReturns);
        }

        /**
         * This VM with another interleaving of its physical CPUs.
         * @param i the interleaving
         * @return a copy that differs only in the interleaving
         */
        public VmSpec withInterleave(Interleave i) {
            return new VmSpec(name, arch, vcpus, pcpus, quantum, i, seed, memory, features, options, vcpuIds, maxSteps, maxTimeNanos, programs, data,
                    cpus, hostReturns);
        }
    }

    /** A program: assembly source placed at {@code at}. */
    public record ProgramSpec(String name, long at, String source, String path) {
    }

    /** Raw bytes placed in guest memory before the run. */
    public record DataSpec(long at, byte[] bytes, String path) {
    }

    /**
     * A vCPU's initial state: entry (a program name, a label, or an address), scheduling state, and
     * register values.
     */
    public record CpuSpec(int vcpu, String entry, String state, Map<String, Long> registers, String path) {
    }

    /** One expectation, checked after the run. */
    public sealed interface Expectation permits RegisterEquals, MemoryEquals, StateIs, InterruptsDelivered, TraceContains, StopReasonContains {
        /**
         * Where the expectation stands in the file (its JSON path).
         * @return the JSON path of the expectation in the scenario file
         */
        String path();

        /**
         * The VM it is about (null when it is about the whole trace).
         * @return the VM's name, or null
         */
        String vm();
    }

    /**
     * A register of a vCPU equals a value at the end, in the bits of {@code mask} ({@code -1}, every bit, unless the
     * scenario gives {@code "mask"}: a model that defines only some bits of a register, such as x86 flags, is compared
     * with another emulator's in those bits alone). {@code value} has no bits outside {@code mask}.
     * @param vm the VM's name, or null for the scenario's only VM
     * @param vcpu the vCPU index
     * @param register the register's ABI name
     * @param value the expected value (in the bits of {@code mask})
     * @param mask the bits compared
     * @param path where the expectation stands in the scenario file
     */
    public record RegisterEquals(String vm, int vcpu, String register, long value, long mask, String path) implements Expectation {
        /**
         * Every bit compared.
         * @param vm the VM's name, or null
         * @param vcpu the vCPU index
         * @param register the register's ABI name
         * @param value the expected value
         * @param path where the expectation stands in the scenario file
         */
        public RegisterEquals(String vm, int vcpu, String register, long value, String path) {
            this(vm, vcpu, register, value, -1L, path);
        }

        /**
         * Whether {@code actual} meets the expectation.
         * @param actual the register's value at the end
         * @return true when it equals {@code value} in the bits of {@code mask}
         */
        public boolean matches(long actual) {
            return (actual & mask) == value;
        }
    }

    /** Guest memory at {@code gpa} holds {@code bytes}. */
    public record MemoryEquals(String vm, long gpa, byte[] bytes, String path) implements Expectation {
    }

    /** A vCPU ends in a state. */
    public record StateIs(String vm, int vcpu, String state, String path) implements Expectation {
    }

    /** A vCPU received {@code count} interrupts of {@code vector}. */
    public record InterruptsDelivered(String vm, int vcpu, int vector, int count, String path) implements Expectation {
    }

    /** Some trace line contains the text. */
    public record TraceContains(String vm, String text, String path) implements Expectation {
    }

    /** The vCPU's stop reason contains the text. */
    public record StopReasonContains(String vm, int vcpu, String text, String path) implements Expectation {
    }
}
