package dev.hcsim.web;

import java.util.List;
import java.util.Map;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;

/** The browser's own JSON and objects, for the page's Java: plain maps and lists become JavaScript values. */
final class Js {
    private Js() {
    }

    @JSBody(script = "return {};")
    static native JSObject object();

    @JSBody(script = "return [];")
    static native JSObject array();

    @JSBody(params = {"o", "k", "v"}, script = "o[k] = v;")
    static native void set(JSObject o, String k, JSObject v);

    @JSBody(params = {"a", "v"}, script = "a.push(v);")
    static native void push(JSObject a, JSObject v);

    @JSBody(params = "s", script = "return s;")
    static native JSObject string(String s);

    @JSBody(params = "d", script = "return d;")
    static native JSObject number(double d);

    @JSBody(params = "b", script = "return b;")
    static native JSObject bool(boolean b);

    @JSBody(script = "return null;")
    static native JSObject nul();

    @JSBody(params = "v", script = "return JSON.stringify(v);")
    static native String stringify(JSObject v);

    /**
     * Strings, numbers, booleans, null, lists and maps (in their order) as a JavaScript value.
     * @param v the value
     * @return the JavaScript value
     */
    @SuppressWarnings("unchecked")
    static JSObject of(Object v) {
        if (v == null) {
            return nul();
        }
        if (v instanceof String s) {
            return string(s);
        }
        if (v instanceof Boolean b) {
            return bool(b);
        }
        if (v instanceof Number n) {
            return number(n.doubleValue());
        }
        if (v instanceof Map<?, ?> m) {
            JSObject o = object();
            ((Map<Object, Object>) m).forEach((k, x) -> set(o, String.valueOf(k), of(x)));
            return o;
        }
        if (v instanceof List<?> l) {
            JSObject a = array();
            l.forEach(x -> push(a, of(x)));
            return a;
        }
        return string(String.valueOf(v));
    }

    /**
     * The browser's JSON text of a Java value.
     * @param v strings, numbers, booleans, null, lists and maps
     * @return JSON.stringify's text
     */
    static String json(Object v) {
        return stringify(of(v));
    }
}
