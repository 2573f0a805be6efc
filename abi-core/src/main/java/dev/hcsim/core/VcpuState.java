package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** The scheduling state of a vCPU. */
@API(status = STABLE, since = "1.0")
public enum VcpuState {
    /** On a physical CPU now. */
    RUNNING,
    /** Ready to run, waiting for a physical CPU. */
    RUNNABLE,
    /** Waiting for an interrupt or kick (hlt, wfi, idle, wait, CPU_SUSPEND). */
    HALTED,
    /** Powered off (never started, CPU_OFF, system off). */
    OFF,
    /** Waiting for the host to complete an exit. */
    EXITED,
    /** Stopped by the simulator with a reason (fault, undecodable instruction, budget). */
    STOPPED
}
