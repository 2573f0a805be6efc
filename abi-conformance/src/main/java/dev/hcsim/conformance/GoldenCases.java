package dev.hcsim.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hcsim.core.Bytes;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The golden cases shipped in the artifact: {@code META-INF/hcsim-conformance/golden/ARCH.json},
 * one JSON array per architecture, one object per kernel-derived case. Each object has
 * {@code name}, {@code source} (kernel file and function), optional {@code options}, {@code features}
 * (name to true or false), {@code vcpus}, {@code off} (vCPUs powered off),
 * {@code insn}, {@code registers} and {@code memory}, and {@code expect} with {@code outcome} and
 * optional {@code status}, {@code registers}, {@code pc} (how far it moves), {@code memory} and
 * {@code effects} (the effects on other vCPUs, in order, as {@code "kick vcpu1"}).
 * Numbers are strings in the CLI's syntax ({@code "0x10"}, {@code "-1"}); memory is hex bytes by address.
 */
public final class GoldenCases {
    /** Where the data files live, on the class path. */
    public static final String LOCATION = "META-INF/hcsim-conformance/golden/";

    private GoldenCases() {
    }

    /**
     * The golden cases of {@code architecture} (canonical name); empty when the kit ships none.
     * @param architecture the canonical architecture name
     * @return the cases, in the order of the data file
     */
    public static List<GoldenCase> of(String architecture) {
        String path = LOCATION + architecture + ".json";
        try (InputStream in = GoldenCases.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                return List.of();
            }
            return parse(architecture, new ObjectMapper().readTree(in), path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses one data file's cases; {@code path} names the file in error messages.
     * @param architecture the canonical architecture name the cases belong to
     * @param root the parsed JSON of the file
     * @param path the file's name, for error messages
     * @return the cases, in file order
     * @throws IllegalArgumentException naming the file and case for anything malformed
     */
    public static List<GoldenCase> parse(String architecture, JsonNode root, String path) {
        if (!root.isArray()) {
            throw new IllegalArgumentException(path + ": expected a JSON array of cases");
        }
        List<GoldenCase> out = new ArrayList<>();
        for (JsonNode c : root) {
            String name = text(c, "name", path);
            String where = path + " case '" + name + "'";
            JsonNode expect = c.path("expect");
            if (!expect.isObject()) {
                throw new IllegalArgumentException(where + ": missing 'expect'");
            }
            out.add(new GoldenCase(architecture, name, text(c, "source", where), strings(c.path("options")), switches(c.path("features")), c.path("vcpus").asInt(1), vcpuSet(c.path("off")),
                    c.hasNonNull("insn") ? c.get("insn").asText() : null, numbers(c.path("registers"), where),
                    memory(c.path("memory"), where), named(Outcome.class, text(expect, "outcome", where), where),
                    expect.hasNonNull("status") ? named(Status.class, expect.get("status").asText(), where) : null,
                    numbers(expect.path("registers"), where),
                    expect.hasNonNull("pc") ? Bytes.parseNumber(expect.get("pc").asText()) : null, memory(expect.path("memory"), where),
                    expect.has("effects") ? list(expect.get("effects")) : null));
        }
        return out;
    }

    private static <E extends Enum<E>> E named(Class<E> type, String name, String where) {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": '" + name + "' is not a " + type.getSimpleName() + "; one of "
                    + java.util.Arrays.toString(type.getEnumConstants()), e);
        }
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": missing '" + field + "'");
        }
        return v.asText();
    }

    private static Map<String, String> strings(JsonNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static Map<String, Boolean> switches(JsonNode n) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        n.properties().forEach(e -> out.put(e.getKey(), e.getValue().asBoolean()));
        return out;
    }

    private static java.util.Set<Integer> vcpuSet(JsonNode n) {
        java.util.Set<Integer> out = new java.util.TreeSet<>();
        n.forEach(e -> out.add(e.asInt()));
        return out;
    }

    private static List<String> list(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(e -> out.add(e.asText()));
        return out;
    }

    private static Map<String, Long> numbers(JsonNode n, String where) {
        Map<String, Long> out = new LinkedHashMap<>();
        strings(n).forEach((k, v) -> {
            try {
                out.put(k, Bytes.parseNumber(v));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + k + ": " + e.getMessage(), e);
            }
        });
        return out;
    }

    private static Map<Long, byte[]> memory(JsonNode n, String where) {
        Map<Long, byte[]> out = new LinkedHashMap<>();
        strings(n).forEach((k, v) -> {
            try {
                out.put(Bytes.parseNumber(k), Bytes.parseHex(v));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": memory " + k + ": " + e.getMessage(), e);
            }
        });
        return out;
    }
}
