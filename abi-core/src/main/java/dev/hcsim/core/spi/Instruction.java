package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * One pre-decoded guest instruction of an architecture's subset. Decoding happens once per address;
 * the interpreter then calls {@link #execute} each time the instruction runs.
 */
@API(status = INTERNAL, since = "1.0")
public interface Instruction {
    /**
     * Length in bytes.
     * @return the length
     */
    int length();

    /**
     * The GNU binutils disassembly text.
     * @return the text, as objdump prints it
     */
    String text();

    /**
     * False for a word that is not in the subset (its {@link #execute} reports a fault).
     * @return whether the instruction is in the subset
     */
    default boolean isValid() {
        return true;
    }

    /**
     * Executes on {@code cpu}. Returns one of {@link Cpu#NEXT}, {@link Cpu#JUMP}, {@link Cpu#TRAP},
     * {@link Cpu#HALT} or {@link Cpu#FAULT}.
     * @param cpu the vCPU's state
     * @return the signal for the engine
     */
    int execute(Cpu cpu);

    /**
     * An instruction outside the subset at {@code pc}: executing it stops the vCPU with that reason.
     * @param pc the guest address of the bytes
     * @param bytesHex the bytes as hex, for the fault reason
     * @param length how many bytes the instruction takes
     * @return the invalid instruction
     */
    static Instruction undecodable(long pc, String bytesHex, int length) {
        return new Instruction() {
            @Override
            public int length() {
                return length;
            }

            @Override
            public String text() {
                return "(bad)";
            }

            @Override
            public boolean isValid() {
                return false;
            }

            @Override
            public int execute(Cpu cpu) {
                return cpu.fault(String.format(Locale.ROOT, "instruction at 0x%x (%s) is not in the guest subset", pc, bytesHex));
            }
        };
    }
}
