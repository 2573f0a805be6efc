package dev.hcsim.core.spi;

/**
 * An instruction of an ISA whose instructions are one 32-bit word (see {@link WordCodec}): its
 * length is always 4 bytes, so a record of decoded fields needs to say only its text and how it runs.
 */
public interface WordInstruction extends Instruction {
    /**
     * Every instruction of a word ISA is 4 bytes long.
     *
     * @return 4
     */
    @Override
    default int length() {
        return 4;
    }
}
