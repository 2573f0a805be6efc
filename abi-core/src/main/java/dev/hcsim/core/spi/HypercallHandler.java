package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * One hypercall's behaviour: reads its arguments from the {@link Trap}, touches guest memory and
 * other vCPUs through it, and sets the status and results. Handlers are small named methods of an
 * architecture's {@code hypercalls} part ({@code kickCpu}, {@code sendIpi}, ...).
 */
@API(status = INTERNAL, since = "1.0")
@FunctionalInterface
public interface HypercallHandler {
    /**
     * Runs the call: reads arguments, acts, sets status and results through {@code call}. A handler that
     * returns to the guest must set a status or result 0 (as every KVM handler sets the return value);
     * one that sets neither makes {@link Trap#invoke()} throw {@link IllegalStateException}, never a
     * silent SUCCESS. An exit to the host, a fault or an interruption needs no status.
     * @param call the trap frame, already dispatched to this call
     */
    void handle(Trap call);
}
