package dev.hcsim.core;

import dev.hcsim.core.spi.Trap;

/**
 * The user API's view of one vCPU's trap frame: what {@link Vm#trap} returns. One per vCPU, reused
 * like the frame, so the trap path allocates nothing; it shows the result and nothing of the engine.
 */
final class TrapView implements TrapResult {
    private final Trap trap;

    TrapView(Trap trap) {
        this.trap = trap;
    }

    @Override
    public Outcome outcome() {
        return trap.outcome();
    }

    @Override
    public long nextPc() {
        return trap.nextPc();
    }

    @Override
    public Status status() {
        return trap.status();
    }

    @Override
    public String statusName() {
        return trap.statusName();
    }

    @Override
    public String callName() {
        return trap.callName();
    }

    @Override
    public long number() {
        return trap.number();
    }

    @Override
    public boolean narrow() {
        return trap.narrow();
    }

    @Override
    public int yieldTarget() {
        return trap.yieldTarget();
    }

    @Override
    public Exit exit() {
        return trap.exit();
    }

    @Override
    public Fault fault() {
        return trap.fault();
    }

    @Override
    public int instructionLength() {
        return trap.instructionLength();
    }

    @Override
    public String toString() {
        return "TrapResult[" + outcome() + (callName() != null ? " " + callName() : "") + "]";
    }
}
