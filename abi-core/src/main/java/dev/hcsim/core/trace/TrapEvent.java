package dev.hcsim.core.trace;

import java.util.Map;

/**
 * A trap: where, which instruction, which call, the registers the contract read and the registers
 * the call wrote (by ABI name, {@code 0x%016x}), the status and the outcome.
 */
public record TrapEvent(long time, String vm, int vcpu, String pc, String bytes, String insn, String call, String nr, Boolean narrow,
        Map<String, String> read, Map<String, String> written, String status, String statusCode, String outcome, String detail)
        implements TraceEvent {
    /**
     * Always {@code "trap"}.
     * @return the event type as JSON lines name it
     */
    public String type() {
        return "trap";
    }
}
