package dev.hcsim.core.trace;

import static org.apiguardian.api.API.Status.MAINTAINED;

import org.apiguardian.api.API;

/**
 * A scheduler event: {@code run}, {@code preempt}, {@code halt}, {@code wake}, {@code kick},
 * {@code interrupt}, {@code yield}, {@code start}, {@code off}, {@code exit}, {@code reenter},
 * {@code stopped}, {@code system}, {@code end}.
 *
 * @param pcpu   the physical CPU, or null when not tied to one
 * @param target another vCPU the event acts on (the kicked vCPU, the IPI target), or null
 * @param detail free text (vector, reason)
 */
@API(status = MAINTAINED, since = "1.0")
public record SchedEvent(long time, String vm, int vcpu, String event, Integer pcpu, Integer target, String detail) implements TraceEvent {
    /**
     * Always {@code "sched"}.
     * @return the event type as JSON lines name it
     */
    public String type() {
        return "sched";
    }
}
