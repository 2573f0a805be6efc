package dev.hcsim.core.trace;

import static org.apiguardian.api.API.Status.MAINTAINED;

import java.util.Map;
import org.apiguardian.api.API;

/**
 * A trap: where, which instruction, which call, the registers the contract read and the registers
 * the call wrote (by ABI name, {@code 0x%016x}), the status and the outcome.
 */
@API(status = MAINTAINED, since = "1.0")
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
