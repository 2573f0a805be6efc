package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * An assembled guest program ({@link Vm#assemble}): its bytes at {@code origin}, its labels, and a listing line per
 * statement and per label definition (a label's line has no bytes and the source {@code name:}, at the label's
 * address, in source order).
 */
@API(status = STABLE, since = "1.0")
public record Program(long origin, byte[] bytes, Map<String, Long> labels, List<Line> listing) {
    /**
     * One listing line: address, bytes, the statement's text and the 1-based source line it stands on; a label
     * definition has a line of its own with no bytes and the text {@code name:}.
     * @param address where the bytes are
     * @param bytes the statement's bytes
     * @param source the statement's text
     * @param line its source line (several statements may share one, separated by ';'); 0 when there is no source
     *     (a disassembly)
     */
    public record Line(long address, byte[] bytes, String source, int line) {
        /**
         * A line with no source line of its own, as a disassembly gives.
         * @param address where the bytes are
         * @param bytes the instruction's bytes
         * @param source its text
         */
        public Line(long address, byte[] bytes, String source) {
            this(address, bytes, source, 0);
        }
    }
}
