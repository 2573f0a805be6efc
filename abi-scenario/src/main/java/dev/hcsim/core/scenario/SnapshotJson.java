package dev.hcsim.core.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hcsim.core.VmSnapshot;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link VmSnapshot} as JSON and back. The document is
 * {@code {"format": 1, "architecture": "arm64", "hasRun": true, "vm": {...}, "vcpus": [{...}, ...]}};
 * each state is an object of fields whose values are numbers, booleans, strings or arrays of
 * numbers. Numbers are written as JSON numbers (signed 64-bit), so every {@code long} survives.
 * A reader refuses another format version with a one-line message.
 */
public final class SnapshotJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private SnapshotJson() {
    }

    /**
     * The snapshot as a JSON document.
     * @param s the snapshot
     * @return the document, indented, fields in name order
     */
    public static String write(VmSnapshot s) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", s.format());
        root.put("architecture", s.architecture());
        root.put("hasRun", s.hasRun());
        root.set("vm", state(s.vm()));
        ArrayNode vcpus = root.putArray("vcpus");
        s.vcpus().forEach(v -> vcpus.add(state(v)));
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a snapshot could not be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static ObjectNode state(VmSnapshot.State st) {
        ObjectNode o = MAPPER.createObjectNode();
        st.fields().forEach((k, v) -> {
            if (v instanceof Long l) {
                o.put(k, l);
            } else if (v instanceof Boolean b) {
                o.put(k, b);
            } else if (v instanceof String t) {
                o.put(k, t);
            } else {
                ArrayNode a = o.putArray(k);
                ((List<?>) v).forEach(x -> a.add((Long) x));
            }
        });
        return o;
    }

    /**
     * Reads a snapshot written by {@link #write}.
     * @param json the document
     * @return the snapshot
     * @throws IllegalArgumentException with a one-line message for malformed JSON, a missing part, a value of
     *   another kind, or another format version
     */
    public static VmSnapshot read(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("snapshot is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("snapshot must be a JSON object");
        }
        JsonNode format = root.get("format");
        if (format == null || !format.canConvertToInt()) {
            throw new IllegalArgumentException("snapshot has no format version");
        }
        if (format.asInt() != VmSnapshot.FORMAT) {
            throw new IllegalArgumentException("snapshot format " + format.asText() + " is not supported (this hcsim reads format "
                    + VmSnapshot.FORMAT + ")");
        }
        String arch = text(root, "architecture");
        JsonNode ran = root.get("hasRun");
        if (ran == null || !ran.isBoolean()) {
            throw new IllegalArgumentException("snapshot field 'hasRun' must be true or false");
        }
        JsonNode vcpus = root.get("vcpus");
        if (vcpus == null || !vcpus.isArray()) {
            throw new IllegalArgumentException("snapshot field 'vcpus' must be an array");
        }
        List<VmSnapshot.State> states = new ArrayList<>();
        for (JsonNode v : vcpus) {
            states.add(state(v, "vcpus[" + states.size() + "]"));
        }
        return new VmSnapshot(VmSnapshot.FORMAT, arch, ran.asBoolean(), state(root.get("vm"), "vm"), states);
    }

    private static String text(JsonNode root, String name) {
        JsonNode n = root.get(name);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException("snapshot field '" + name + "' must be a string");
        }
        return n.asText();
    }

    private static VmSnapshot.State state(JsonNode o, String where) {
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("snapshot part '" + where + "' must be an object");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = o.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            String name = where + "." + e.getKey();
            if (v.isIntegralNumber() && v.canConvertToLong()) {
                fields.put(e.getKey(), v.asLong());
            } else if (v.isBoolean()) {
                fields.put(e.getKey(), v.asBoolean());
            } else if (v.isTextual()) {
                fields.put(e.getKey(), v.asText());
            } else if (v.isArray()) {
                List<Long> l = new ArrayList<>();
                for (JsonNode x : v) {
                    if (!x.isIntegralNumber() || !x.canConvertToLong()) {
                        throw new IllegalArgumentException("snapshot field '" + name + "' must hold 64-bit integers, found " + x);
                    }
                    l.add(x.asLong());
                }
                fields.put(e.getKey(), l);
            } else {
                throw new IllegalArgumentException("snapshot field '" + name + "' must be a 64-bit integer, a boolean, a string or an array "
                        + "of integers, found " + v);
            }
        }
        return VmSnapshot.State.of(fields);
    }
}
