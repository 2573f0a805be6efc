package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.hcsim.core.Bytes;
import java.nio.ByteOrder;
import java.util.List;
import org.apiguardian.api.API;

/**
 * The shared shape of a codec for an ISA whose instructions are one 32-bit word: the byte order,
 * the comment characters, and a decoder that is total (a short buffer, a word outside the subset or
 * a bug in the word decoder all give an undecodable instruction, never an exception). A subclass
 * decodes words and encodes statements.
 */
@API(status = INTERNAL, since = "1.0")
public abstract class WordCodec implements Codec {
    private final ByteOrder order;
    private final boolean bigEndian;
    private final List<String> commentPrefixes;

    /**
     * A codec for words in {@code order}.
     * @param order the VM's byte order
     * @param commentPrefixes the prefixes that start a comment
     */
    protected WordCodec(ByteOrder order, String... commentPrefixes) {
        this.order = order;
        this.bigEndian = order == ByteOrder.BIG_ENDIAN;
        this.commentPrefixes = List.of(commentPrefixes);
    }

    /**
     * Decodes one instruction word at {@code pc}; null (or an exception) when it is not in the subset.
     * @param word the 32-bit instruction word, in host order
     * @param pc the guest address of the word
     * @return the instruction, or null
     */
    protected abstract Instruction decodeInSubset(int word, long pc);

    @Override
    public final ByteOrder byteOrder() {
        return order;
    }

    @Override
    public final int minLength() {
        return 4;
    }

    @Override
    public final int maxLength() {
        return 4;
    }

    @Override
    public final List<String> commentPrefixes() {
        return commentPrefixes;
    }

    @Override
    public final Instruction decode(byte[] b, int off, int len, long pc) {
        if (b == null || off < 0 || len < 4 || off > b.length - 4) {
            int n = b == null || off < 0 || off >= b.length ? 0 : Math.min(Math.max(len, 0), b.length - off);
            return Instruction.undecodable(pc, n == 0 ? "" : Bytes.hex(b, off, n), Math.max(n, 1));
        }
        Instruction i;
        try {
            i = decodeInSubset((int) Bytes.get(b, off, 4, bigEndian), pc);
        } catch (RuntimeException e) {
            i = null; // the decoder is total: a bug in a word decoder must not escape either
        }
        return i != null ? i : Instruction.undecodable(pc, Bytes.hex(b, off, 4), 4);
    }

    /**
     * The bytes of {@code words} in this codec's byte order (what an encoder returns).
     * @param words the instruction words
     * @return four bytes per word
     */
    protected final byte[] bytes(int... words) {
        byte[] out = new byte[4 * words.length];
        for (int i = 0; i < words.length; i++) {
            Bytes.put(out, 4 * i, 4, words[i] & 0xFFFF_FFFFL, bigEndian);
        }
        return out;
    }
}
