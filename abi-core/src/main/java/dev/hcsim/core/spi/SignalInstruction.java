package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * An instruction whose whole effect is a signal to the engine: a no-op ({@link Cpu#NEXT}), a trap
 * instruction the engine hands to {@code Vm.trap} ({@link Cpu#TRAP}), or wait-for-interrupt
 * ({@link Cpu#HALT}). Every architecture has these; they need no class of their own.
 */
@API(status = INTERNAL, since = "1.0")
public final class SignalInstruction extends BaseInstruction {
    private final int signal;

    /**
     * An instruction that only signals.
     *
     * @param length its length in bytes
     * @param text   its disassembly text
     * @param signal {@link Cpu#NEXT}, {@link Cpu#TRAP} or {@link Cpu#HALT}
     */
    public SignalInstruction(int length, String text, int signal) {
        super(length, text);
        if (signal != Cpu.NEXT && signal != Cpu.TRAP && signal != Cpu.HALT) {
            throw new IllegalArgumentException("a signal instruction answers NEXT, TRAP or HALT, not " + signal);
        }
        this.signal = signal;
    }

    /**
     * Signals the engine; nothing else changes.
     *
     * @param cpu the vCPU (untouched)
     * @return the signal given at construction
     */
    /** A no-op ({@link Cpu#NEXT}) touches nothing; a trap or a wait is unknown to the translator. */
    @Override
    public int effects() {
        return signal == Cpu.NEXT ? EFFECTS_REGISTERS : EFFECTS_UNKNOWN;
    }

    /** A no-op is no code at all in a translated block. */
    @Override
    public boolean emit(Emitter out) {
        return signal == Cpu.NEXT;
    }

    @Override
    public int execute(Cpu cpu) {
        return signal;
    }
}
