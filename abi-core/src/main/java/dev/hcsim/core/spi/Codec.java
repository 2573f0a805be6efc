package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.hcsim.core.asm.AsmContext;
import dev.hcsim.core.asm.Statement;
import java.nio.ByteOrder;
import java.util.List;
import org.apiguardian.api.API;

/**
 * The assembler and decoder of an architecture's guest instruction subset, in one byte order.
 * Bytes and disassembly text follow GNU binutils exactly.
 */
@API(status = INTERNAL, since = "1.0")
public interface Codec {
    /**
     * The byte order instructions and data are laid out in.
     * @return big- or little-endian
     */
    ByteOrder byteOrder();

    /**
     * Shortest instruction in bytes.
     * @return the minimum length
     */
    int minLength();

    /**
     * Longest instruction in bytes.
     * @return the maximum length; a trap fetches this many bytes when it can
     */
    int maxLength();

    /**
     * Decodes the instruction at {@code b[off..off+len)} located at {@code pc}. Never throws: a word
     * outside the subset gives an instruction whose {@link Instruction#isValid()} is false.
     * @param b the buffer
     * @param off the offset of the first byte
     * @param len how many bytes are available
     * @param pc the guest address of the first byte
     * @return the instruction, never null
     */
    Instruction decode(byte[] b, int off, int len, long pc);

    /**
     * Encodes one statement at {@code ctx.pc()}; throws {@link dev.hcsim.core.asm.AsmException} for bad input.
     * @param s the statement
     * @param ctx the assembler context: address, labels, pass
     * @return the instruction's bytes in memory order
     */
    byte[] encode(Statement s, AsmContext ctx);

    /**
     * Assembles a directive the shared assembler does not know ({@code .set noreorder}); returns its
     * bytes (often none), or null when the architecture does not know it either.
     * @param s the directive as a statement (mnemonic starting with a dot)
     * @param ctx the assembler context
     * @return the bytes, or null for an unknown directive
     */
    default byte[] directive(Statement s, AsmContext ctx) {
        return null;
    }

    /**
     * Prefixes that start a comment running to the end of the line ({@code #}, {@code //}).
     * @return the prefixes
     */
    List<String> commentPrefixes();
}
