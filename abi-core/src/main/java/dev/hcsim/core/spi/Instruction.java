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

    /** {@link #effects()}: nothing is known (the default): the translator assumes the instruction may do anything. */
    int EFFECTS_UNKNOWN = -1;
    /** {@link #effects()}: registers only (see {@link #effects()} for what that promises). */
    int EFFECTS_REGISTERS = 0;
    /** {@link #effects()} bit: may read guest memory, and fault there with a {@link dev.hcsim.core.GuestFault}. */
    int EFFECTS_READS_MEMORY = 1;
    /** {@link #effects()} bit: may write guest memory (perhaps a page holding code), and fault there. */
    int EFFECTS_WRITES_MEMORY = 2;

    /**
     * What the translating engine may assume about {@link #execute}, so that it can leave out, around an
     * instruction it knows, the bookkeeping that an arbitrary instruction needs. Anything but
     * {@link #EFFECTS_UNKNOWN} promises: {@code execute} reads and writes this vCPU's registers (and guest memory
     * as the bits say), sets the PC only for a taken branch, returns only {@link Cpu#NEXT} or {@link Cpu#JUMP}, and
     * neither reads the PC from the register file (a PC-relative value comes from the address it was decoded at)
     * nor calls the vCPU's control or VM. Architectures declare it for their plain instructions; the engine
     * treats every other one as unknown, so correctness never depends on a declaration being present.
     * @return {@link #EFFECTS_UNKNOWN}, or {@link #EFFECTS_REGISTERS} with the memory bits
     */
    default int effects() {
        return EFFECTS_UNKNOWN;
    }

    /**
     * Writes this instruction's code into a translated block, so that it runs on the block's register locals instead
     * of through {@link #execute}; or says no (the default) and writes nothing, and the block calls {@link #execute}.
     * Emitted code must do exactly what {@code execute} does (the differential properties compare the two), and keep
     * to what {@link #effects()} promises for a declared instruction whatever this one declares: registers, guest
     * memory through the emitter, branches with their targets in the code, nothing else. The answer must depend on the
     * instruction and {@link Emitter#next()} alone: the engine asks twice.
     * @param out where the code goes
     * @return whether code was written
     */
    default boolean emit(Emitter out) {
        return false;
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
