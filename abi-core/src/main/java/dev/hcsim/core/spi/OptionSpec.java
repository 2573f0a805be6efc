package dev.hcsim.core.spi;

import java.util.List;

/**
 * A VM option an architecture accepts (host vendor, privilege level, byte order, quirk, variant).
 *
 * @param name         the CLI and scenario name ({@code vendor})
 * @param allowed      the accepted values; empty means any number
 * @param defaultValue the kernel's default
 * @param description  what it changes, with its kernel source
 */
public record OptionSpec(String name, List<String> allowed, String defaultValue, String description) {
    public OptionSpec {
        allowed = List.copyOf(allowed);
    }

    /** True when {@code value} is accepted. */
    public boolean accepts(String value) {
        if (allowed.isEmpty()) {
            try {
                dev.hcsim.core.Bytes.parseNumber(value);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return allowed.contains(value);
    }
}
