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
    /** One listing line: address, bytes and the source text (a label definition: no bytes, {@code name:}). */
    public record Line(long address, byte[] bytes, String source) {
    }
}
