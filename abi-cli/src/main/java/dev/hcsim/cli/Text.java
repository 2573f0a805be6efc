package dev.hcsim.cli;

import dev.hcsim.core.trace.SafeText;

/** Short names for {@link SafeText} in the CLI: every untrusted string printed goes through one of these. */
final class Text {
    private Text() {
    }

    static String excerpt(String s) {
        return SafeText.excerpt(s);
    }

    /** A whole message (an error, a check) on one line: control characters escaped, cut to 1000 characters. */
    static String line(String s) {
        return SafeText.excerpt(s, 1000);
    }
}
