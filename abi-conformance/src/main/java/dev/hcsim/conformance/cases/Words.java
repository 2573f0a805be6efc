package dev.hcsim.conformance.cases;

import dev.hcsim.conformance.spi.Encoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Encodings of 4-byte instruction words for an architecture with an {@code endian} option: each word in both byte orders. */
final class Words {
    private Words() {
    }

    /** {@code words} rows are {word as 8 hex digits, what it is}; each gives a big- and a little-endian encoding. */
    static List<Encoding> bothOrders(String[][] words) {
        List<Encoding> out = new ArrayList<>();
        for (String[] w : words) {
            String le = w[0].substring(6, 8) + w[0].substring(4, 6) + w[0].substring(2, 4) + w[0].substring(0, 2);
            out.add(new Encoding(w[0], Map.of("endian", "big"), w[1]));
            out.add(new Encoding(le, Map.of("endian", "little"), w[1] + ", little-endian"));
        }
        return out;
    }
}
