package dev.hcsim.core;

import static org.apiguardian.api.API.Status.MAINTAINED;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * How finely the scheduler interleaves the physical CPUs of one VM (docs/performance.md, "Scheduler: block
 * interleaving"). With one physical CPU both give the same run, byte for byte; with more they give different, equally
 * deterministic interleavings of the same seed.
 */
@API(status = MAINTAINED, since = "1.0")
public enum Interleave {
    /**
     * The default: each physical CPU runs a block of its vCPU's instructions (up to a quantum) per scheduler step, and
     * the block's last instruction (a trap, a halt, a fault, the quantum's end) takes effect at its own virtual time,
     * in time order with every other physical CPU's. Fast; a data race between vCPUs resolves at block granularity.
     */
    BLOCK,
    /**
     * One instruction per physical CPU per scheduler tick, in a seeded order each tick: every instruction-level
     * interleaving of a fine-grained race is reachable by some seed. Slower.
     */
    INSTRUCTION;

    /**
     * The lower-case name used in scenario files and on the command line.
     * @return {@code block} or {@code instruction}
     */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The interleaving named {@code name} ({@code block} or {@code instruction}).
     * @param name the name, in any case
     * @return the interleaving
     * @throws IllegalArgumentException with a one-line message for any other name
     */
    public static Interleave of(String name) {
        for (Interleave i : values()) {
            if (i.key().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("interleave must be block or instruction, got '" + name + "'");
    }
}
