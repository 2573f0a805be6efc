package dev.hcsim.core.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** {@link JsonTree} over a Jackson tree: how the JVM reads scenarios. */
record JacksonTree(JsonNode node) implements JsonTree {
    static JsonTree of(JsonNode n) {
        return n == null ? null : new JacksonTree(n);
    }

    @Override
    public Kind kind() {
        return switch (node.getNodeType()) {
            case OBJECT, POJO -> Kind.OBJECT;
            case ARRAY -> Kind.ARRAY;
            case STRING, BINARY -> Kind.STRING;
            case NUMBER -> Kind.NUMBER;
            case BOOLEAN -> Kind.BOOLEAN;
            default -> Kind.NULL;
        };
    }

    @Override
    public JsonTree get(String key) {
        return node.isObject() ? of(node.get(key)) : null;
    }

    @Override
    public JsonTree get(int index) {
        return of(node.get(index));
    }

    @Override
    public int size() {
        return node.size();
    }

    @Override
    public List<String> keys() {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            out.add(it.next());
        }
        return out;
    }

    @Override
    public String text() {
        return node.asText();
    }

    @Override
    public boolean isIntegral() {
        return node.isIntegralNumber();
    }

    @Override
    public boolean fitsLong() {
        return node.canConvertToLong();
    }

    @Override
    public long longValue() {
        return node.asLong();
    }
}
