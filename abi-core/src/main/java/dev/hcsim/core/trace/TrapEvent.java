package dev.hcsim.core.trace;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * A trap: where, which instruction, which call, the registers the contract read and the registers
 * the call wrote (by ABI name, {@code 0x%016x}), the status and the outcome.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "time", "vm", "vcpu", "pc", "bytes", "insn", "call", "nr", "narrow", "read", "written", "status",
    "statusCode", "outcome", "detail"})
public record TrapEvent(long time, String vm, int vcpu, String pc, String bytes, String insn, String call, String nr, Boolean narrow,
        Map<String, String> read, Map<String, String> written, String status, String statusCode, String outcome, String detail)
        implements TraceEvent {
    /**
     * Always {@code "trap"}.
     * @return the event type as JSON lines name it
     */
    @com.fasterxml.jackson.annotation.JsonProperty("type") // a method, not a component: Jackson writes it only when told
    public String type() {
        return "trap";
    }
}
