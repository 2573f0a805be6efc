package dev.hcsim.core.spi;

import dev.hcsim.core.asm.AsmContext;
import dev.hcsim.core.asm.Statement;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The assembler and decoder of an architecture's guest instruction subset, in one byte order.
 * Bytes and disassembly text follow GNU binutils exactly.
 */
public interface Codec {
    /** The byte order instructions and data are laid out in. */
    ByteOrder byteOrder();

    /** Shortest instruction in bytes. */
    int minLength();

    /** Longest instruction in bytes. */
    int maxLength();

    /**
     * Decodes the instruction at {@code b[off..off+len)} located at {@code pc}. Never throws: a word
     * outside the subset gives an instruction whose {@link Instruction#isValid()} is false.
     */
    Instruction decode(byte[] b, int off, int len, long pc);

    /** Encodes one statement at {@code ctx.pc()}; throws {@link dev.hcsim.core.asm.AsmException} for bad input. */
    byte[] encode(Statement s, AsmContext ctx);

    /**
     * Assembles a directive the shared assembler does not know ({@code .set noreorder}); returns its
     * bytes (often none), or null when the architecture does not know it either.
     */
    default byte[] directive(Statement s, AsmContext ctx) {
        return null;
    }

    /** Prefixes that start a comment running to the end of the line ({@code #}, {@code //}). */
    List<String> commentPrefixes();
}
