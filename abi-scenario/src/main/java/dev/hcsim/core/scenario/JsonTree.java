package dev.hcsim.core.scenario;

import java.util.List;

/**
 * A parsed JSON value, as {@link ScenarioReader} reads scenarios: the reader's rules are written once against this
 * view, and each runtime brings its own JSON parser (Jackson on the JVM, through {@link ScenarioReader#parse}; the
 * browser's {@code JSON.parse} in the Explorer page). Implementations keep object members in document order.
 */
public interface JsonTree {
    /** The JSON types. */
    enum Kind {
        /** {@code {...}} */
        OBJECT,
        /** {@code [...]} */
        ARRAY,
        /** a string */
        STRING,
        /** a number */
        NUMBER,
        /** {@code true} or {@code false} */
        BOOLEAN,
        /** {@code null} */
        NULL
    }

    /**
     * This value's type.
     * @return the kind
     */
    Kind kind();

    /**
     * An object's member.
     * @param key the member name
     * @return its value, or null when this is not an object or has no such member
     */
    JsonTree get(String key);

    /**
     * An array's element.
     * @param index from 0 to {@link #size()} - 1
     * @return the element
     */
    JsonTree get(int index);

    /**
     * How many elements (array) or members (object) this value has; 0 for any other value.
     * @return the count
     */
    int size();

    /**
     * An object's member names, in document order.
     * @return the names; empty for any other value
     */
    List<String> keys();

    /**
     * A string's text; for a number, its JSON text as written (an integer's digits); {@code true}/{@code false};
     * {@code null}.
     * @return the text
     */
    String text();

    /**
     * Whether this is a number written without fraction or exponent.
     * @return true for an integer
     */
    boolean isIntegral();

    /**
     * Whether this integer fits in a signed 64-bit long.
     * @return true when {@link #longValue()} is exact
     */
    boolean fitsLong();

    /**
     * This integer's value.
     * @return the value
     */
    long longValue();
}
