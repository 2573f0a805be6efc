package dev.hcsim.views;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.RegisterLayout;
import dev.hcsim.core.sched.SingleCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code hcsim call}'s JSON as plain maps and lists, in key order, so that each front end serialises it with its
 * own JSON library: Jackson in the CLI, the browser's {@code JSON.stringify} in the Explorer page.
 */
public final class CallJson {
    private CallJson() {
    }

    /**
     * The call's JSON object; its keys are a stable contract.
     * @param r the call
     * @return the keys and values in their printed order: strings, null, lists and maps of them
     */
    public static Map<String, Object> of(SingleCall.Result r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("arch", r.vm().architecture().name());
        o.put("instruction", r.text());
        o.put("bytes", Bytes.hex(r.bytes()));
        o.put("call", r.call());
        o.put("status", r.status() == null ? null : r.status().name());
        o.put("statusCode", r.statusName());
        o.put("outcome", r.outcome().name());
        o.put("detail", r.detail());
        // The registers the call read, in its ABI's order and by its names (the trace's "read": KVM's contract, or Xen's
        // and Hyper-V's own conventions on x86); null when nothing was read (not a hypercall, a fault before the call).
        o.put("read", r.trap() == null || r.trap().read() == null ? null : new LinkedHashMap<>(r.trap().read()));
        RegisterLayout layout = r.after().layout();
        Map<String, String> regs = new LinkedHashMap<>();
        for (int i : layout.generalIndices()) {
            regs.put(layout.name(i), Bytes.hex64(r.after().get(i)));
        }
        regs.put("pc", Bytes.hex64(r.after().pc()));
        o.put("registers", regs);
        Map<String, String> changed = new LinkedHashMap<>();
        r.changed().forEach((k, v) -> changed.put(k, Bytes.hex64(v)));
        o.put("changed", changed);
        List<Map<String, Object>> effects = new ArrayList<>();
        for (SingleCall.Effect e : r.effects()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", e.kind());
            m.put("target", e.target());
            m.put("detail", e.detail());
            effects.add(m);
        }
        o.put("effects", effects);
        List<Map<String, Object>> writes = new ArrayList<>();
        for (SingleCall.MemoryWrite w : r.writes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("gpa", "0x" + Long.toHexString(w.gpa()));
            m.put("bytes", Bytes.hex(w.bytes()));
            writes.add(m);
        }
        o.put("memoryWrites", writes);
        return o;
    }
}
