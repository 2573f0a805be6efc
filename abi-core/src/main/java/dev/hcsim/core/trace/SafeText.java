package dev.hcsim.core.trace;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * Text from files and guests made safe to print on one terminal line: control characters but the tab (newlines, ANSI
 * escapes, NUL, DEL, C1 controls, bidirectional overrides) become visible escapes such as {@code \n} or {@code \u001b}, and
 * a long excerpt is cut with a note of how much was left out. A JSON key with a newline can then no longer print a
 * line that looks like hcsim's own, and an escape sequence no longer reaches the terminal.
 */
@API(status = INTERNAL, since = "1.0")
public final class SafeText {
    /** The longest excerpt of untrusted text kept in one message. */
    public static final int MAX_EXCERPT = 200;

    private SafeText() {
    }

    /**
     * {@code s} with every control character escaped and cut to {@link #MAX_EXCERPT} characters.
     * @param s untrusted text (null prints as "null")
     * @return one printable line
     */
    public static String excerpt(String s) {
        return excerpt(s, MAX_EXCERPT);
    }

    /**
     * {@code s} with every control character escaped and cut to {@code max} characters.
     * @param s untrusted text
     * @param max the most characters kept before escaping
     * @return one printable line
     */
    public static String excerpt(String s, int max) {
        if (s == null) {
            return "null";
        }
        String cut = s.length() > max ? s.substring(0, max) : s;
        String escaped = escape(cut);
        return s.length() > max ? escaped + "... (" + (s.length() - max) + " more characters)" : escaped;
    }

    /**
     * {@code s} with every control character escaped, whatever its length.
     * @param s untrusted text
     * @return the same text with no character that moves the cursor or changes the terminal
     */
    public static String escape(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (unsafe(c)) {
                if (b == null) {
                    b = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                switch (c) {
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    default -> b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                }
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    private static boolean unsafe(char c) {
        // a tab stays: it moves the cursor only along the line (the disassembler separates mnemonic and operands with one)
        return (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029
                || c == 0xfeff;
    }
}
