package dev.hcsim.core.trace;

/** One structured event of a run: a trap, or a scheduler event. Written as one JSON line. */
public sealed interface TraceEvent permits TrapEvent, SchedEvent {
    /** Virtual time in nanoseconds. */
    long time();

    /** The VM's name. */
    String vm();

    /** The vCPU index the event is about. */
    int vcpu();
}
