package dev.hcsim.web;

import dev.hcsim.core.scenario.JsonTree;
import java.util.ArrayList;
import java.util.List;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;

/**
 * {@link JsonTree} over the browser's {@code JSON.parse}: scenarios are read by abi-scenario's one reader. Numbers
 * are parsed with a reviver that keeps their source text (JSON.parse source text access), so a 64-bit integer is read
 * exactly, not through a double.
 */
final class JsoTree implements JsonTree {
    private final JSObject v;

    private JsoTree(JSObject v) {
        this.v = v;
    }

    /**
     * Parses JSON text with the browser's parser.
     * @param text the JSON
     * @return the tree
     * @throws IllegalArgumentException with the browser's message for malformed JSON
     */
    static JsonTree parse(String text) {
        String error = tryParse(text);
        if (error != null) {
            throw new IllegalArgumentException("malformed JSON: " + error);
        }
        return new JsoTree(lastParsed());
    }

    @JSBody(params = "t", script = "try { window.__hcsimParsed = JSON.parse(t, function(k, v, c) {"
            + " return typeof v === 'number' ? {__hcsimNumber: c && c.source !== undefined ? c.source : String(v)} : v; });"
            + " return null; } catch (e) { return String(e.message); }")
    private static native String tryParse(String text);

    @JSBody(script = "return window.__hcsimParsed;")
    private static native JSObject lastParsed();

    @JSBody(params = "v", script = "return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object'"
            + " ? (Object.prototype.hasOwnProperty.call(v, '__hcsimNumber') ? 'number' : 'object') : typeof v;")
    private static native String type(JSObject v);

    @JSBody(params = {"o", "k"}, script = "return Object.prototype.hasOwnProperty.call(o, k);")
    private static native boolean has(JSObject o, String k);

    @JSBody(params = {"o", "k"}, script = "return o[k];")
    private static native JSObject member(JSObject o, String k);

    @JSBody(params = {"a", "i"}, script = "return a[i];")
    private static native JSObject element(JSObject a, int i);

    @JSBody(params = "a", script = "return a.length;")
    private static native int length(JSObject a);

    @JSBody(params = "o", script = "return Object.keys(o).length;")
    private static native int keyCount(JSObject o);

    @JSBody(params = {"o", "i"}, script = "return Object.keys(o)[i];")
    private static native String keyAt(JSObject o, int i);

    @JSBody(params = "v", script = "return String(v);")
    private static native String str(JSObject v);

    @JSBody(params = "v", script = "return v.__hcsimNumber;")
    private static native String numberSource(JSObject v);

    @Override
    public Kind kind() {
        return switch (type(v)) {
            case "object" -> Kind.OBJECT;
            case "array" -> Kind.ARRAY;
            case "string" -> Kind.STRING;
            case "number" -> Kind.NUMBER;
            case "boolean" -> Kind.BOOLEAN;
            default -> Kind.NULL;
        };
    }

    @Override
    public JsonTree get(String key) {
        return kind() == Kind.OBJECT && has(v, key) ? new JsoTree(member(v, key)) : null;
    }

    @Override
    public JsonTree get(int index) {
        return new JsoTree(element(v, index));
    }

    @Override
    public int size() {
        return switch (kind()) {
            case ARRAY -> length(v);
            case OBJECT -> keyCount(v);
            default -> 0;
        };
    }

    @Override
    public List<String> keys() {
        List<String> out = new ArrayList<>();
        if (kind() == Kind.OBJECT) {
            for (int i = 0, n = keyCount(v); i < n; i++) {
                out.add(keyAt(v, i));
            }
        }
        return out;
    }

    @Override
    public String text() {
        return kind() == Kind.NUMBER ? numberSource(v) : str(v);
    }

    @Override
    public boolean isIntegral() {
        if (kind() != Kind.NUMBER) {
            return false;
        }
        String t = numberSource(v);
        String digits = t.startsWith("-") ? t.substring(1) : t;
        return dev.hcsim.core.Bytes.isAsciiDigits(digits, 10);
    }

    @Override
    public boolean fitsLong() {
        try {
            Long.parseLong(numberSource(v));
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public long longValue() {
        return Long.parseLong(numberSource(v));
    }
}
