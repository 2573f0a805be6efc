package dev.hcsim.conformance.spi;

import dev.hcsim.core.Outcome;
import dev.hcsim.core.Status;
import java.util.Map;

/**
 * The contract's privilege rule as a checkable fact: a caller set up by {@code options} and
 * {@code registers} gets {@code outcome} and {@code status} for every number and argument.
 *
 * @param options   VM options that make the caller unprivileged ({@code cpl=3})
 * @param registers register values that do (a PSW problem-state bit), by ABI name
 * @param outcome   the outcome every such call has, or null when the call is answered exactly as a privileged one
 * @param status    the status every such call has (null: none, the call is not dispatched)
 * @param source    the kernel file and function that make the rule
 */
public record PrivilegeRule(Map<String, String> options, Map<String, Long> registers, Outcome outcome, Status status, String source) {
    /**
     * Copies the maps, so that a rule never changes.
     * @param options VM options that make the caller unprivileged ({@code cpl=3})
     * @param registers register values that do (a PSW problem-state bit), by ABI name
     * @param outcome the outcome every such call has, or null when the call is answered exactly as a privileged one
     * @param status the status every such call has (null: none, the call is not dispatched)
     * @param source the kernel file and function that make the rule
     */
    public PrivilegeRule {
        options = Map.copyOf(options);
        registers = Map.copyOf(registers);
    }

    /**
     * True when an unprivileged caller is answered exactly as a privileged one.
     * @return whether {@code outcome} is null
     */
    public boolean sameAsPrivileged() {
        return outcome == null;
    }
}
