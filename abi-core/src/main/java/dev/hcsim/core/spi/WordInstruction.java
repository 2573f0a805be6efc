package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * An instruction of an ISA whose instructions are one 32-bit word (see {@link WordCodec}): its
 * length is always 4 bytes, so a record of decoded fields needs to say only its text and how it runs.
 */
@API(status = INTERNAL, since = "1.0")
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
