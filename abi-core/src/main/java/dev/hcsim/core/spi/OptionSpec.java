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
 * @param list         true when the value is a comma-separated list of numbers (one ioctl per number, such as
 *                     a capability enabled per hypercall); {@code allowed} is then empty
 */
@API(status = INTERNAL, since = "1.0")
public record OptionSpec(String name, List<String> allowed, String defaultValue, String description, boolean list) {
    /**
     * Copies the allowed values.
     * @param name the CLI and scenario name ({@code vendor})
     * @param allowed the accepted values; empty means any number
     * @param defaultValue the kernel's default
     * @param description what it changes, with its kernel source
     * @param list true when the value is a comma-separated list of numbers
     */
    public OptionSpec {
        allowed = List.copyOf(allowed);
        if (list && !allowed.isEmpty()) {
            throw new IllegalArgumentException("option " + name + ": a list of numbers has no fixed values");
        }
    }

    /**
     * A single-valued option.
     * @param name the CLI and scenario name ({@code vendor})
     * @param allowed the accepted values; empty means any number
     * @param defaultValue the kernel's default
     * @param description what it changes, with its kernel source
     */
    public OptionSpec(String name, List<String> allowed, String defaultValue, String description) {
        this(name, allowed, defaultValue, description, false);
    }

    /**
     * An option whose value is a comma-separated list of numbers ({@code 0x10,0x14}); empty is the empty list.
     * @param name the CLI and scenario name
     * @param description what it changes, with its kernel source
     * @return the option, with the empty list as its default
     */
    public static OptionSpec numberList(String name, String description) {
        return new OptionSpec(name, List.of(), "", description, true);
    }

    /**
     * What a value must look like, for error messages.
     * @return "a number", "a comma-separated list of numbers" or the allowed values joined by " | "
     */
    public String expected() {
        return list ? "a comma-separated list of numbers" : allowed.isEmpty() ? "a number" : String.join(" | ", allowed);
    }

    /**
     * True when {@code value} is accepted.
     * @param value the value as given on the command line or in a scenario
     * @return whether it is one of the allowed values (or, when any number is allowed, a number)
     */
    public boolean accepts(String value) {
        if (list) {
            return items(value).stream().allMatch(OptionSpec::isNumber);
        }
        return allowed.isEmpty() ? isNumber(value) : allowed.contains(value);
    }

    /**
     * The items of a list-valued option's value, trimmed, empty items left out.
     * @param value the comma-separated value ({@code "0x10, 0x14"})
     * @return its items ({@code [0x10, 0x14]}); empty for an empty value
     */
    public static List<String> items(String value) {
        List<String> out = new java.util.ArrayList<>();
        // split at commas by hand (String.split takes a regular expression, which the Explorer page avoids)
        for (int from = 0, comma; from <= value.length(); from = comma + 1) {
            comma = value.indexOf(',', from) < 0 ? value.length() : value.indexOf(',', from);
            String item = value.substring(from, comma).trim();
            if (!item.isEmpty()) {
                out.add(item);
            }
        }
        return out;
    }

    private static boolean isNumber(String value) {
        try {
            dev.hcsim.core.Bytes.parseNumber(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
