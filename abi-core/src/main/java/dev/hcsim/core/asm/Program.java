package dev.hcsim.core.asm;

import java.util.List;
import java.util.Map;

/**
 * An assembled program: its bytes at {@code origin}, its labels, and a listing line per statement.
 */
public record Program(long origin, byte[] bytes, Map<String, Long> labels, List<Line> listing) {
    /** One listing line: address, bytes and the source text. */
    public record Line(long address, byte[] bytes, String source) {
    }
}
