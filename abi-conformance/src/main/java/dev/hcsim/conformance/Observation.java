package dev.hcsim.conformance;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.EffectLog;
import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * What one handler did with one {@link Invocation}: its outcome, the caller's registers before and
 * after, guest memory afterwards with every access made, and the effects on other vCPUs. Any
 * exception that escaped the handler is kept as {@code error} (a conforming handler never throws).
 *
 * @param outcome  the returned outcome (null when the handler threw)
 * @param exit     the exit payload that came with it (null when none)
 * @param fault    the fault that came with it (null when none)
 * @param before   registers and PC before the trap
 * @param after    registers and PC after the trap
 * @param memory   guest memory after the trap
 * @param accesses every guest memory access, in order
 * @param effects  effects on other vCPUs, in order
 * @param error    the escaped exception's class and message, or null
 */
public record Observation(Outcome outcome, Exit exit, Fault fault, RegisterFile before, RegisterFile after, SparseMemory memory,
        List<GuestAccess> accesses, List<EffectLog.Effect> effects, String error) {

    /**
     * Registers (by ABI name) whose value changed, and the PC when it moved, as {@code name: old -> new}.
     * @return one line per change, in register order
     */
    public List<String> changes() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < before.layout().size(); i++) {
            if (before.get(i) != after.get(i)) {
                out.add(before.layout().name(i) + ": " + Bytes.hex64(before.get(i)) + " -> " + Bytes.hex64(after.get(i)));
            }
        }
        if (before.pc() != after.pc()) {
            out.add("pc: " + Bytes.hex64(before.pc()) + " -> " + Bytes.hex64(after.pc()));
        }
        return out;
    }

    /** The successful writes, as {@code gpa+len}. */
    List<GuestAccess> writes() {
        return accesses.stream().filter(a -> a.write() && a.ok()).toList();
    }
}
