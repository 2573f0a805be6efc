package dev.hcsim.core.trace;

import static org.apiguardian.api.API.Status.MAINTAINED;

import org.apiguardian.api.API;

/** One structured event of a run: a trap, or a scheduler event. Written as one JSON line. */
@API(status = MAINTAINED, since = "1.0")
public sealed interface TraceEvent permits TrapEvent, SchedEvent {
    /**
     * Virtual time in nanoseconds.
     * @return the time since the VM started
     */
    long time();

    /**
     * The VM's name.
     * @return the name the VM was given in the machine or scenario
     */
    String vm();

    /**
     * The vCPU index the event is about.
     * @return the index, from 0
     */
    int vcpu();
}
