package dev.hcsim.core.asm;

import java.util.List;
import java.util.Map;

/**
 * An assembled program: its bytes at {@code origin}, its labels, and a listing line per statement.
 */
public record Program(long origin, byte[] bytes, Map<String, Long> labels, List<Line> listing) {
    /**
     * One listing line: address, bytes, the statement's text and the 1-based source line it stands on.
     * @param address where the bytes are
     * @param bytes the statement's bytes
     * @param source the statement's text
     * @param line its source line (several statements may share one, separated by ';')
     */
    public record Line(long address, byte[] bytes, String source, int line) {
    }
}
