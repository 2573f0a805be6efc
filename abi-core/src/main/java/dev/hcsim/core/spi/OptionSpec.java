package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * A VM option an architecture accepts (host vendor, privilege level, byte order, quirk, variant).
 *
 * @param name         the CLI and scenario name ({@code vendor})
 * @param allowed      the accepted values; empty means any number
 * @param defaultValue the kernel's default
 * @param description  what it changes, with its kernel source
 */
@API(status = INTERNAL, since = "1.0")
public record OptionSpec(String name, List<String> allowed, String defaultValue, String description) {
    /**
     * Copies the allowed values.
     * @param name the CLI and scenario name ({@code vendor})
     * @param allowed the accepted values; empty means any number
     * @param defaultValue the kernel's default
     * @param description what it changes, with its kernel source
     */
    public OptionSpec {
        allowed = List.copyOf(allowed);
    }

    /**
     * True when {@code value} is accepted.
     * @param value the value as given on the command line or in a scenario
     * @return whether it is one of the allowed values (or, when any number is allowed, a number)
     */
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
