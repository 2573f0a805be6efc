package dev.hcsim.conformance.spi;

import java.util.Map;

/**
 * One trap encoding to try: its bytes in memory order, the VM options it belongs to (for a
 * mode-specific form), and where it comes from.
 *
 * @param hex     instruction bytes in memory order ({@code "0f01d9"})
 * @param options VM options the encoding needs (an AArch32 form needs {@code mode=aarch32}); empty for any
 * @param why     what the encoding is and its source
 */
public record Encoding(String hex, Map<String, String> options, String why) {
    /**
     * Copies the options, so that an encoding never changes.
     * @param hex instruction bytes in memory order ({@code "0f01d9"})
     * @param options VM options the encoding needs (an AArch32 form needs {@code mode=aarch32}); empty for any
     * @param why what the encoding is and its source
     */
    public Encoding {
        options = Map.copyOf(options);
    }

    /**
     * An encoding valid under any options.
     * @param hex instruction bytes in memory order
     * @param why what the encoding is and its source
     * @return the encoding, with no options
     */
    public static Encoding of(String hex, String why) {
        return new Encoding(hex, Map.of(), why);
    }
}
