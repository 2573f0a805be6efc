package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/** The shared shape of a pre-decoded instruction: its length in bytes and its disassembly text. */
@API(status = INTERNAL, since = "1.0")
public abstract class BaseInstruction implements Instruction {
    private final int length;
    private final String text;

    /**
     * An instruction of {@code length} bytes that disassembles as {@code text}.
     * @param length the length in bytes
     * @param text the GNU binutils disassembly text
     */
    protected BaseInstruction(int length, String text) {
        this.length = length;
        this.text = text;
    }

    @Override
    public final int length() {
        return length;
    }

    @Override
    public final String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
